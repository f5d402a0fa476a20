package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ACS3Algorithm is the only ACS3 algorithm this package computes.
const ACS3Algorithm = "ACS3-HMAC-SHA256"

// ACS3Authorization is a parsed ACS3 Authorization header.
type ACS3Authorization struct {
	Algorithm     string   // first token, e.g. "ACS3-HMAC-SHA256"
	AccessKeyID   string   // Credential
	SignedHeaders []string // as sent, split on ";"
	Signature     string   // hex, as sent
}

// ParseACS3Authorization parses
// "<Algorithm> Credential=<id>,SignedHeaders=<h1;h2>,Signature=<hex>".
// Spaces after the commas are tolerated. It does not check that the
// algorithm is supported; the caller maps errors to API errors.
func ParseACS3Authorization(h string) (ACS3Authorization, error) {
	var a ACS3Authorization
	alg, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || alg == "" {
		return a, errors.New("authorization: missing algorithm or credentials")
	}
	a.Algorithm = alg
	var haveCred, haveHeaders, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			return ACS3Authorization{}, fmt.Errorf("authorization: malformed field %q", part)
		}
		switch k {
		case "Credential":
			if haveCred {
				return ACS3Authorization{}, errors.New("authorization: duplicate Credential")
			}
			haveCred = true
			a.AccessKeyID = v
		case "SignedHeaders":
			if haveHeaders {
				return ACS3Authorization{}, errors.New("authorization: duplicate SignedHeaders")
			}
			haveHeaders = true
			a.SignedHeaders = strings.Split(v, ";")
			if slices.Contains(a.SignedHeaders, "") {
				return ACS3Authorization{}, fmt.Errorf("authorization: empty name in SignedHeaders %q", v)
			}
		case "Signature":
			if haveSig {
				return ACS3Authorization{}, errors.New("authorization: duplicate Signature")
			}
			haveSig = true
			if _, err := hex.DecodeString(v); err != nil {
				return ACS3Authorization{}, fmt.Errorf("authorization: Signature is not hex: %w", err)
			}
			a.Signature = v
		default:
			return ACS3Authorization{}, fmt.Errorf("authorization: unknown field %q", k)
		}
	}
	switch {
	case !haveCred:
		return ACS3Authorization{}, errors.New("authorization: missing Credential")
	case !haveHeaders:
		return ACS3Authorization{}, errors.New("authorization: missing SignedHeaders")
	case !haveSig:
		return ACS3Authorization{}, errors.New("authorization: missing Signature")
	}
	return a, nil
}

// CanonicalRequestACS3 builds the ACS3 canonical request. path is the
// decoded URL path and query the decoded query parameters. host is the Host
// exactly as received (port included), used as the value of a signed "host"
// header because Go moves it out of header. Other signed headers are read
// from header; several values are trimmed, sorted and joined with ",".
// payloadHash is the lower-case hex SHA-256 of the body.
func CanonicalRequestACS3(method, path string, query map[string]string, header http.Header, host string, signedHeaders []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')

	if path == "" {
		path = "/"
	}
	for i, seg := range strings.Split(path, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		writeEncoded(&b, seg)
	}
	b.WriteByte('\n')

	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		writeEncoded(&b, k)
		b.WriteByte('=')
		writeEncoded(&b, query[k])
	}
	b.WriteByte('\n')

	// Lower-case and sort a copy so the caller's slice is left as parsed.
	names := make([]string, len(signedHeaders))
	for i, name := range signedHeaders {
		names[i] = strings.ToLower(name)
	}
	slices.Sort(names)
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		if name == "host" {
			b.WriteString(strings.TrimSpace(host))
		} else {
			b.WriteString(headerValue(header, name))
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')

	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// headerValue returns the trimmed values of header name, sorted and joined
// with ",", as the SDKs do when a header is repeated.
func headerValue(header http.Header, name string) string {
	vs := header.Values(name)
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return strings.TrimSpace(vs[0])
	}
	trimmed := make([]string, len(vs))
	for i, v := range vs {
		trimmed[i] = strings.TrimSpace(v)
	}
	slices.Sort(trimmed)
	return strings.Join(trimmed, ",")
}

// StringToSignACS3 returns "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonicalRequest)).
func StringToSignACS3(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return ACS3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// SignACS3 returns hex(HMAC-SHA256(secret, stringToSign)). Unlike v1, the
// key has no "&" suffix.
func SignACS3(secret, stringToSign string) string {
	return hex.EncodeToString(macACS3(secret, stringToSign))
}

// VerifyACS3 reports whether the hex signature (either case) is the ACS3
// signature of stringToSign under secret. The comparison is constant-time.
func VerifyACS3(secret, stringToSign, signature string) bool {
	got, err := hex.DecodeString(signature)
	if err != nil {
		return false
	}
	return hmac.Equal(got, macACS3(secret, stringToSign))
}

func macACS3(secret, stringToSign string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return m.Sum(nil)
}
