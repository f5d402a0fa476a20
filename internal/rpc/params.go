package rpc

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ecsd/ecsd/internal/apierr"
)

// Limits on what one request may carry. Real ECS requests are a few KiB; the
// limits keep a bad client from making the server hold megabytes.
const (
	maxBodyBytes   = 1 << 20 // 1 MiB form body
	maxParamCount  = 2000
	maxParamLength = 64 << 10 // one value
)

// Request is a parsed RPC request: every parameter from the URL query and a
// form body, merged, plus what the signature checks need.
type Request struct {
	Method string
	Host   string // exactly as received: ACS3 signs it
	Header http.Header
	// Params holds query and body parameters, decoded (`+` is a space).
	Params map[string]string
	// Query holds the URL query alone: ACS3 signs only the query.
	Query map[string]string
	Body  []byte
	// RemoteIP is the client address, for RAM's acs:SourceIp.
	RemoteIP string
	Secure   bool
}

// ParseRequest reads r into a Request. It returns InvalidParameter for a body
// that cannot be read or parsed, a parameter given twice, a value that is not
// UTF-8 or holds a NUL, or more parameters than the limit, and
// UnsupportedHTTPMethod for a method other than GET or POST.
func ParseRequest(r *http.Request) (*Request, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, apierr.UnsupportedHTTPMethod.New()
	}
	req := &Request{
		Method: r.Method,
		Host:   r.Host,
		Header: r.Header,
		Params: map[string]string{},
		Query:  map[string]string{},
		Secure: r.TLS != nil,
	}
	req.RemoteIP = remoteIP(r.RemoteAddr)
	if err := addParams(req.Query, r.URL.RawQuery); err != nil {
		return nil, err
	}
	for k, v := range req.Query {
		req.Params[k] = v
	}
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if err != nil {
			return nil, apierr.InvalidParameter.Newf("The request body could not be read: %v.", err)
		}
		if len(body) > maxBodyBytes {
			return nil, apierr.InvalidParameter.Newf("The request body is larger than %d bytes.", maxBodyBytes)
		}
		req.Body = body
		if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
			form := map[string]string{}
			if err := addParams(form, string(body)); err != nil {
				return nil, err
			}
			for k, v := range form {
				if _, dup := req.Params[k]; dup {
					return nil, duplicateParam(k)
				}
				req.Params[k] = v
			}
		}
	}
	if len(req.Params) > maxParamCount {
		return nil, apierr.InvalidParameter.Newf("The request has more than %d parameters.", maxParamCount)
	}
	return req, nil
}

// isForm reports whether the body is form-encoded. The Go SDK v1 sends the
// form content type with an empty body; other bodies are not parameters.
func isForm(ct string) bool {
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// addParams parses an application/x-www-form-urlencoded string into dst,
// refusing duplicates, bad escapes, empty keys and keys or values that are
// not UTF-8 or hold a NUL.
func addParams(dst map[string]string, s string) error {
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		rawK, rawV, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(rawK)
		if err != nil {
			return apierr.InvalidParameter.Newf("The parameter name %q is not correctly percent-encoded.", rawK)
		}
		v, err := url.QueryUnescape(rawV)
		if err != nil {
			return apierr.InvalidParameter.Newf("The value of parameter %q is not correctly percent-encoded.", k)
		}
		if k == "" {
			return apierr.InvalidParameter.Newf("The request has a parameter with an empty name.")
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return apierr.InvalidParameter.Newf("The parameter %q is not valid UTF-8.", strings.ToValidUTF8(k, "?"))
		}
		// No parameter holds a NUL, and PostgreSQL refuses it in text.
		if strings.IndexByte(k, 0) >= 0 || strings.IndexByte(v, 0) >= 0 {
			return apierr.InvalidParameter.Newf("The parameter %q contains a NUL character.", k)
		}
		if len(v) > maxParamLength {
			return apierr.InvalidParameter.Newf("The value of parameter %q is longer than %d bytes.", k, maxParamLength)
		}
		if _, dup := dst[k]; dup {
			return duplicateParam(k)
		}
		if len(dst) >= maxParamCount {
			return apierr.InvalidParameter.Newf("The request has more than %d parameters.", maxParamCount)
		}
		dst[k] = v
	}
	return nil
}

func duplicateParam(k string) error {
	return apierr.InvalidParameter.Newf("The parameter %q is given more than once.", k)
}

func remoteIP(addr string) string {
	host, _, err := splitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

func splitHostPort(addr string) (string, string, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", "", errors.New("no port")
	}
	host := strings.TrimSuffix(strings.TrimPrefix(addr[:i], "["), "]")
	return host, addr[i+1:], nil
}
