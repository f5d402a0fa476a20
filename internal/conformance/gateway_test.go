package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/ecsdtest"
)

const (
	jsonType = "application/json;charset=utf-8"
	xmlType  = "text/xml;charset=utf-8"
)

var upperUUID = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

// specialValue holds every character class that the signature encodings
// treat specially: space, * ~ / & = % + and non-ASCII.
const specialValue = "demo vm*~+/é & a=b 100% (test) 中文 'x'!"

// --- requests signed here ---

type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// signV1 returns params with the common parameters it lacks and an RPC v1
// signature. A value of omit drops that common parameter.
func signV1(method, keyID, secret string, params map[string]string) map[string]string {
	out := map[string]string{
		"AccessKeyId":      keyID,
		"Format":           "JSON",
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureVersion": "1.0",
		"SignatureNonce":   newNonce(),
		"Timestamp":        time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          "2014-05-26",
		"RegionId":         "cn-hangzhou",
	}
	for k, v := range params {
		out[k] = v
		if v == omit {
			delete(out, k)
		}
	}
	delete(out, "Signature")
	out["Signature"] = auth.SignV1(secret, auth.StringToSignV1(method, out))
	return out
}

const omit = "\x00omit"

// encode writes params with RFC 3986 encoding, sorted, Signature last (as
// pop-core does).
func encode(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if _, ok := params["Signature"]; ok {
		keys = append(keys, "Signature")
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = auth.PercentEncode(k) + "=" + auth.PercentEncode(params[k])
	}
	return strings.Join(parts, "&")
}

// send makes a raw request; body, if not empty, is a form body.
func send(t *testing.T, method, url, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// sendV1 signs params with the server's default key and sends them in the
// query of method.
func sendV1(t *testing.T, s *ecsdtest.Server, method string, params map[string]string) reply {
	t.Helper()
	return send(t, method, s.URL+"/?"+encode(signV1(method, s.AccessKeyID, s.AccessKeySecret, params)), "")
}

// wantError checks an error reply: status, code, the exact JSON content
// type, every field a JSON string and an upper-case UUID RequestId. It
// returns the Message.
func wantError(t *testing.T, r reply, status int, code string) string {
	t.Helper()
	if r.Status != status {
		t.Errorf("HTTP %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != jsonType {
		t.Errorf("Content-Type %q, want %q", ct, jsonType)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("error body is not JSON: %v: %q", err, r.Body)
	}
	for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
		if _, ok := body[k]; !ok {
			t.Errorf("error body lacks %s: %s", k, r.Body)
		}
	}
	for k, v := range body {
		if _, ok := v.(string); !ok {
			t.Errorf("field %s = %#v is not a JSON string", k, v)
		}
	}
	if body["Code"] != code {
		t.Errorf("Code %v, want %s (Message %v)", body["Code"], code, body["Message"])
	}
	if id, _ := body["RequestId"].(string); !upperUUID.MatchString(id) {
		t.Errorf("RequestId %q is not an upper-case UUID", id)
	}
	msg, _ := body["Message"].(string)
	return msg
}

// wantRegions checks a 200 DescribeRegions JSON body.
func wantRegions(t *testing.T, r reply) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != jsonType {
		t.Errorf("Content-Type %q", ct)
	}
	var body struct {
		RequestId string
		Regions   struct{ Region []struct{ RegionId string } }
		Code      *string
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if !upperUUID.MatchString(body.RequestId) || len(body.Regions.Region) < 6 || body.Code != nil {
		t.Errorf("body %s", r.Body)
	}
}

// --- SDK error helpers ---

// v1Error returns err as the Go SDK v1 server error and checks what every
// error must have.
func v1Error(t *testing.T, err error, status int, code string) *sdkerrors.ServerError {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v, want *errors.ServerError", err, err)
	}
	if se.HttpStatus() != status || se.ErrorCode() != code {
		t.Errorf("HTTP %d %q, want %d %q: %s", se.HttpStatus(), se.ErrorCode(), status, code, se.Message())
	}
	if !upperUUID.MatchString(se.RequestId()) || se.HostId() == "" || se.Message() == "" {
		t.Errorf("RequestId %q HostId %q Message %q", se.RequestId(), se.HostId(), se.Message())
	}
	if ct := http.Header(se.RespHeaders).Get("Content-Type"); ct != jsonType {
		t.Errorf("Content-Type %q", ct)
	}
	return se
}

