// Package money holds amounts as integer minor units (cents) and converts
// them to and from the decimal strings of the APIs. Amounts never pass
// through floating point.
package money

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Amount is a sum of money in cents.
type Amount int64

// Parse reads a decimal amount such as "300", "300.5" or "-12.34". More than
// two decimals, an exponent or anything else is an error.
func Parse(s string) (Amount, error) {
	orig := s
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("money: %q is not an amount with at most two decimals", orig)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<62)/100 {
		return 0, fmt.Errorf("money: %q is out of range", orig)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return Amount(v), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String writes the amount with two decimals: "1840.00", "-0.05".
func (a Amount) String() string {
	v := int64(a)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Number is an amount that JSON-encodes as a number with two decimals
// (1840.00), for fields that Alibaba's APIs type as float.
type Number Amount

func (n Number) MarshalJSON() ([]byte, error) { return []byte(Amount(n).String()), nil }

func (n Number) MarshalText() ([]byte, error) { return []byte(Amount(n).String()), nil }

var _ json.Marshaler = Number(0)

// MulDivRound returns a × num / den rounded half away from zero, exactly:
// the one rounding step of every proration.
func MulDivRound(a Amount, num, den int64) Amount {
	if den == 0 {
		panic("money: division by zero")
	}
	r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(num)), big.NewInt(den))
	// Half away from zero: add or subtract one half, then truncate.
	half := big.NewRat(1, 2)
	if r.Sign() < 0 {
		r.Sub(r, half)
	} else {
		r.Add(r, half)
	}
	q := new(big.Int).Quo(r.Num(), r.Denom())
	return Amount(q.Int64())
}
