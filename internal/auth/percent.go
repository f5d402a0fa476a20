// Package auth implements the two request signature schemes that Alibaba
// Cloud clients use: RPC v1 (HMAC-SHA1) and ACS3-HMAC-SHA256.
package auth

import "strings"

const upperHex = "0123456789ABCDEF"

// unreserved reports whether c is left literal by RFC 3986 percent-encoding.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// PercentEncode encodes s with the RFC 3986 rule shared by both signature
// algorithms: unreserved bytes stay literal, every other UTF-8 byte becomes
// %XX with upper-case hex (so space is %20, never +).
func PercentEncode(s string) string {
	n := encodedLen(s)
	if n == len(s) {
		// Nothing to escape: most parameter names and values take this path.
		return s
	}
	var b strings.Builder
	b.Grow(n)
	writeEncoded(&b, s)
	return b.String()
}

// encodedLen returns the length of PercentEncode(s).
func encodedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n += 2
		}
	}
	return n
}

// writeEncoded writes PercentEncode(s) to b.
func writeEncoded(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
}

// doubleEncodedLen returns the length of PercentEncode(PercentEncode(s)).
// Encoding twice turns each escaped byte into "%25XX", since the hex digits
// themselves are unreserved.
func doubleEncodedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n += 4
		}
	}
	return n
}

// writeDoubleEncoded writes PercentEncode(PercentEncode(s)) to b without
// building the intermediate string.
func writeDoubleEncoded(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%25")
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
}