// v2Error returns err as the Tea SDK error and checks its code and status.
func v2Error(t *testing.T, err error, status int, code string) *tea.SDKError {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v, want *tea.SDKError", err, err)
	}
	if tea.IntValue(se.StatusCode) != status || tea.StringValue(se.Code) != code {
		t.Errorf("HTTP %d %q, want %d %q: %s", tea.IntValue(se.StatusCode), tea.StringValue(se.Code), status, code, tea.StringValue(se.Message))
	}
	var data map[string]any
	if err := json.Unmarshal([]byte(tea.StringValue(se.Data)), &data); err != nil {
		t.Errorf("Data %q: %v", tea.StringValue(se.Data), err)
	}
	if id, _ := data["RequestId"].(string); !upperUUID.MatchString(id) || !strings.Contains(tea.StringValue(se.Message), "request id: "+id) {
		t.Errorf("RequestId %q, Message %q", id, tea.StringValue(se.Message))
	}
	return se
}

// commonV1 sends a Go SDK v1 CommonRequest, which lets a test choose the
// Version, the action and the format.
func commonV1(t *testing.T, s *ecsdtest.Server, version, action, format string) error {
	t.Helper()
	c := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret)
	req := requests.NewCommonRequest()
	req.Method = requests.POST
	req.Scheme = "HTTP"
	req.Domain = s.Endpoint
	req.Version = version
	req.ApiName = action
	if format != "" {
		req.AcceptFormat = format
	}
	_, err := c.ProcessCommonRequest(req)
	return err
}

