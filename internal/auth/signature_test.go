package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

const testSecret = "testsecret"

// Query strings captured from real clients (clients.md §2.2, §4.1, §5).
const (
	// Example 1: Go SDK v1 ModifyPrepayInstanceSpec.
	queryExample1 = "AccessKeyId=testid&Action=ModifyPrepayInstanceSpec&AutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&Signature=S5%2F3YCtFg9lK3LLhZto9mp1vFtw%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=90263c0b1012fe60630c5c56c2903553&SignatureType=&SignatureVersion=1.0&SystemDisk.Category=cloud_essd&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26"
	// Example 2: Go SDK v1 RunInstances with special characters.
	queryExample2 = "AccessKeyId=testid&Action=RunInstances&Amount=1&AutoPay=true&ClientToken=run-token-1&DataDisk.1.Category=cloud_essd&DataDisk.1.Size=100&Description=a%26b%3Dc+%28test%29+100%25&Format=JSON&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&InstanceChargeType=PrePaid&InstanceName=demo+vm%2A~%2B%2F%C3%A9&InstanceType=ecs.g6.xlarge&Period=1&PeriodUnit=Month&RegionId=cn-hangzhou&SecurityGroupId=sg-bp1&Signature=B7y9hfn8ZvCUjksu2qmNSt%2Ff7zg%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=23b53f6bf1257c3367427c23ebbf2376&SignatureType=&SignatureVersion=1.0&SystemDisk.Category=cloud_essd&SystemDisk.Size=40&Tag.1.Key=env&Tag.1.Value=test&Timestamp=2026-11-25T19%3A04%3A25Z&VSwitchId=vsw-bp1&Version=2014-05-26&ZoneId=cn-hangzhou-h"

	queryDescribeResourcesModification = "AccessKeyId=testid&Action=DescribeResourcesModification&DestinationResource=InstanceType&Format=JSON&MigrateAcrossZone=false&OperationType=Upgrade&RegionId=cn-hangzhou&ResourceId=i-bp67acfmxazb4ph0001&Signature=bQR6e%2Fyce%2FHfRPG8Je5TeJDdxtk%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=fe4a90b00608499dadeb03f81b9d8e83&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26"
	queryDescribeInstances             = "AccessKeyId=testid&Action=DescribeInstances&Format=JSON&InstanceIds=%5B%22i-bp67acfmxazb4ph0001%22%5D&PageSize=10&RegionId=cn-hangzhou&Signature=83T9Dc6Og53%2FS7tXkSjpKVjRxxk%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=5a1345ce079436ccb33c980ceeebb294&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26"
	queryStopInstance                  = "AccessKeyId=testid&Action=StopInstance&ForceStop=false&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&RegionId=cn-hangzhou&Signature=wfYGxhaYTUbWTIkHxkkSnC88nV8%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=c24b8c07c8433ed9382ccc4420fc3726&SignatureType=&SignatureVersion=1.0&StoppedMode=KeepCharging&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26"
	queryRenewInstance                 = "AccessKeyId=testid&Action=RenewInstance&ClientToken=renew-token-1&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&Period=1&PeriodUnit=Month&RegionId=cn-hangzhou&Signature=pD4gyIRuC0HVWb3HyxUGjL%2FAKaw%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=c114c5784ea74b4accd3cb20b0b0af20&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26"
	// pop-core GET: Signature comes last and SignatureType is absent.
	queryPopCoreGet = "AccessKeyId=testid&Action=ModifyPrepayInstanceSpec&AutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce=2508b636fdab3d49359cc9e43c72c390&SignatureVersion=1.0&SystemDisk.Category=cloud_essd&Timestamp=2026-11-25T19%3A04%3A35Z&Version=2014-05-26&Signature=VtqEXqI3RlpqzIEMLnUn01brQZc%3D"
	// tea-rpc: common params in the query, API params in the form body.
	queryTeaRPC = "AccessKeyId=testid&Action=RunInstances&Format=json&Signature=GB3c0i6hs82WCXPLWRrKZr%2B7jmA%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=455f45fcfd33249b9c898b8ef666dedd&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A36Z&Version=2014-05-26"
	bodyTeaRPC  = "ClientToken=TF-RunInstances-1700000000-abc&DataDisk.1.Category=cloud_essd&DataDisk.1.DeleteWithInstance=true&DataDisk.1.Size=100&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&InstanceChargeType=PrePaid&InstanceName=tf+demo&InstanceType=ecs.g6.xlarge&Period=1&PeriodUnit=Month&RegionId=cn-hangzhou&SecurityGroupIds.1=sg-bp1&SystemDisk.Category=cloud_essd&SystemDisk.Size=40&VSwitchId=vsw-bp1&ZoneId=cn-hangzhou-h"
)

