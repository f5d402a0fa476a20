package errtable

import (
	"os"
	"testing"
)

func TestParse(t *testing.T) {
	doc, err := os.ReadFile("../testdata/ModifyPrepayInstanceSpec.txt")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Status < 400 || r.Code == "" || r.Text == "" {
			t.Errorf("row %+v", r)
		}
		seen[r.Code] = true
	}
	if !seen["InvalidInstanceType.ValueNotSupported"] || !seen["LastOrderProcessing"] {
		t.Errorf("%d rows without rows the doc has", len(rows))
	}
	if _, err := Parse([]byte("Error codes\n400 Only.One row\nSee Error Codes\n")); err == nil {
		t.Error("a table of one row parsed; want the layout error")
	}
}