// callV2 calls an action through the Go SDK v2's generic CallApi (ACS3),
// with the query given.
func callV2(t *testing.T, c *ecs2.Client, action string, query map[string]string) (map[string]any, error) {
	t.Helper()
	q := map[string]*string{}
	for k, v := range query {
		q[k] = dara.String(v)
	}
	return c.CallApi(&openapi.Params{
		Action: dara.String(action), Version: dara.String("2014-05-26"), Protocol: dara.String("HTTP"),
		Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"),
		Style: dara.String("RPC"), ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
	}, &openapi.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
}

// TestGatewayErrorsThroughSDKs drives each gateway refusal through the
// official SDKs and checks what they make of it.
func TestGatewayErrorsThroughSDKs(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		t.Run("wrong secret v1", func(t *testing.T) {
			_, err := s.SDKv1(t, s.AccessKeyID, "wrong-secret-0000000000000000").DescribeRegions(ecs.CreateDescribeRegionsRequest())
			se := v1Error(t, err, 400, "SignatureDoesNotMatch")
			if !strings.Contains(se.Message(), "server string to sign is:POST&%2F&AccessKeyId%3D"+s.AccessKeyID+"%26") {
				t.Errorf("Message %q lacks the server StringToSign", se.Message())
			}
			// The SDK compares the server's StringToSign with its own; only
			// when they are equal does it blame the secret.
			if se.Recommend() != "InvalidAccessKeySecret: Please check you AccessKeySecret" {
				t.Errorf("Recommend %q: the server's StringToSign differs from the SDK's", se.Recommend())
			}
		})
		t.Run("wrong secret v2", func(t *testing.T) {
			_, err := s.SDKv2(t, s.AccessKeyID, "wrong-secret-0000000000000000").DescribeRegions(&ecs2.DescribeRegionsRequest{})
			v2Error(t, err, 400, "SignatureDoesNotMatch")
		})
		t.Run("unknown key", func(t *testing.T) {
			_, err := s.SDKv1(t, "LTAInosuchkey00000000000", "secret").DescribeRegions(ecs.CreateDescribeRegionsRequest())
			v1Error(t, err, 404, "InvalidAccessKeyId.NotFound")
			_, err = s.SDKv2(t, "LTAInosuchkey00000000000", "secret").DescribeRegions(&ecs2.DescribeRegionsRequest{})
			v2Error(t, err, 404, "InvalidAccessKeyId.NotFound")
		})
		t.Run("disabled key", func(t *testing.T) {
			a := s.NewAccount(t, "gateway-disabled", "10.00")
			v1 := s.SDKv1(t, a.AccessKeyId, a.AccessKeySecret)
			v2 := s.SDKv2(t, a.AccessKeyId, a.AccessKeySecret)
			if _, err := v1.DescribeRegions(ecs.CreateDescribeRegionsRequest()); err != nil {
				t.Fatalf("active key: %v", err)
			}
			if st := s.Admin(t, "PATCH", "/_ecsd/v1/accesskeys/"+a.AccessKeyId, map[string]string{"Status": "Inactive"}, nil); st != 200 {
				t.Fatalf("disable key: HTTP %d", st)
			}
			_, err := v1.DescribeRegions(ecs.CreateDescribeRegionsRequest())
			v1Error(t, err, 400, "InvalidAccessKeyId.Inactive")
			_, err = v2.DescribeRegions(&ecs2.DescribeRegionsRequest{})
			v2Error(t, err, 400, "InvalidAccessKeyId.Inactive")
			if st := s.Admin(t, "PATCH", "/_ecsd/v1/accesskeys/"+a.AccessKeyId, map[string]string{"Status": "Active"}, nil); st != 200 {
				t.Fatalf("enable key: HTTP %d", st)
			}
			if _, err := v2.DescribeRegions(&ecs2.DescribeRegionsRequest{}); err != nil {
				t.Errorf("re-enabled key: %v", err)
			}
		})
		t.Run("unknown Version", func(t *testing.T) {
			v1Error(t, commonV1(t, s, "2099-01-01", "DescribeRegions", ""), 400, "InvalidVersion")
		})
		t.Run("unknown Action", func(t *testing.T) {
			v1Error(t, commonV1(t, s, "2014-05-26", "DescribeNothing", ""), 404, "InvalidAction.NotFound")
			_, err := callV2(t, s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret), "DescribeNothing", nil)
			v2Error(t, err, 404, "InvalidAction.NotFound")
		})
		t.Run("Format foo", func(t *testing.T) {
			v1Error(t, commonV1(t, s, "2014-05-26", "DescribeRegions", "foo"), 400, "InvalidParameter.Format")
		})
	})
}

