package policy

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// valueKind is the type an operator compares values as.
type valueKind uint8

const (
	kindString valueKind = iota
	kindStringFold
	kindStringLike
	kindNumeric
	kindDate
	kindBool
	kindIP
)

// comparison is how a request value relates to a policy value.
type comparison uint8

const (
	cmpEq comparison = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

// operator is one of RAM's condition operators. A negated operator holds
// exactly when its positive form does not: StringNotEquals is "no request
// value equals any policy value".
type operator struct {
	name    string
	kind    valueKind
	cmp     comparison
	negated bool
}

// operators lists RAM's condition operators (alibabacloud.com/help/en/ram/conditional-operator;
// DOCS-RAM Policy elements.md). Names are case-sensitive.
var operators = map[string]operator{}

func init() {
	add := func(name string, kind valueKind, cmp comparison, negated bool) {
		operators[name] = operator{name: name, kind: kind, cmp: cmp, negated: negated}
	}
	add("StringEquals", kindString, cmpEq, false)
	add("StringNotEquals", kindString, cmpEq, true)
	add("StringEqualsIgnoreCase", kindStringFold, cmpEq, false)
	add("StringNotEqualsIgnoreCase", kindStringFold, cmpEq, true)
	add("StringLike", kindStringLike, cmpEq, false)
	add("StringNotLike", kindStringLike, cmpEq, true)
	for _, k := range []struct {
		prefix string
		kind   valueKind
	}{{"Numeric", kindNumeric}, {"Date", kindDate}} {
		add(k.prefix+"Equals", k.kind, cmpEq, false)
		add(k.prefix+"NotEquals", k.kind, cmpEq, true)
		add(k.prefix+"LessThan", k.kind, cmpLt, false)
		add(k.prefix+"LessThanEquals", k.kind, cmpLe, false)
		add(k.prefix+"GreaterThan", k.kind, cmpGt, false)
		add(k.prefix+"GreaterThanEquals", k.kind, cmpGe, false)
	}
	add("Bool", kindBool, cmpEq, false)
	add("IpAddress", kindIP, cmpEq, false)
	add("NotIpAddress", kindIP, cmpEq, true)
}

// condition is a compiled Condition: the policy values parsed for the
// operator's type.
type condition struct {
	op       operator
	key      string
	values   []string
	nums     []float64
	times    []time.Time
	bools    []bool
	prefixes []netip.Prefix
	likes    []*pattern
}

// parseCondition reads a Condition element: { operator: { key: value | [value, ...] } }.
// An empty block, or an operator with no keys, imposes nothing.
func parseCondition(path string, v *jsonValue) ([]Condition, []*condition, error) {
	if v.kind != jsonObject {
		return nil, nil, malformed(KindType, path, "must be an object of condition operators, not %s", v.describe())
	}
	var (
		raw      []Condition
		compiled []*condition
	)
	for i, name := range v.keys {
		op, ok := operators[name]
		if !ok {
			return nil, nil, unknownOperator(path, name)
		}
		block, opPath := v.elems[i], joinPath(path, name)
		if block.kind != jsonObject {
			return nil, nil, malformed(KindType, opPath, "must be an object of condition keys, not %s", block.describe())
		}
		for j, key := range block.keys {
			keyPath := joinPath(opPath, key)
			if key == "" {
				return nil, nil, malformed(KindValue, opPath, "a condition key must not be empty")
			}
			c, err := parseConditionValues(keyPath, op, key, block.elems[j])
			if err != nil {
				return nil, nil, err
			}
			raw = append(raw, Condition{Operator: name, Key: key, Values: c.values})
			compiled = append(compiled, c)
		}
	}
	return raw, compiled, nil
}

func parseConditionValues(path string, op operator, key string, v *jsonValue) (*condition, error) {
	items := []*jsonValue{v}
	if v.kind == jsonArray {
		if len(v.elems) == 0 {
			return nil, malformed(KindValue, path, "must not be an empty array")
		}
		items = v.elems
	}
	c := &condition{op: op, key: key}
	for i, e := range items {
		p := path
		if v.kind == jsonArray {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		if e.kind != jsonString && e.kind != jsonNumber && e.kind != jsonBool {
			return nil, malformed(KindType, p, "must be a string, number or Boolean (or an array of them), not %s", e.describe())
		}
		if err := c.add(e.text); err != "" {
			return nil, malformed(KindConditionValue, p, "%q %s", e.text, err)
		}
	}
	return c, nil
}

// add parses one policy value for the operator's type; it returns what is
// wrong with it, or "".
func (c *condition) add(s string) string {
	switch c.op.kind {
	case kindStringLike:
		c.likes = append(c.likes, compilePattern(s, false))
	case kindNumeric:
		f, ok := parseNumber(s)
		if !ok {
			return "is not a number (" + c.op.name + ")"
		}
		c.nums = append(c.nums, f)
	case kindDate:
		t, ok := parseDate(s)
		if !ok {
			return "is not an ISO 8601 date and time such as 2012-11-11T23:59:59Z (" + c.op.name + ")"
		}
		c.times = append(c.times, t)
	case kindBool:
		b, ok := parseBool(s)
		if !ok {
			return "is not true or false (Bool)"
		}
		c.bools = append(c.bools, b)
	case kindIP:
		p, ok := parseIPOrPrefix(s)
		if !ok {
			return "is not an IP address or CIDR block (" + c.op.name + ")"
		}
		c.prefixes = append(c.prefixes, p)
	}
	c.values = append(c.values, s)
	return ""
}

// holds evaluates the condition against the request context. A key that is
// absent (or has no values) satisfies only the negated operators.
func (c *condition) holds(ctx map[string][]string) bool {
	vals := lookup(ctx, c.key)
	if len(vals) == 0 {
		return c.op.negated
	}
	return c.anyMatch(vals) != c.op.negated
}

// anyMatch reports whether some request value relates to some policy value
// as the positive form of the operator says. A request value that does not
// parse as the operator's type matches nothing.
func (c *condition) anyMatch(vals []string) bool {
	for _, r := range vals {
		switch c.op.kind {
		case kindString:
			for _, p := range c.values {
				if r == p {
					return true
				}
			}
		case kindStringFold:
			for _, p := range c.values {
				if strings.EqualFold(r, p) {
					return true
				}
			}
		case kindStringLike:
			rs := []rune(r)
			for _, p := range c.likes {
				if p.match(rs) {
					return true
				}
			}
		case kindNumeric:
			f, ok := parseNumber(r)
			if !ok {
				continue
			}
			for _, p := range c.nums {
				if compare(cmpFloat(f, p), c.op.cmp) {
					return true
				}
			}
		case kindDate:
			t, ok := parseDate(r)
			if !ok {
				continue
			}
			for _, p := range c.times {
				if compare(t.Compare(p), c.op.cmp) {
					return true
				}
			}
		case kindBool:
			b, ok := parseBool(r)
			if !ok {
				continue
			}
			for _, p := range c.bools {
				if b == p {
					return true
				}
			}
		case kindIP:
			a, err := netip.ParseAddr(r)
			if err != nil {
				continue
			}
			a = a.Unmap()
			for _, p := range c.prefixes {
				if p.Contains(a) {
					return true
				}
			}
		}
	}
	return false
}

// lookup finds a condition key's request values. Keys match regardless of
// case (as AWS IAM does; RAM does not say): an exact key wins, otherwise the
// values of every key equal under case folding are merged.
func lookup(ctx map[string][]string, key string) []string {
	if vals, ok := ctx[key]; ok {
		return vals
	}
	var out []string
	for k, vals := range ctx {
		if strings.EqualFold(k, key) {
			out = append(out, vals...)
		}
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(c int, want comparison) bool {
	switch want {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}

// parseNumber accepts a finite decimal number ("10", "-2.5", "1e3").
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// dateLayouts are the ISO 8601 forms accepted for Date operators and
// acs:CurrentTime: RAM documents 2012-11-11T23:59:59Z; fractional seconds,
// numeric offsets, minute precision (Alibaba's yyyy-MM-ddTHH:mmZ) and a bare
// date (midnight UTC) are accepted too.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"}

func parseDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseBool accepts true and false in any case.
func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parseIPOrPrefix accepts an address (as a one-address block) or a CIDR block
// (host bits are ignored: 10.0.0.1/24 is 10.0.0.0/24).
func parseIPOrPrefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				return netip.Prefix{}, false
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), bits)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// unknownOperator reports an operator RAM does not define, with a hint for
// the AWS IAM forms RAM lacks.
func unknownOperator(path, name string) error {
	for known := range operators {
		if strings.EqualFold(known, name) {
			return malformed(KindOperator, path, "unknown condition operator %q (operator names are case-sensitive; did you mean %q?)", name, known)
		}
	}
	switch {
	case strings.HasSuffix(name, "IfExists"):
		return malformed(KindOperator, path, "unknown condition operator %q (RAM has no ...IfExists operators)", name)
	case strings.HasPrefix(name, "ForAnyValue:"), strings.HasPrefix(name, "ForAllValues:"):
		return malformed(KindOperator, path, "unknown condition operator %q (RAM has no ForAnyValue/ForAllValues qualifiers)", name)
	}
	return malformed(KindOperator, path, "unknown condition operator %q", name)
}
