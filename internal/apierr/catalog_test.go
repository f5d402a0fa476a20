package apierr

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ecsd/ecsd/internal/apierr/errtable"
)

// seedTable parses the "Error codes" table of the ModifyPrepayInstanceSpec doc.
func seedTable(t *testing.T, doc []byte) []errtable.Row {
	t.Helper()
	rows, err := errtable.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCatalogHasEverySeedRow(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("testdata/ModifyPrepayInstanceSpec.txt")
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*Def{}
	for _, d := range All() {
		byKey[d.Code+"/"+strconv.Itoa(d.Status)] = d
	}
	for _, r := range seedTable(t, doc) {
		d, ok := byKey[r.Code+"/"+strconv.Itoa(r.Status)]
		if !ok {
			t.Errorf("catalog lacks %s with HTTP %d", r.Code, r.Status)
			continue
		}
		if !strings.HasPrefix(r.Text, d.Message) {
			t.Errorf("%s %d: catalog message %q is not the doc's %q", r.Code, r.Status, d.Message, r.Text)
		}
	}
}

// The copy under testdata is the doc of ../shared/spec; keep them equal so
// the test above checks the current spec.
func TestSeedCopyIsCurrent(t *testing.T) {
	t.Parallel()
	shared, err := os.ReadFile("../../../shared/spec/ModifyPrepayInstanceSpec.txt")
	if os.IsNotExist(err) {
		t.Log("../shared is not beside this checkout; comparing nothing")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	local, err := os.ReadFile("testdata/ModifyPrepayInstanceSpec.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, local) {
		t.Fatal("internal/apierr/testdata/ModifyPrepayInstanceSpec.txt differs from ../shared/spec; copy the new doc in")
	}
}

func TestCatalogRowsAreUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, d := range All() {
		k := d.Code + "/" + strconv.Itoa(d.Status)
		if seen[k] {
			t.Errorf("duplicate row %s", k)
		}
		seen[k] = true
		if d.Status < 400 || d.Status > 599 {
			t.Errorf("%s: status %d is not an error status", d.Code, d.Status)
		}
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	if got := QuotaExceedRufundVcpu.New("8").Message; got != "The maximum number of refunded vcpu is exceeded: 8 ." {
		t.Errorf("got %q", got)
	}
	if got := MissingParameter.New("RegionId").Message; got != `The input parameter "RegionId" that is mandatory for processing this request is not supplied.` {
		t.Errorf("got %q", got)
	}
	if got := InvalidParameter.New("x").Message; got != "x" {
		t.Errorf("got %q", got)
	}
}