// decodeParams parses URL-encoded strings the way a server does (net/url
// turns + into a space) and merges them into one map.
func decodeParams(tb testing.TB, encoded ...string) map[string]string {
	tb.Helper()
	params := map[string]string{}
	for _, e := range encoded {
		v, err := url.ParseQuery(e)
		if err != nil {
			tb.Fatalf("ParseQuery(%q): %v", e, err)
		}
		for k, vs := range v {
			if len(vs) != 1 {
				tb.Fatalf("param %s has %d values", k, len(vs))
			}
			params[k] = vs[0]
		}
	}
	return params
}

func TestPercentEncode(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{" *~/é&=%", "%20%2A~%2F%C3%A9%26%3D%25"},
		{"+", "%2B"},
		{"2026-06-01T03:00:00Z", "2026-06-01T03%3A00%3A00Z"},
		{"\x00\xff", "%00%FF"},
		{"!'()", "%21%27%28%29"},
	}
	for _, tt := range tests {
		if got := PercentEncode(tt.in); got != tt.want {
			t.Errorf("PercentEncode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPercentEncodeMatchesDoubleEncoding(t *testing.T) {
	t.Parallel()
	// StringToSignV1 writes the double encoding directly; check that the
	// shortcut equals encoding twice.
	for _, s := range []string{"", "abc", " *~/é&=%", "a&b=c (test) 100%", "\x00\xff"} {
		var b strings.Builder
		writeDoubleEncoded(&b, s)
		want := PercentEncode(PercentEncode(s))
		if b.String() != want {
			t.Errorf("double encoding of %q = %q, want %q", s, b.String(), want)
		}
		if n := doubleEncodedLen(s); n != len(want) {
			t.Errorf("doubleEncodedLen(%q) = %d, want %d", s, n, len(want))
		}
	}
}

func TestSignV1Vectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		params map[string]string
		sts    string   // full StringToSign when the source gives it
		parts  []string // substrings the StringToSign must contain
		want   string
	}{
		{
			name:   "clients.md example 1 ModifyPrepayInstanceSpec",
			method: "POST",
			params: decodeParams(t, queryExample1),
			sts:    "POST&%2F&AccessKeyId%3Dtestid%26Action%3DModifyPrepayInstanceSpec%26AutoPay%3Dtrue%26ClientToken%3D0c593ea1-3bea-11e9-b96b-88e9fe637760%26Disk.1.Category%3Dcloud_essd%26Disk.1.DiskId%3Dd-bp1aaaaaaaaaaaaaaaa1%26Disk.1.PerformanceLevel%3DPL1%26Disk.2.Category%3Dcloud_auto%26Disk.2.DiskId%3Dd-bp1aaaaaaaaaaaaaaaa2%26Format%3DJSON%26InstanceId%3Di-bp67acfmxazb4ph0001%26InstanceType%3Decs.g6.2xlarge%26OperatorType%3Dupgrade%26RebootTime%3D2026-06-01T03%253A00%253A00Z%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D90263c0b1012fe60630c5c56c2903553%26SignatureType%3D%26SignatureVersion%3D1.0%26SystemDisk.Category%3Dcloud_essd%26Timestamp%3D2026-11-25T19%253A04%253A25Z%26Version%3D2014-05-26",
			want:   "S5/3YCtFg9lK3LLhZto9mp1vFtw=",
		},
		{
			name:   "clients.md example 2 RunInstances special characters",
			method: "POST",
			params: decodeParams(t, queryExample2),
			parts: []string{
				"%26InstanceName%3Ddemo%2520vm%252A~%252B%252F%25C3%25A9%26",
				"%26Description%3Da%2526b%253Dc%2520%2528test%2529%2520100%2525%26",
				"%26SignatureType%3D%26",
			},
			want: "B7y9hfn8ZvCUjksu2qmNSt/f7zg=",
		},
		{
			name:   "alibaba-api.md GET DescribeRegions",
			method: "GET",
			params: map[string]string{
				"Timestamp":        "2016-02-23T12:46:24Z",
				"Format":           "XML",
				"AccessKeyId":      "testid",
				"Action":           "DescribeRegions",
				"SignatureMethod":  "HMAC-SHA1",
				"SignatureNonce":   "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
				"Version":          "2014-05-26",
				"SignatureVersion": "1.0",
			},
			sts:  "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
			want: "OLeaidS1JvxuMvnyHOwuJ+uX5qY=",
		},
		{
			name:   "alibaba-api.md derived POST ModifyPrepayInstanceSpec",
			method: "POST",
			params: map[string]string{
				"Action":           "ModifyPrepayInstanceSpec",
				"Version":          "2014-05-26",
				"Format":           "JSON",
				"AccessKeyId":      "testid",
				"SignatureMethod":  "HMAC-SHA1",
				"SignatureVersion": "1.0",
				"SignatureNonce":   "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
				"Timestamp":        "2016-02-23T12:46:24Z",
				"RegionId":         "cn-hangzhou",
				"InstanceId":       "i-bp67acfmxazb4ph****",
				"InstanceType":     "ecs.g5.xlarge",
				"ClientToken":      "123e4567-e89b-12d3-a456-426655440000",
			},
			parts: []string{"%26InstanceId%3Di-bp67acfmxazb4ph%252A%252A%252A%252A%26"},
			want:  "OJnPgpVkeOhEPlTfqZZDtiL2blk=",
		},
		{
			name:   "captured DescribeResourcesModification",
			method: "POST",
			params: decodeParams(t, queryDescribeResourcesModification),
			want:   "bQR6e/yce/HfRPG8Je5TeJDdxtk=",
		},
		{
			name:   "captured DescribeInstances",
			method: "POST",
			params: decodeParams(t, queryDescribeInstances),
			want:   "83T9Dc6Og53/S7tXkSjpKVjRxxk=",
		},
		{
			name:   "captured StopInstance",
			method: "POST",
			params: decodeParams(t, queryStopInstance),
			want:   "wfYGxhaYTUbWTIkHxkkSnC88nV8=",
		},
		{
			name:   "captured RenewInstance",
			method: "POST",
			params: decodeParams(t, queryRenewInstance),
			want:   "pD4gyIRuC0HVWb3HyxUGjL/AKaw=",
		},
		{
			name:   "captured pop-core GET",
			method: "GET",
			params: decodeParams(t, queryPopCoreGet),
			want:   "VtqEXqI3RlpqzIEMLnUn01brQZc=",
		},
		{
			name:   "captured tea-rpc query plus form body",
			method: "POST",
			params: decodeParams(t, queryTeaRPC, bodyTeaRPC),
			parts:  []string{"%26InstanceName%3Dtf%2520demo%26"},
			want:   "GB3c0i6hs82WCXPLWRrKZr+7jmA=",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Captured requests carry their own Signature; it must match the
			// expected one and must not be signed.
			if sig, ok := tt.params["Signature"]; ok && sig != tt.want {
				t.Fatalf("captured Signature = %q, want %q", sig, tt.want)
			}
			sts := StringToSignV1(tt.method, tt.params)
			if tt.sts != "" && sts != tt.sts {
				t.Errorf("StringToSign =\n%s\nwant\n%s", sts, tt.sts)
			}
			if !strings.HasPrefix(sts, tt.method+"&%2F&") {
				t.Errorf("StringToSign %q lacks prefix %q", sts, tt.method+"&%2F&")
			}
			if strings.Contains(sts, "Signature%3D") {
				t.Errorf("StringToSign contains the Signature param: %s", sts)
			}
			for _, p := range tt.parts {
				if !strings.Contains(sts, p) {
					t.Errorf("StringToSign lacks %q:\n%s", p, sts)
				}
			}
			if got := SignV1(testSecret, sts); got != tt.want {
				t.Errorf("SignV1 = %q, want %q", got, tt.want)
			}
			if !VerifyV1(testSecret, sts, tt.want) {
				t.Error("VerifyV1 rejected the expected signature")
			}
			if VerifyV1("wrongsecret", sts, tt.want) {
				t.Error("VerifyV1 accepted a wrong secret")
			}
		})
	}
}