// TestGatewayErrorsRaw covers the refusals that no SDK can be made to
// provoke, with requests signed here.
func TestGatewayErrorsRaw(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		regions := func(extra map[string]string) map[string]string {
			p := map[string]string{"Action": "DescribeRegions"}
			for k, v := range extra {
				p[k] = v
			}
			return p
		}
		t.Run("replayed nonce", func(t *testing.T) {
			url := s.URL + "/?" + encode(signV1("POST", s.AccessKeyID, s.AccessKeySecret, regions(nil)))
			wantRegions(t, send(t, "POST", url, ""))
			wantError(t, send(t, "POST", url, ""), 400, "SignatureNonceUsed")
		})
		t.Run("replayed nonce, other request", func(t *testing.T) {
			// The nonce is spent whatever the request it came with.
			nonce := newNonce()
			wantRegions(t, sendV1(t, s, "GET", regions(map[string]string{"SignatureNonce": nonce})))
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"SignatureNonce": nonce, "AcceptLanguage": "en-US"})), 400, "SignatureNonceUsed")
		})
		t.Run("stale timestamp", func(t *testing.T) {
			ts := time.Now().UTC().Add(-20 * time.Minute).Format("2006-01-02T15:04:05Z")
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"Timestamp": ts})), 400, "InvalidTimeStamp.Expired")
		})
		t.Run("timestamp in the future", func(t *testing.T) {
			ts := time.Now().UTC().Add(20 * time.Minute).Format("2006-01-02T15:04:05Z")
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"Timestamp": ts})), 400, "InvalidTimeStamp.Expired")
		})
		t.Run("timestamp 10 minutes old", func(t *testing.T) {
			ts := time.Now().UTC().Add(-10 * time.Minute).Format("2006-01-02T15:04:05Z")
			wantRegions(t, sendV1(t, s, "GET", regions(map[string]string{"Timestamp": ts})))
		})
		t.Run("malformed timestamp", func(t *testing.T) {
			for _, ts := range []string{"yesterday", "2026-11-25 19:04:25", "1764097465"} {
				wantError(t, sendV1(t, s, "GET", regions(map[string]string{"Timestamp": ts})), 400, "InvalidTimeStamp.Format")
			}
		})
		t.Run("signature method", func(t *testing.T) {
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"SignatureMethod": "HMAC-SHA256"})), 400, "InvalidSignatureMethod")
		})
		t.Run("missing Version", func(t *testing.T) {
			msg := wantError(t, sendV1(t, s, "GET", regions(map[string]string{"Version": omit})), 400, "MissingParameter")
			if !strings.Contains(msg, "Version") {
				t.Errorf("Message %q does not name Version", msg)
			}
		})
		t.Run("unknown Version", func(t *testing.T) {
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"Version": "2099-01-01"})), 400, "InvalidVersion")
		})
		t.Run("unknown Action", func(t *testing.T) {
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"Action": "DescribeNothing"})), 404, "InvalidAction.NotFound")
		})
		t.Run("Format foo", func(t *testing.T) {
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"Format": "foo"})), 400, "InvalidParameter.Format")
		})
		t.Run("PUT", func(t *testing.T) {
			wantError(t, sendV1(t, s, "PUT", regions(nil)), 400, "UnsupportedHTTPMethod")
		})
		t.Run("tampered", func(t *testing.T) {
			signed := signV1("GET", s.AccessKeyID, s.AccessKeySecret, regions(map[string]string{"AcceptLanguage": "en-US"}))
			signed["AcceptLanguage"] = "zh-CN"
			msg := wantError(t, send(t, "GET", s.URL+"/?"+encode(signed), ""), 400, "SignatureDoesNotMatch")
			if want := " server string to sign is:" + auth.StringToSignV1("GET", signed); !strings.HasSuffix(msg, want) {
				t.Errorf("Message %q\ndoes not end with %q", msg, want)
			}
		})
		// Values no real key or nonce has must be refused as such, on
		// PostgreSQL too (which rejects NUL and non-UTF-8 text, and long
		// index keys).
		t.Run("NUL in AccessKeyId", func(t *testing.T) {
			wantError(t, sendV1(t, s, "GET", regions(map[string]string{"AccessKeyId": "LTAI\x00x"})), 400, "InvalidParameter")
		})
		t.Run("long AccessKeyId", func(t *testing.T) {
			body := encode(signV1("POST", strings.Repeat("K", 8<<10), "x", regions(nil)))
			wantError(t, send(t, "POST", s.URL+"/", body), 404, "InvalidAccessKeyId.NotFound")
		})
		t.Run("non-UTF-8 ACS3 credential", func(t *testing.T) {
			req, err := http.NewRequest("POST", s.URL+"/?RegionId=cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=LTAI\xff\xfe,SignedHeaders=host;x-acs-action;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00")
			req.Header.Set("x-acs-date", time.Now().UTC().Format("2006-01-02T15:04:05Z"))
			req.Header.Set("x-acs-signature-nonce", newNonce())
			req.Header.Set("x-acs-action", "DescribeRegions")
			req.Header.Set("x-acs-version", "2014-05-26")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			wantError(t, reply{resp.StatusCode, resp.Header, b}, 404, "InvalidAccessKeyId.NotFound")
		})
		t.Run("long nonce", func(t *testing.T) {
			body := encode(signV1("POST", s.AccessKeyID, s.AccessKeySecret, regions(map[string]string{"SignatureNonce": strings.Repeat("n", 8<<10)})))
			r := send(t, "POST", s.URL+"/", body)
			wantError(t, r, 400, "InvalidParameter")
		})
		// A NUL reaches no handler: PostgreSQL refuses it in text.
		t.Run("NUL in a parameter", func(t *testing.T) {
			wantError(t, sendV1(t, s, "GET", map[string]string{"Action": "DescribeInstances", "InstanceName": "web\x00"}), 400, "InvalidParameter")
			req := ecs.CreateDescribeInstancesRequest()
			req.InstanceName = "web\x00"
			_, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeInstances(req)
			v1Error(t, err, 400, "InvalidParameter")
		})
		t.Run("NUL in a JSON array", func(t *testing.T) {
			_, err := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret).DescribeInstances(&ecs2.DescribeInstancesRequest{
				RegionId: dara.String("cn-hangzhou"), InstanceIds: dara.String(`["i-bp1\u0000"]`),
			})
			v2Error(t, err, 400, "InvalidParameter")
		})
		t.Run("NUL in nonce", func(t *testing.T) {
			r := sendV1(t, s, "GET", regions(map[string]string{"SignatureNonce": "abc\x00def"}))
			wantError(t, r, 400, "InvalidParameter")
		})
	})
}

