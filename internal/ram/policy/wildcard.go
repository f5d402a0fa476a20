package policy

import "strings"

// pattern is a compiled wildcard pattern: '*' matches any run of characters
// (including none) and '?' matches exactly one character. There is no escape,
// as in RAM. Matching works on characters (runes), not bytes.
//
// A pattern is split at its stars into segments. Without a star the name must
// have the pattern's length and match it position by position. With stars, the
// first segment is anchored at the start, the last at the end, and each middle
// segment is found at its leftmost occurrence after the previous one; taking
// the leftmost occurrence is always safe, because a later star can absorb
// whatever an earlier choice leaves. Each middle segment is searched with a
// bit-parallel (shift-and) scan that reads every character of the name at most
// once, so a match costs O(len(name) × ⌈len(segment)/64⌉) with no
// backtracking: linear for segments of up to 64 characters, whatever the
// number of stars.
type pattern struct {
	raw     string
	hasStar bool
	exact   []rune // the whole pattern when it has no star
	prefix  []rune // the segment before the first star
	suffix  []rune // the segment after the last star
	middle  []*segment
}

// segment is a star-free piece of a pattern, prepared for shift-and search.
type segment struct {
	runes []rune
	words int               // ⌈len(runes)/64⌉
	masks map[rune][]uint64 // bit i is set where runes[i] is that rune
	any   []uint64          // bit i is set where runes[i] is '?'
}

// compilePattern prepares raw for matching; fold lower-cases it first, for
// names that are matched without regard to case (actions).
func compilePattern(raw string, fold bool) *pattern {
	p := &pattern{raw: raw}
	if fold {
		raw = strings.ToLower(raw)
	}
	if !strings.Contains(raw, "*") {
		p.exact = []rune(raw)
		return p
	}
	p.hasStar = true
	parts := strings.Split(raw, "*")
	p.prefix = []rune(parts[0])
	p.suffix = []rune(parts[len(parts)-1])
	for _, part := range parts[1 : len(parts)-1] {
		if part == "" { // consecutive stars
			continue
		}
		p.middle = append(p.middle, newSegment([]rune(part)))
	}
	return p
}

func newSegment(rs []rune) *segment {
	s := &segment{runes: rs, words: (len(rs) + 63) / 64, masks: map[rune][]uint64{}}
	s.any = make([]uint64, s.words)
	for i, r := range rs {
		w, bit := i/64, uint64(1)<<(i%64)
		if r == '?' {
			s.any[w] |= bit
			continue
		}
		m := s.masks[r]
		if m == nil {
			m = make([]uint64, s.words)
			s.masks[r] = m
		}
		m[w] |= bit
	}
	return s
}

// match reports whether name (already lower-cased for a folded pattern)
// matches the whole pattern.
func (p *pattern) match(name []rune) bool {
	if !p.hasStar {
		return len(name) == len(p.exact) && matchAt(p.exact, name, 0)
	}
	n := len(name)
	if len(p.prefix)+len(p.suffix) > n {
		return false
	}
	if !matchAt(p.prefix, name, 0) || !matchAt(p.suffix, name, n-len(p.suffix)) {
		return false
	}
	pos, end := len(p.prefix), n-len(p.suffix)
	for _, s := range p.middle {
		next, ok := s.find(name, pos, end)
		if !ok {
			return false
		}
		pos = next
	}
	return true
}

// matchAt reports whether seg matches name at offset off; the caller has
// checked that name is long enough.
func matchAt(seg, name []rune, off int) bool {
	for i, r := range seg {
		if r != '?' && r != name[off+i] {
			return false
		}
	}
	return true
}

// find returns the end of the leftmost occurrence of s in name[lo:hi].
func (s *segment) find(name []rune, lo, hi int) (int, bool) {
	k := len(s.runes)
	if hi-lo < k {
		return 0, false
	}
	last, lastBit := (k-1)/64, uint64(1)<<((k-1)%64)
	if s.words == 1 {
		var d uint64
		anyMask := s.any[0]
		for i := lo; i < hi; i++ {
			m := anyMask
			if rm := s.masks[name[i]]; rm != nil {
				m |= rm[0]
			}
			d = (d<<1 | 1) & m
			if d&lastBit != 0 {
				return i + 1, true
			}
		}
		return 0, false
	}
	d := make([]uint64, s.words)
	for i := lo; i < hi; i++ {
		rm := s.masks[name[i]]
		carry := uint64(1)
		for w := range d {
			m := s.any[w]
			if rm != nil {
				m |= rm[w]
			}
			next := d[w] >> 63
			d[w] = (d[w]<<1 | carry) & m
			carry = next
		}
		if d[last]&lastBit != 0 {
			return i + 1, true
		}
	}
	return 0, false
}
