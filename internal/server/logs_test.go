package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// Neither AccessKeySecrets nor the admin token reach the log, even at debug
// level and for requests that fail authentication.
func TestSecretsNotLogged(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			if kind == "postgres" && os.Getenv(storetest.PostgresEnv) == "" {
				t.Skip(storetest.PostgresEnv + " is not set")
			}
			var logBuf, out syncBuffer
			s := ecsdtest.Start(t, kind, ecsdtest.Options{Configure: func(c *server.Config) {
				c.Log = slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
				c.Out = &out
				c.AdminToken = "" // generated, as on a first real start
			}})
			token := s.AdminToken
			if token == "" || !strings.Contains(out.String(), token) {
				t.Fatalf("no generated admin token printed to Out:\n%s", out.String())
			}
			acct := s.NewAccount(t, "logged", "100.00")
			secrets := map[string]string{
				"admin token":             token,
				"new AccessKeySecret":     acct.AccessKeySecret,
				"default AccessKeySecret": s.AccessKeySecret,
			}

			// Successful calls, both signatures.
			if _, err := s.SDKv1(t, acct.AccessKeyId, acct.AccessKeySecret).DescribeRegions(ecs.CreateDescribeRegionsRequest()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SDKv2(t, acct.AccessKeyId, acct.AccessKeySecret).DescribeRegions(&ecs2.DescribeRegionsRequest{}); err != nil {
				t.Fatal(err)
			}
			// Failing ones: wrong secret (both signatures), unknown key, a
			// replayed nonce, the admin token sent to the RPC endpoint.
			wrong := "0" + acct.AccessKeySecret[1:]
			if _, err := s.SDKv1(t, acct.AccessKeyId, wrong).DescribeRegions(ecs.CreateDescribeRegionsRequest()); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
				t.Fatalf("v1 with a wrong secret: %v", err)
			}
			if _, err := s.SDKv2(t, acct.AccessKeyId, wrong).DescribeRegions(&ecs2.DescribeRegionsRequest{}); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
				t.Fatalf("v2 with a wrong secret: %v", err)
			}
			if _, err := s.SDKv1(t, "LTAInosuchkey00000000000", acct.AccessKeySecret).DescribeRegions(ecs.CreateDescribeRegionsRequest()); err == nil {
				t.Fatal("an unknown key was accepted")
			}
			q := encodeParams(signedParams(acct.AccessKeyId, acct.AccessKeySecret, "DescribeRegions"))
			for i, want := range []int{http.StatusOK, http.StatusBadRequest} {
				resp, err := http.Post(s.URL+"/?"+q, "application/x-www-form-urlencoded", nil)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Fatalf("raw request %d: HTTP %d %s, want %d", i, resp.StatusCode, b, want)
				}
			}
			req, _ := http.NewRequest("POST", s.URL+"/?Action=DescribeRegions&Version=2014-05-26", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if resp, err := http.DefaultClient.Do(req); err != nil {
				t.Fatal(err)
			} else {
				resp.Body.Close()
			}
			// Admin calls: wrong token, bad bodies, a secret in a query string.
			req, _ = http.NewRequest("GET", s.URL+"/_ecsd/v1/accounts/"+acct.AccountId+"?token="+url.QueryEscape(token), nil)
			req.Header.Set("Authorization", "Bearer wrong-"+token[:8])
			if resp, err := http.DefaultClient.Do(req); err != nil {
				t.Fatal(err)
			} else if resp.Body.Close(); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong admin token: HTTP %d", resp.StatusCode)
			}
			if st := s.Admin(t, "POST", "/_ecsd/v1/accounts", map[string]any{"Name": "x", "Balance": "1.234"}, nil); st != http.StatusBadRequest {
				t.Fatalf("bad admin body: HTTP %d", st)
			}
			if st := s.Admin(t, "POST", "/_ecsd/v1/accounts", map[string]any{"Name": "x", "AccessKeyId": acct.AccessKeyId, "AccessKeySecret": "another-secret-000000000000000"}, nil); st != http.StatusBadRequest {
				t.Fatalf("a taken AccessKeyId: HTTP %d", st)
			}

			log := logBuf.String()
			// Debug logging was on and saw the failures: the test can fail.
			for _, want := range []string{"SignatureDoesNotMatch", "InvalidAccessKeyId.NotFound", "SignatureNonceUsed"} {
				if !strings.Contains(log, want) {
					t.Errorf("the debug log does not mention %s; is it logging at all?\n%s", want, log)
				}
			}
			for what, secret := range secrets {
				if strings.Contains(log, secret) {
					t.Errorf("the log contains the %s", what)
				}
			}
			if strings.Contains(log, "another-secret-000000000000000") {
				t.Error("the log contains a secret from a refused admin body")
			}
			if t.Failed() {
				t.Logf("log:\n%s", log)
			}
		})
	}
}