// TestGatewayXML covers Format=XML: success and errors, through the Go SDK
// v1 (which decodes XML when asked), the Tea SDK (which reads XML errors
// sent as text/xml;charset=utf-8) and raw requests.
func TestGatewayXML(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		t.Run("v1 success", func(t *testing.T) {
			req := ecs.CreateDescribeRegionsRequest()
			req.AcceptFormat = "XML"
			resp, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(req)
			if err != nil {
				t.Fatal(err)
			}
			if ct := resp.GetHttpHeaders()["Content-Type"]; len(ct) != 1 || ct[0] != xmlType {
				t.Errorf("Content-Type %v", ct)
			}
			if !upperUUID.MatchString(resp.RequestId) || len(resp.Regions.Region) < 6 {
				t.Errorf("parsed %+v from %s", resp, resp.GetHttpContentString())
			}
			for _, r := range resp.Regions.Region {
				if r.RegionId == "" || r.RegionEndpoint != "ecs."+r.RegionId+".aliyuncs.com" {
					t.Errorf("region %+v", r)
				}
			}
		})
		t.Run("v1 error", func(t *testing.T) {
			req := ecs.CreateDescribeRegionsRequest()
			req.AcceptFormat = "XML"
			_, err := s.SDKv1(t, "LTAInosuchkey00000000000", "secret").DescribeRegions(req)
			var se *sdkerrors.ServerError
			if !errors.As(err, &se) {
				t.Fatalf("%T %v", err, err)
			}
			// Go SDK v1 reads only JSON errors: it keeps the XML as the message.
			if se.HttpStatus() != 404 || !strings.Contains(se.Message(), "<Code>InvalidAccessKeyId.NotFound</Code>") || !strings.HasPrefix(se.Message(), "<?xml") {
				t.Errorf("HTTP %d Message %q", se.HttpStatus(), se.Message())
			}
			if ct := http.Header(se.RespHeaders).Get("Content-Type"); ct != xmlType {
				t.Errorf("Content-Type %q, want %q", ct, xmlType)
			}
		})
		t.Run("v2 error", func(t *testing.T) {
			_, err := callV2(t, s.SDKv2(t, s.AccessKeyID, "wrong-secret-0000000000000000"), "DescribeRegions", map[string]string{"Format": "XML"})
			var se *tea.SDKError
			if !errors.As(err, &se) {
				t.Fatalf("%T %v", err, err)
			}
			if tea.StringValue(se.Code) != "SignatureDoesNotMatch" || tea.IntValue(se.StatusCode) != 400 {
				t.Errorf("HTTP %d Code %q: %s", tea.IntValue(se.StatusCode), tea.StringValue(se.Code), tea.StringValue(se.Message))
			}
		})
		t.Run("raw GET", func(t *testing.T) {
			r := sendV1(t, s, "GET", map[string]string{"Action": "DescribeRegions", "Format": "XML"})
			if r.Status != 200 || r.Header.Get("Content-Type") != xmlType {
				t.Fatalf("HTTP %d %q: %s", r.Status, r.Header.Get("Content-Type"), r.Body)
			}
			var body struct {
				XMLName   xml.Name
				RequestId string
				Regions   struct {
					Region []struct {
						RegionId       string
						LocalName      string
						RegionEndpoint string
					}
				}
			}
			if err := xml.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("%v: %s", err, r.Body)
			}
			if body.XMLName.Local != "DescribeRegionsResponse" {
				t.Errorf("root element %q", body.XMLName.Local)
			}
			if !upperUUID.MatchString(body.RequestId) || len(body.Regions.Region) < 6 || body.Regions.Region[0].RegionId == "" {
				t.Errorf("body %s", r.Body)
			}
			if !strings.HasPrefix(string(r.Body), "<?xml") || !strings.Contains(string(r.Body), "<Regions><Region><RegionId>") {
				t.Errorf("lists are not wrapped as <Regions><Region>: %s", r.Body)
			}
		})
		t.Run("raw error", func(t *testing.T) {
			r := sendV1(t, s, "GET", map[string]string{"Action": "DescribeNothing", "Format": "XML"})
			if r.Status != 404 || r.Header.Get("Content-Type") != xmlType {
				t.Errorf("HTTP %d %q", r.Status, r.Header.Get("Content-Type"))
			}
			var e struct {
				XMLName                                     xml.Name `xml:"Error"`
				RequestId, HostId, Code, Message, Recommend string
			}
			if err := xml.Unmarshal(r.Body, &e); err != nil {
				t.Fatalf("%v: %s", err, r.Body)
			}
			if e.Code != "InvalidAction.NotFound" || !upperUUID.MatchString(e.RequestId) || e.HostId == "" || e.Message == "" || e.Recommend == "" {
				t.Errorf("%+v", e)
			}
		})
	})
}

