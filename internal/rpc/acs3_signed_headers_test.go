package rpc_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ecsd/ecsd/internal/auth"
)

// acs3Request builds a raw ACS3 POST with the given extra headers, signing
// only the headers named in signed (host is the Host line).
func acs3Request(host string, query map[string]string, headers map[string]string, signed []string, body string) string {
	sum := sha256.Sum256([]byte(body))
	payload := hex.EncodeToString(sum[:])
	h := http.Header{}
	for k, v := range headers {
		h.Set(k, v)
	}
	canonical := auth.CanonicalRequestACS3("POST", "/", query, h, host, signed, payload)
	sig := auth.SignACS3(testKeySecret, auth.StringToSignACS3(canonical))
	q := url.Values{}
	for k, v := range query {
		q.Set(k, v)
	}
	var b strings.Builder
	b.WriteString("POST /?" + q.Encode() + " HTTP/1.1\nHost: " + host + "\n")
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		b.WriteString(k + ": " + headers[k] + "\n")
	}
	b.WriteString("Authorization: ACS3-HMAC-SHA256 Credential=" + testKeyID + ",SignedHeaders=" + strings.Join(signed, ";") + ",Signature=" + sig + "\n")
	if body != "" {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\n\n" + body)
	} else {
		b.WriteString("Content-Length: 0")
	}
	return b.String()
}

func acs3Headers(action string) map[string]string {
	return map[string]string{
		"x-acs-action":          action,
		"x-acs-version":         testVersion,
		"x-acs-date":            captureTime.Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": newNonce(),
	}
}

// TestACS3SignedHeadersRequired: an ACS3 signature must cover host, every
// x-acs-* header sent and content-type when sent; otherwise the request is
// IncompleteSignature, never routed or checked for replay on unsigned values.
func TestACS3SignedHeadersRequired(t *testing.T) {
	t.Parallel()
	all := []string{"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}
	without := func(name string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == name })
	}
	const host = "127.0.0.1:18081"
	q := map[string]string{"RegionId": "cn-hangzhou"}
	t.Run("all signed verifies", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		wantSuccess(t, sendRaw(t, srv, rawRequest(acs3Request(host, q, acs3Headers("StopInstance"), all, ""))), "StopInstance")
	})
	for _, name := range all {
		t.Run("unsigned "+name, func(t *testing.T) {
			t.Parallel()
			srv := startPipeline(t)
			msg := wantError(t, sendRaw(t, srv, rawRequest(acs3Request(host, q, acs3Headers("StopInstance"), without(name), ""))), 400, "IncompleteSignature")
			if !strings.Contains(msg, name) {
				t.Errorf("message %q does not name %s", msg, name)
			}
		})
	}
	t.Run("action header added after signing", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		h := acs3Headers("DescribeRegions")
		signed := without("x-acs-action")
		delete(h, "x-acs-action")
		raw := acs3Request(host, q, h, signed, "")
		raw = strings.Replace(raw, "Authorization:", "X-Acs-Action: StopInstance\nAuthorization:", 1)
		wantError(t, sendRaw(t, srv, rawRequest(raw)), 400, "IncompleteSignature")
	})
	t.Run("unsigned content-type", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		h := acs3Headers("StopInstance")
		h["content-type"] = "application/x-www-form-urlencoded"
		wantError(t, sendRaw(t, srv, rawRequest(acs3Request(host, q, h, all, "InstanceId=i-bp1aaaa"))), 400, "IncompleteSignature")
		h["x-acs-signature-nonce"] = newNonce()
		wantSuccess(t, sendRaw(t, srv, rawRequest(acs3Request(host, q, h, append(slices.Clone(all), "content-type"), "InstanceId=i-bp1aaaa"))), "StopInstance")
	})
	t.Run("unsigned extra x-acs header", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		h := acs3Headers("StopInstance")
		h["x-acs-security-token"] = "tok"
		wantError(t, sendRaw(t, srv, rawRequest(acs3Request(host, q, h, all, ""))), 400, "IncompleteSignature")
	})
	t.Run("v1 is not routed by header", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		// An RPC v1 signature covers parameters only: an unsigned
		// x-acs-action header never chooses the action.
		p := signV1("POST", map[string]string{"Action": omit})
		req, _ := http.NewRequest("POST", srv.URL+"/?"+encodeRFC3986(p), nil)
		req.Header.Set("X-Acs-Action", "StopInstance")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, toReply(t, resp), 400, "MissingParameter")
	})
}
