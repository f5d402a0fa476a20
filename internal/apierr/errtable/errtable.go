// Package errtable reads the "Error codes" table of the
// ModifyPrepayInstanceSpec doc (spec/ModifyPrepayInstanceSpec.txt), which
// the error catalog and the conformance tests are checked against.
package errtable

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Row is one row of the table.
type Row struct {
	Status int
	Code   string
	Text   string // message and description as the doc prints them
}

var rowRE = regexp.MustCompile(`^([1-5][0-9][0-9]) (\S+) ?(.*)$`)

// Parse returns the table's rows in the doc's order. It fails when it finds
// fewer than 70, which means the doc's layout changed.
func Parse(doc []byte) ([]Row, error) {
	var rows []Row
	in := false
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Error codes"):
			in = true
		case strings.HasPrefix(line, "See Error Codes"):
			in = false
		case in:
			if m := rowRE.FindStringSubmatch(line); m != nil {
				st, _ := strconv.Atoi(m[1])
				rows = append(rows, Row{Status: st, Code: m[2], Text: m[3]})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rows) < 70 {
		return nil, fmt.Errorf("parsed only %d rows from the error table; the doc's layout changed", len(rows))
	}
	return rows, nil
}