func TestStringToSignV1IgnoresSignatureKeepsEmpty(t *testing.T) {
	t.Parallel()
	with := map[string]string{"A": "1", "Signature": "x", "SignatureType": ""}
	without := map[string]string{"A": "1", "SignatureType": ""}
	if a, b := StringToSignV1("GET", with), StringToSignV1("GET", without); a != b {
		t.Errorf("Signature key changed the StringToSign: %q vs %q", a, b)
	}
	const want = "GET&%2F&A%3D1%26SignatureType%3D"
	if got := StringToSignV1("GET", without); got != want {
		t.Errorf("StringToSignV1 = %q, want %q", got, want)
	}
	if got := StringToSignV1("POST", nil); got != "POST&%2F&" {
		t.Errorf("StringToSignV1 with no params = %q", got)
	}
}

func TestVerifyV1Rejects(t *testing.T) {
	t.Parallel()
	sts := StringToSignV1("POST", decodeParams(t, queryExample1))
	const good = "S5/3YCtFg9lK3LLhZto9mp1vFtw="
	if !VerifyV1(testSecret, sts, good) {
		t.Fatal("VerifyV1 rejected the good signature")
	}
	for _, sig := range []string{
		"",
		"S5/3YCtFg9lK3LLhZto9mp1vFtw",  // padding missing
		"S5/3YCtFg9lK3LLhZto9mp1vFtx=", // other trailing bits
		"T5/3YCtFg9lK3LLhZto9mp1vFtw=",
		"not base64!",
	} {
		if VerifyV1(testSecret, sts, sig) {
			t.Errorf("VerifyV1 accepted %q", sig)
		}
	}
	if VerifyV1(testSecret, strings.Replace(sts, "upgrade", "downgrade", 1), good) {
		t.Error("VerifyV1 accepted a changed StringToSign")
	}
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestACS3Vectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		method        string
		path          string
		query         map[string]string
		header        http.Header
		host          string
		signedHeaders []string
		payloadHash   string
		id, secret    string
		canonical     string // full canonical request when the source gives it
		canonicalHash string // hex SHA-256 of the canonical request
		want          string
	}{
		{
			name:   "clients.md example 4 Go SDK v2 ModifyPrepayInstanceSpec",
			method: "POST",
			path:   "/",
			query:  decodeParams(t, "AutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&SystemDisk.Category=cloud_essd"),
			header: http.Header{
				"Accept":                     {"application/json"},
				"Content-Length":             {"0"},
				"X-Acs-Action":               {"ModifyPrepayInstanceSpec"},
				"X-Acs-Content-Sha256":       {emptySHA256},
				"X-Acs-Credentials-Provider": {"static_ak"},
				"X-Acs-Date":                 {"2026-11-25T19:04:25Z"},
				"X-Acs-Signature-Nonce":      {"cdf603e95821833d573417b6624d36e5"},
				"X-Acs-Version":              {"2014-05-26"},
			},
			host:          "127.0.0.1:18081",
			signedHeaders: []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-credentials-provider", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"},
			payloadHash:   emptySHA256,
			id:            "testid",
			secret:        testSecret,
			canonical: "POST\n/\n" +
				"AutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&SystemDisk.Category=cloud_essd\n" +
				"host:127.0.0.1:18081\n" +
				"x-acs-action:ModifyPrepayInstanceSpec\n" +
				"x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
				"x-acs-credentials-provider:static_ak\n" +
				"x-acs-date:2026-11-25T19:04:25Z\n" +
				"x-acs-signature-nonce:cdf603e95821833d573417b6624d36e5\n" +
				"x-acs-version:2014-05-26\n" +
				"\n" +
				"host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version\n" +
				"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			canonicalHash: "c15101b7c974a76f3f3e01d13336ff453f18cef1c1ea934ccef8f8a21e4343ae",
			want:          "091275fae801b2bb04be4e50a96edf2a06f1edd9e37e53e7834367bc108c1ee9",
		},
		{
			name:   "alibaba-api.md SDK unit-test vector",
			method: "",
			path:   "/",
			query:  map[string]string{"test": "ok", "empty": ""},
			header: func() http.Header {
				h := http.Header{}
				h.Add("x-acs-test", "http")
				h.Add("x-acs-TEST", "https")
				return h
			}(),
			signedHeaders: []string{"x-acs-test"},
			payloadHash:   "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
			id:            "acesskey",
			secret:        "secret",
			canonical: "\n/\nempty=&test=ok\n" +
				"x-acs-test:http,https\n" +
				"\n" +
				"x-acs-test\n" +
				"55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
			want: "4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3",
		},
		{
			name:   "alibaba-api.md derived ECS DescribeRegions",
			method: "POST",
			path:   "/",
			query:  decodeParams(t, "RegionId=cn-hangzhou"),
			header: http.Header{
				"X-Acs-Action":          {"DescribeRegions"},
				"X-Acs-Version":         {"2014-05-26"},
				"X-Acs-Date":            {"2023-10-26T09:01:01Z"},
				"X-Acs-Signature-Nonce": {"d410180a5abf7fe235dd9b74aca91fc0"},
				"X-Acs-Content-Sha256":  {emptySHA256},
			},
			host:          "ecs.cn-hangzhou.aliyuncs.com",
			signedHeaders: []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"},
			payloadHash:   emptySHA256,
			id:            "testid",
			secret:        testSecret,
			canonicalHash: "752d323654ff17d197410704323ae113e17ab6802f6cdef8f36e7645a54ea3bc",
			want:          "e615ff57fa3f9b94d4e7c1d3d940089afec4da4b382459f223537d194732af5e",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			canonical := CanonicalRequestACS3(tt.method, tt.path, tt.query, tt.header, tt.host, tt.signedHeaders, tt.payloadHash)
			if tt.canonical != "" && canonical != tt.canonical {
				t.Errorf("canonical request =\n%s\nwant\n%s", canonical, tt.canonical)
			}
			sts := StringToSignACS3(canonical)
			if tt.canonicalHash != "" {
				if want := "ACS3-HMAC-SHA256\n" + tt.canonicalHash; sts != want {
					t.Errorf("StringToSign = %q, want %q", sts, want)
				}
			}
			if want := "ACS3-HMAC-SHA256\n" + hexSHA256(canonical); sts != want {
				t.Errorf("StringToSign = %q, want %q", sts, want)
			}
			got := SignACS3(tt.secret, sts)
			if got != tt.want {
				t.Errorf("SignACS3 = %q, want %q", got, tt.want)
			}
			if !VerifyACS3(tt.secret, sts, tt.want) {
				t.Error("VerifyACS3 rejected the expected signature")
			}
			if !VerifyACS3(tt.secret, sts, strings.ToUpper(tt.want)) {
				t.Error("VerifyACS3 rejected the upper-case signature")
			}
			if VerifyACS3(tt.secret+"x", sts, tt.want) {
				t.Error("VerifyACS3 accepted a wrong secret")
			}
			// The SDK's v1 key suffix must not be used here.
			if VerifyACS3(tt.secret+"&", sts, tt.want) {
				t.Error("VerifyACS3 accepted the secret with a v1 \"&\" suffix")
			}

			// Round trip through the header a client would send.
			h := "ACS3-HMAC-SHA256 Credential=" + tt.id + ",SignedHeaders=" + strings.Join(tt.signedHeaders, ";") + ",Signature=" + got
			a, err := ParseACS3Authorization(h)
			if err != nil {
				t.Fatalf("ParseACS3Authorization(%q): %v", h, err)
			}
			if a.Algorithm != ACS3Algorithm || a.AccessKeyID != tt.id || a.Signature != tt.want || !slices.Equal(a.SignedHeaders, tt.signedHeaders) {
				t.Errorf("ParseACS3Authorization(%q) = %+v", h, a)
			}
		})
	}
}

