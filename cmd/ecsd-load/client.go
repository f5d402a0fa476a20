package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/ecsd/ecsd/internal/auth"
)

// client calls one ecsd over plain HTTP: the admin API with the bearer
// token, and the RPC API signed with RPC v1 (HMAC-SHA1) as Go SDK v1 does.
type client struct {
	http       *http.Client
	base       string // http://host:port
	adminToken string
	accountID  string
	keyID      string
	secret     string
	region     string
}

// as returns a client that signs as another account, on the same connections.
func (c *client) as(accountID, keyID, secret string) *client {
	cp := *c
	cp.accountID, cp.keyID, cp.secret = accountID, keyID, secret
	return &cp
}

// newClient refuses any endpoint that is not a loopback address: the
// generator is for a local ecsd only.
func newClient(endpoint, adminToken, region string, conns int) (*client, error) {
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		return nil, fmt.Errorf("--endpoint %q: want host:port: %w", endpoint, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("--endpoint %q: only a loopback IP address (127.0.0.1, ::1) is allowed", endpoint)
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &client{
		http:       &http.Client{Transport: tr, Timeout: 30 * time.Second},
		base:       "http://" + endpoint,
		adminToken: adminToken,
		region:     region,
	}, nil
}

// apiError is an answered refusal.
type apiError struct {
	Status int
	Code   string
	Msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Msg) }

// statusOf returns the HTTP status of an answered error, or 0 when the
// call got no answer.
func statusOf(err error) int {
	var e *apiError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// admin calls the admin API and decodes the answer into out.
func (c *client) admin(ctx context.Context, method, path string, in, out any) error {
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.adminToken)
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, out)
}

// rpc calls an ECS action with params (values already strings) and decodes
// the answer into out.
func (c *client) rpc(ctx context.Context, action string, params map[string]string, out any) error {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	p := map[string]string{
		"AccessKeyId":      c.keyID,
		"Action":           action,
		"Format":           "JSON",
		"RegionId":         c.region,
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureNonce":   hex.EncodeToString(nonce[:]),
		"SignatureType":    "",
		"SignatureVersion": "1.0",
		"Timestamp":        time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          "2014-05-26",
	}
	for k, v := range params {
		p[k] = v
	}
	p["Signature"] = auth.SignV1(c.secret, auth.StringToSignV1(http.MethodPost, p))
	q := make(url.Values, len(p))
	for k, v := range p {
		q.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req, out)
}

// do sends req, reads the whole body (so the connection is reused) and
// decodes it: into out on 2xx, into an *apiError otherwise.
func (c *client) do(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Code, Message string }
		_ = json.Unmarshal(body, &e)
		if e.Code == "" {
			e.Code = fmt.Sprintf("HTTP%d", resp.StatusCode)
		}
		return &apiError{Status: resp.StatusCode, Code: e.Code, Msg: e.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: decode %q: %w", req.URL.Path, body, err)
	}
	return nil
}

// instanceState is what the generator reads from DescribeInstances.
type instanceState struct {
	InstanceId   string
	InstanceType string
	Status       string
}

// describe returns the state of up to 100 instances by id.
func (c *client) describe(ctx context.Context, ids []string) ([]instanceState, error) {
	raw, _ := json.Marshal(ids)
	var out struct {
		Instances struct{ Instance []instanceState }
	}
	err := c.rpc(ctx, "DescribeInstances", map[string]string{"InstanceIds": string(raw), "PageSize": "100"}, &out)
	return out.Instances.Instance, err
}

// countStatus returns how many of the account's instances in the region
// have the status: the TotalCount of a DescribeInstances page filtered by
// it (the smallest page; the count covers every page).
func (c *client) countStatus(ctx context.Context, status string) (int, error) {
	var out struct{ TotalCount int }
	err := c.rpc(ctx, "DescribeInstances", map[string]string{"Status": status, "PageSize": "10"}, &out)
	return out.TotalCount, err
}
