package conformance

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ecsd/ecsd/internal/apierr/errtable"
	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The error table of spec/ModifyPrepayInstanceSpec.txt, and the check that
// the tests of this package made ecsd send every row of it.

// scSeedPath is the copy of the spec that internal/apierr's tests keep
// equal to ../shared/spec.
const scSeedPath = "../apierr/testdata/ModifyPrepayInstanceSpec.txt"

// scSeedRow is one row of the error table.
type scSeedRow struct {
	Status int
	Code   string
}

func (r scSeedRow) String() string { return r.Code + " " + strconv.Itoa(r.Status) }

// scSeedTable reads the spec's error table.
func scSeedTable() ([]scSeedRow, error) {
	doc, err := os.ReadFile(scSeedPath)
	if err != nil {
		return nil, err
	}
	parsed, err := errtable.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", scSeedPath, err)
	}
	rows := make([]scSeedRow, len(parsed))
	for i, r := range parsed {
		rows[i] = scSeedRow{Status: r.Status, Code: r.Code}
	}
	return rows, nil
}

// scNeverProduced lists the rows no test can make ecsd send, with the
// reason. Each is a gap in ecsd, reported; the check below prints them on
// every run instead of failing.
var scNeverProduced = map[scSeedRow]string{}

// TestMain runs the package, then checks that every row of the spec's error
// table was sent by some server of some test (ecsdtest records every error
// answer of the RPC endpoint). The check needs the whole package: with -run
// or -skip it only says that it did not run.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := scCheckCodes(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func scCheckCodes() error {
	for _, name := range []string{"test.run", "test.skip", "test.list"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			fmt.Printf("codes: -%s is set, not every test ran: the check of the spec's error codes is skipped\n", strings.TrimPrefix(name, "test."))
			return nil
		}
	}
	rows, err := scSeedTable()
	if err != nil {
		return fmt.Errorf("codes: %v", err)
	}
	got := ecsdtest.Recorded()
	var missing, gaps []string
	for _, r := range rows {
		if got[ecsdtest.CodeStatus{Code: r.Code, Status: r.Status}] > 0 {
			if why, ok := scNeverProduced[r]; ok {
				return fmt.Errorf("codes: %s was produced after all; remove it from scNeverProduced (%s)", r, why)
			}
			continue
		}
		if why, ok := scNeverProduced[r]; ok {
			gaps = append(gaps, fmt.Sprintf("  %s: %s", r, why))
			continue
		}
		missing = append(missing, "  "+r.String())
	}
	sort.Strings(missing)
	if len(gaps) > 0 {
		fmt.Printf("codes: %d rows of the spec's error table cannot be produced (known gaps of ecsd):\n%s\n", len(gaps), strings.Join(gaps, "\n"))
	}
	if len(missing) > 0 {
		return fmt.Errorf("codes: %d of %d rows of the spec's error table were sent by no test:\n%s", len(missing), len(rows), strings.Join(missing, "\n"))
	}
	fmt.Printf("codes: every row of the spec's error table (%d) was sent by some test, except %d known gaps\n", len(rows), len(gaps))
	return nil
}