func TestACS3SDKUnitTestAuthorization(t *testing.T) {
	t.Parallel()
	// UTIL service_test.go checks the whole header string.
	const want = "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3"
	h := http.Header{}
	h.Add("x-acs-test", "http")
	h.Add("x-acs-TEST", "https")
	signed := []string{"x-acs-test"}
	canonical := CanonicalRequestACS3("", "/", map[string]string{"test": "ok", "empty": ""}, h, "", signed,
		"55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23")
	got := "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=" + strings.Join(signed, ";") +
		",Signature=" + SignACS3("secret", StringToSignACS3(canonical))
	if got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
}

func TestCanonicalRequestACS3Details(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Add("X-Acs-Multi", " b ")
	h.Add("X-Acs-Multi", "a")
	h.Set("Content-Type", " application/x-www-form-urlencoded ")
	signed := []string{"X-Acs-Multi", "content-type", "host"}
	got := CanonicalRequestACS3("GET", "", map[string]string{"k v": "a b*~", "e": ""}, h, "example.com:8080", signed, "hash")
	want := "GET\n/\ne=&k%20v=a%20b%2A~\n" +
		"content-type:application/x-www-form-urlencoded\n" +
		"host:example.com:8080\n" +
		"x-acs-multi:a,b\n" +
		"\n" +
		"content-type;host;x-acs-multi\n" +
		"hash"
	if got != want {
		t.Errorf("canonical request =\n%q\nwant\n%q", got, want)
	}
	if !slices.Equal(signed, []string{"X-Acs-Multi", "content-type", "host"}) {
		t.Errorf("CanonicalRequestACS3 modified signedHeaders: %v", signed)
	}

	// Each path segment is encoded; the slashes stay.
	got = CanonicalRequestACS3("GET", "/a b/c*d/", nil, nil, "", nil, "hash")
	if want := "GET\n/a%20b/c%2Ad/\n\n\n\nhash"; got != want {
		t.Errorf("canonical request with path = %q, want %q", got, want)
	}
}

