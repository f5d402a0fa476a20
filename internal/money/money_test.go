package money

import "testing"

func TestParseAndString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Amount{"300": 30000, "300.5": 30050, "300.00": 30000, "-12.34": -1234, "0.07": 7} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1.234", "abc", "1e3", "1.", ".5", "--1", "1,00", "99999999999999999999"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if s := Amount(184000).String(); s != "1840.00" {
		t.Error(s)
	}
	if s := Amount(-5).String(); s != "-0.05" {
		t.Error(s)
	}
}

func TestMulDivRound(t *testing.T) {
	t.Parallel()
	// The pinned worked example: 300.00 × 4416 / 720 = 1840.00 and
	// 300.00 × 4415 / 720 = 1839.5833… → 1839.58.
	if got := MulDivRound(30000, 4416, 720); got != 184000 {
		t.Errorf("got %v", got)
	}
	if got := MulDivRound(30000, 4415, 720); got != 183958 {
		t.Errorf("got %v", got)
	}
	if got := MulDivRound(1, 1, 2); got != 1 { // half rounds up
		t.Errorf("got %v", got)
	}
	if got := MulDivRound(-1, 1, 2); got != -1 {
		t.Errorf("got %v", got)
	}
}
