package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"slices"
	"strings"
)

// StringToSignV1 builds the RPC v1 string to sign from the HTTP method and
// every received query and form parameter, already URL-decoded. A
// "Signature" key is ignored; empty values are kept because clients sign
// them (the Go SDK always sends SignatureType=).
func StringToSignV1(method string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)

	// The canonical query string is encoded a second time as a whole, so
	// write the double encoding directly: "=" becomes %3D and "&" becomes %26.
	const prefix = "&%2F&"
	n := len(method) + len(prefix)
	for i, k := range keys {
		if i > 0 {
			n += len("%26")
		}
		n += doubleEncodedLen(k) + len("%3D") + doubleEncodedLen(params[k])
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(method)
	b.WriteString(prefix)
	for i, k := range keys {
		if i > 0 {
			b.WriteString("%26")
		}
		writeDoubleEncoded(&b, k)
		b.WriteString("%3D")
		writeDoubleEncoded(&b, params[k])
	}
	return b.String()
}

// SignV1 returns base64(HMAC-SHA1(secret+"&", stringToSign)).
func SignV1(secret, stringToSign string) string {
	return base64.StdEncoding.EncodeToString(macV1(secret, stringToSign))
}

// VerifyV1 reports whether signature is the RPC v1 signature of
// stringToSign under secret. The comparison is constant-time.
func VerifyV1(secret, stringToSign, signature string) bool {
	// Compare the encoded form: decoding would also accept variants with
	// different unused trailing bits.
	var buf [28]byte // base64 of a 20-byte SHA-1 MAC
	base64.StdEncoding.Encode(buf[:], macV1(secret, stringToSign))
	return hmac.Equal([]byte(signature), buf[:])
}

func macV1(secret, stringToSign string) []byte {
	// The key suffix "&" is where a token secret would go; clients always
	// send it empty.
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	return m.Sum(nil)
}