func TestVerifyACS3Rejects(t *testing.T) {
	t.Parallel()
	sts := StringToSignACS3("x")
	good := SignACS3(testSecret, sts)
	if !VerifyACS3(testSecret, sts, good) {
		t.Fatal("VerifyACS3 rejected the good signature")
	}
	for _, sig := range []string{"", good[:62], good + "00", "zz" + good[2:], strings.Repeat("0", 64)} {
		if VerifyACS3(testSecret, sts, sig) {
			t.Errorf("VerifyACS3 accepted %q", sig)
		}
	}
}

func TestParseACS3Authorization(t *testing.T) {
	t.Parallel()
	a, err := ParseACS3Authorization("ACS3-HMAC-SHA256 Credential=testid, SignedHeaders=host;x-acs-date,  Signature=ABCdef01")
	if err != nil {
		t.Fatalf("ParseACS3Authorization: %v", err)
	}
	want := ACS3Authorization{Algorithm: "ACS3-HMAC-SHA256", AccessKeyID: "testid", SignedHeaders: []string{"host", "x-acs-date"}, Signature: "ABCdef01"}
	if a.Algorithm != want.Algorithm || a.AccessKeyID != want.AccessKeyID || a.Signature != want.Signature || !slices.Equal(a.SignedHeaders, want.SignedHeaders) {
		t.Errorf("ParseACS3Authorization = %+v, want %+v", a, want)
	}

	// The algorithm is reported, not checked.
	a, err = ParseACS3Authorization("ACS3-HMAC-SM3 Credential=id,SignedHeaders=host,Signature=00")
	if err != nil || a.Algorithm != "ACS3-HMAC-SM3" {
		t.Errorf("ParseACS3Authorization(SM3) = %+v, %v", a, err)
	}

	for _, h := range []string{
		"",
		"ACS3-HMAC-SHA256",
		"ACS3-HMAC-SHA256 ",
		" Credential=id,SignedHeaders=host,Signature=00",
		"ACS3-HMAC-SHA256 SignedHeaders=host,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host",
		"ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;;x-acs-date,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=xyz",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=0",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=00,",
		"ACS3-HMAC-SHA256 Credential=id,Credential=id,SignedHeaders=host,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,SignedHeaders=host,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=00,Signature=00",
		"ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=00,Other=1",
		"ACS3-HMAC-SHA256 Credential id,SignedHeaders=host,Signature=00",
	} {
		if a, err := ParseACS3Authorization(h); err == nil {
			t.Errorf("ParseACS3Authorization(%q) = %+v, want an error", h, a)
		}
	}
}

func BenchmarkVerifyV1(b *testing.B) {
	params := decodeParams(b, queryExample1)
	const sig = "S5/3YCtFg9lK3LLhZto9mp1vFtw="
	b.ReportAllocs()
	for b.Loop() {
		if !VerifyV1(testSecret, StringToSignV1("POST", params), sig) {
			b.Fatal("VerifyV1 failed")
		}
	}
}
