package conformance

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/rpc"
)

// The limits below refill one token per 1000 s, so nothing refills while a
// test runs and the expected TimeLeft is close to 1000000 ms.
const throttleSlowRate = 0.001

var throttleTimeLeftRE = regexp.MustCompile(`(?:^|,)TimeLeft:(\d+)(?:,|$)`)

// throttleHeaderMillis returns the TimeLeft of an x-ratelimit-user-api value.
func throttleHeaderMillis(t *testing.T, v string) int64 {
	t.Helper()
	m := throttleTimeLeftRE.FindStringSubmatch(v)
	if m == nil {
		t.Fatalf("x-ratelimit-user-api %q has no TimeLeft:<ms>", v)
	}
	ms, _ := strconv.ParseInt(m[1], 10, 64)
	if ms < 900_000 || ms > 1_000_000 {
		t.Errorf("TimeLeft = %d ms, want about 1000000 (one token at %g/s)", ms, throttleSlowRate)
	}
	return ms
}

// throttleWantV1 checks a Go SDK v1 error: the code, HTTP 400 and the header
// with TimeLeft, as the Terraform provider sees it.
func throttleWantV1(t *testing.T, err error, code string) {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("v1: got %T %v, want *errors.ServerError %s", err, err, code)
	}
	if se.ErrorCode() != code || se.HttpStatus() != 400 {
		t.Fatalf("v1: ErrorCode %q HttpStatus %d, want %q 400 (message %q)", se.ErrorCode(), se.HttpStatus(), code, se.Message())
	}
	if se.RequestId() == "" || se.Message() == "" {
		t.Errorf("v1: RequestId %q Message %q, want both set", se.RequestId(), se.Message())
	}
	h := se.RespHeaders["X-Ratelimit-User-Api"]
	if len(h) != 1 {
		t.Fatalf("v1: x-ratelimit-user-api = %q, want one value (headers %v)", h, se.RespHeaders)
	}
	throttleHeaderMillis(t, h[0])
	if !strings.Contains(h[0], "Api:DescribeRegions") {
		t.Errorf("v1: x-ratelimit-user-api %q does not name the action", h[0])
	}
}

// throttleWantV2 checks what Go SDK v2 (darabonba-openapi v2.1.14) hands a
// caller: by default a *tea.SDKError with the code (TeaSDKError drops the
// ThrottlingError's RetryAfter on the way); with DisableSDKError the
// *openapi.ThrottlingError itself, whose RetryAfter is the TimeLeft header.
func throttleWantV2(t *testing.T, s *ecsdtest.Server, keyID, secret, code string) {
	t.Helper()
	c := s.SDKv2(t, keyID, secret)
	_, err := c.DescribeRegions(&ecs2.DescribeRegionsRequest{})
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("v2: got %T %v, want *tea.SDKError %s", err, err, code)
	}
	if dara.StringValue(se.Code) != code || dara.IntValue(se.StatusCode) != 400 {
		t.Fatalf("v2: Code %q StatusCode %d, want %q 400", dara.StringValue(se.Code), dara.IntValue(se.StatusCode), code)
	}
	if msg := dara.StringValue(se.Message); !strings.HasPrefix(msg, "code: 400, ") || !strings.Contains(msg, " request id: ") {
		t.Errorf("v2: Message %q, want \"code: 400, <Message> request id: <RequestId>\"", msg)
	}
	if !strings.Contains(dara.StringValue(se.Data), `"Code":"`+code+`"`) {
		t.Errorf("v2: Data %s does not hold the error body", dara.StringValue(se.Data))
	}

	raw := s.SDKv2(t, keyID, secret)
	// ecs2.Client has a DisableSDKError of its own that nothing reads; the
	// one CallApi reads is the embedded openapi.Client's.
	raw.Client.DisableSDKError = dara.Bool(true)
	_, err = raw.DescribeRegions(&ecs2.DescribeRegionsRequest{})
	var te *openapi.ThrottlingError
	if !errors.As(err, &te) {
		t.Fatalf("v2 with DisableSDKError: got %T %v, want *client.ThrottlingError", err, err)
	}
	if dara.StringValue(te.Code) != code || dara.IntValue(te.StatusCode) != 400 {
		t.Errorf("v2 ThrottlingError: Code %q StatusCode %d, want %q 400", dara.StringValue(te.Code), dara.IntValue(te.StatusCode), code)
	}
	if ra := dara.Int64Value(te.RetryAfter); ra < 900_000 || ra > 1_000_000 {
		t.Errorf("v2 ThrottlingError: RetryAfter = %d ms, want the header's TimeLeft, about 1000000", ra)
	}
	if dara.StringValue(te.RequestId) == "" {
		t.Error("v2 ThrottlingError: no RequestId")
	}
}

// throttleWantOK calls DescribeRegions with both SDKs and wants success.
func throttleWantOK(t *testing.T, s *ecsdtest.Server, keyID, secret, what string) {
	t.Helper()
	if _, err := s.SDKv1(t, keyID, secret).DescribeRegions(ecs.CreateDescribeRegionsRequest()); err != nil {
		t.Fatalf("%s, v1: %v", what, err)
	}
	if _, err := s.SDKv2(t, keyID, secret).DescribeRegions(&ecs2.DescribeRegionsRequest{}); err != nil {
		t.Fatalf("%s, v2: %v", what, err)
	}
}

func TestThrottlingPerAction(t *testing.T) {
	t.Parallel()
	opts := ecsdtest.Options{Throttle: &rpc.ThrottleConfig{ActionRate: throttleSlowRate, ActionBurst: 2}}
	ecsdtest.Each(t, opts, func(t *testing.T, s *ecsdtest.Server) {
		// Created before the burst is spent: the admin API is never throttled.
		other := s.NewAccount(t, "throttle-other", "100.00")

		throttleWantOK(t, s, s.AccessKeyID, s.AccessKeySecret, "within the burst of 2")
		_, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(ecs.CreateDescribeRegionsRequest())
		throttleWantV1(t, err, "Throttling")
		throttleWantV2(t, s, s.AccessKeyID, s.AccessKeySecret, "Throttling")

		throttleWantOK(t, s, other.AccessKeyId, other.AccessKeySecret, "another account after the first was throttled")
	})
}

func TestThrottlingPerAccount(t *testing.T) {
	t.Parallel()
	opts := ecsdtest.Options{Throttle: &rpc.ThrottleConfig{
		ActionRate: 1000, ActionBurst: 1000, // out of the way
		UserRate: throttleSlowRate, UserBurst: 2,
	}}
	ecsdtest.Each(t, opts, func(t *testing.T, s *ecsdtest.Server) {
		other := s.NewAccount(t, "throttle-other", "100.00")

		throttleWantOK(t, s, s.AccessKeyID, s.AccessKeySecret, "within the burst of 2")
		_, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(ecs.CreateDescribeRegionsRequest())
		throttleWantV1(t, err, "Throttling.User")
		throttleWantV2(t, s, s.AccessKeyID, s.AccessKeySecret, "Throttling.User")

		throttleWantOK(t, s, other.AccessKeyId, other.AccessKeySecret, "another account after the first was throttled")
	})
}