// TestGatewaySpecialCharacters sends values with every character class the
// encodings treat specially, in each client's style; all must verify.
func TestGatewaySpecialCharacters(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		// DescribeRegions ignores parameters it does not know, as ECS does.
		extra := map[string]string{"InstanceName": specialValue, "Description": "a&b=c (test) 100%", "Tag.1.Value": "~*", "Empty": ""}
		t.Run("v1 query", func(t *testing.T) {
			req := ecs.CreateDescribeRegionsRequest()
			req.AcceptLanguage = "en-US"
			for k, v := range extra {
				req.QueryParams[k] = v
			}
			resp, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(req)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Regions.Region) < 6 {
				t.Errorf("%s", resp.GetHttpContentString())
			}
		})
		t.Run("v1 form body", func(t *testing.T) {
			req := ecs.CreateDescribeRegionsRequest()
			for k, v := range extra {
				req.FormParams[k] = v
			}
			resp, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(req)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Regions.Region) < 6 {
				t.Errorf("%s", resp.GetHttpContentString())
			}
		})
		t.Run("v2 ACS3", func(t *testing.T) {
			q := map[string]string{"AcceptLanguage": "en-US", "RegionId": "cn-hangzhou"}
			for k, v := range extra {
				q[k] = v
			}
			res, err := callV2(t, s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret), "DescribeRegions", q)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(res["statusCode"]) != "200" {
				t.Errorf("statusCode %v", res["statusCode"])
			}
			body, _ := res["body"].(map[string]any)
			regions, _ := body["Regions"].(map[string]any)
			if list, _ := regions["Region"].([]any); len(list) < 6 {
				t.Errorf("body %v", body)
			}
		})
		t.Run("raw GET RFC 3986 Signature last", func(t *testing.T) {
			p := map[string]string{"Action": "DescribeRegions"}
			for k, v := range extra {
				p[k] = v
			}
			q := encode(signV1("GET", s.AccessKeyID, s.AccessKeySecret, p))
			if !strings.Contains(q, "%20") || !strings.Contains(q, "%2A") || !strings.HasPrefix(q[strings.LastIndex(q, "&")+1:], "Signature=") {
				t.Fatalf("query not in pop-core form: %s", q)
			}
			wantRegions(t, send(t, "GET", s.URL+"/?"+q, ""))
		})
		t.Run("raw POST all in form body", func(t *testing.T) {
			p := map[string]string{"Action": "DescribeRegions"}
			for k, v := range extra {
				p[k] = v
			}
			wantRegions(t, send(t, "POST", s.URL+"/", encode(signV1("POST", s.AccessKeyID, s.AccessKeySecret, p))))
		})
	})
}
