package policy

import "testing"

// TestConditionOperators evaluates one Allow statement whose Condition is
// cond against ctx; Allow means the condition block held.
func TestConditionOperators(t *testing.T) {
	t.Parallel()
	type ctx = map[string][]string
	tests := []struct {
		name string
		cond string
		ctx  ctx
		want bool
	}{
		// String
		{"StringEqualsMatch", `{"StringEquals":{"ecs:tag/team":"dev"}}`, ctx{"ecs:tag/team": {"dev"}}, true},
		{"StringEqualsCaseSensitive", `{"StringEquals":{"ecs:tag/team":"dev"}}`, ctx{"ecs:tag/team": {"Dev"}}, false},
		{"StringEqualsValuesORed", `{"StringEquals":{"ecs:tag/team":["ops","dev"]}}`, ctx{"ecs:tag/team": {"dev"}}, true},
		{"StringEqualsRequestValuesORed", `{"StringEquals":{"ecs:tag/team":"dev"}}`, ctx{"ecs:tag/team": {"ops", "dev"}}, true},
		{"StringEqualsMissingKey", `{"StringEquals":{"ecs:tag/team":"dev"}}`, ctx{}, false},
		{"StringEqualsKeyCaseInsensitive", `{"StringEquals":{"ECS:TAG/team":"dev"}}`, ctx{"ecs:tag/team": {"dev"}}, true},
		{"StringNotEqualsOther", `{"StringNotEquals":{"ecs:tag/team":"dev"}}`, ctx{"ecs:tag/team": {"ops"}}, true},
		{"StringNotEqualsSame", `{"StringNotEquals":{"ecs:tag/team":"dev"}}`, ctx{"ecs:tag/team": {"dev"}}, false},
		{"StringNotEqualsMissingKey", `{"StringNotEquals":{"ecs:tag/team":"dev"}}`, ctx{}, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"ecs:tag/team":"DEV"}}`, ctx{"ecs:tag/team": {"dev"}}, true},
		{"StringEqualsIgnoreCaseOther", `{"StringEqualsIgnoreCase":{"ecs:tag/team":"DEV"}}`, ctx{"ecs:tag/team": {"ops"}}, false},
		{"StringNotEqualsIgnoreCaseSame", `{"StringNotEqualsIgnoreCase":{"ecs:tag/team":"DEV"}}`, ctx{"ecs:tag/team": {"dev"}}, false},
		{"StringNotEqualsIgnoreCaseOther", `{"StringNotEqualsIgnoreCase":{"ecs:tag/team":"DEV"}}`, ctx{"ecs:tag/team": {"ops"}}, true},
		{"StringNotEqualsIgnoreCaseMissingKey", `{"StringNotEqualsIgnoreCase":{"ecs:tag/team":"DEV"}}`, ctx{}, true},
		{"StringLikeStar", `{"StringLike":{"acs:UserAgent":"aliyun-cli/*"}}`, ctx{"acs:UserAgent": {"aliyun-cli/3.0.1"}}, true},
		{"StringLikeQuestion", `{"StringLike":{"oss:Prefix":"2015/0?/*"}}`, ctx{"oss:Prefix": {"2015/07/a.jpg"}}, true},
		{"StringLikeCaseSensitive", `{"StringLike":{"acs:UserAgent":"aliyun-cli/*"}}`, ctx{"acs:UserAgent": {"Aliyun-CLI/3"}}, false},
		{"StringLikeMissingKey", `{"StringLike":{"acs:UserAgent":"*"}}`, ctx{}, false},
		{"StringNotLikeMatching", `{"StringNotLike":{"acs:UserAgent":"curl/*"}}`, ctx{"acs:UserAgent": {"curl/8.0"}}, false},
		{"StringNotLikeOther", `{"StringNotLike":{"acs:UserAgent":"curl/*"}}`, ctx{"acs:UserAgent": {"aliyun-cli/3"}}, true},
		{"StringNotLikeMissingKey", `{"StringNotLike":{"acs:UserAgent":"curl/*"}}`, ctx{}, true},
		// Numeric
		{"NumericEquals", `{"NumericEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"10.0"}}, true},
		{"NumericEqualsJSONNumber", `{"NumericEquals":{"ecs:Count":10}}`, ctx{"ecs:Count": {"10"}}, true},
		{"NumericEqualsOther", `{"NumericEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"11"}}, false},
		{"NumericEqualsNotANumber", `{"NumericEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"ten"}}, false},
		{"NumericNotEquals", `{"NumericNotEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"11"}}, true},
		{"NumericNotEqualsSame", `{"NumericNotEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"10"}}, false},
		{"NumericNotEqualsMissingKey", `{"NumericNotEquals":{"ecs:Count":"10"}}`, ctx{}, true},
		{"NumericLessThan", `{"NumericLessThan":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"9.5"}}, true},
		{"NumericLessThanEqualValue", `{"NumericLessThan":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"10"}}, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"10"}}, true},
		{"NumericLessThanEqualsAbove", `{"NumericLessThanEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"10.01"}}, false},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"1e2"}}, true},
		{"NumericGreaterThanEqualValue", `{"NumericGreaterThan":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"10"}}, false},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"ecs:Count":"10"}}`, ctx{"ecs:Count": {"10"}}, true},
		{"NumericGreaterThanEqualsBelow", `{"NumericGreaterThanEquals":{"ecs:Count":"-10"}}`, ctx{"ecs:Count": {"-11"}}, false},
		{"NumericMissingKey", `{"NumericLessThan":{"ecs:Count":"10"}}`, ctx{}, false},
		// Date, with acs:CurrentTime
		{"DateLessThanBefore", `{"DateLessThan":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{"acs:CurrentTime": {"2025-12-31T23:59:59Z"}}, true},
		{"DateLessThanAt", `{"DateLessThan":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{"acs:CurrentTime": {"2026-01-01T00:00:00Z"}}, false},
		{"DateLessThanAfter", `{"DateLessThan":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{"acs:CurrentTime": {"2026-01-01T00:00:01Z"}}, false},
		{"DateLessThanOffsets", `{"DateLessThan":{"acs:CurrentTime":"2026-01-01T08:00:00+08:00"}}`, ctx{"acs:CurrentTime": {"2025-12-31T23:59:59.5Z"}}, true},
		{"DateLessThanMissingKey", `{"DateLessThan":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{}, false},
		{"DateLessThanBadRequestValue", `{"DateLessThan":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{"acs:CurrentTime": {"yesterday"}}, false},
		{"DateLessThanEquals", `{"DateLessThanEquals":{"acs:CurrentTime":"2026-01-01T00:00Z"}}`, ctx{"acs:CurrentTime": {"2026-01-01T00:00:00Z"}}, true},
		{"DateGreaterThan", `{"DateGreaterThan":{"acs:CurrentTime":"2026-01-01"}}`, ctx{"acs:CurrentTime": {"2026-01-01T00:00:01Z"}}, true},
		{"DateGreaterThanBefore", `{"DateGreaterThan":{"acs:CurrentTime":"2026-01-01"}}`, ctx{"acs:CurrentTime": {"2025-12-31T00:00:00Z"}}, false},
		{"DateGreaterThanEquals", `{"DateGreaterThanEquals":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{"acs:CurrentTime": {"2026-01-01T00:00:00Z"}}, true},
		{"DateEquals", `{"DateEquals":{"acs:CurrentTime":"2026-01-01T08:00:00+08:00"}}`, ctx{"acs:CurrentTime": {"2026-01-01T00:00:00Z"}}, true},
		{"DateNotEquals", `{"DateNotEquals":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{"acs:CurrentTime": {"2026-01-02T00:00:00Z"}}, true},
		{"DateNotEqualsSame", `{"DateNotEquals":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{"acs:CurrentTime": {"2026-01-01T00:00:00Z"}}, false},
		{"DateNotEqualsMissingKey", `{"DateNotEquals":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}`, ctx{}, true},
		// Bool, with acs:SecureTransport and acs:MFAPresent
		{"BoolSecureTransportTrue", `{"Bool":{"acs:SecureTransport":"true"}}`, ctx{"acs:SecureTransport": {"true"}}, true},
		{"BoolSecureTransportFalse", `{"Bool":{"acs:SecureTransport":"true"}}`, ctx{"acs:SecureTransport": {"false"}}, false},
		{"BoolJSONFalse", `{"Bool":{"acs:SecureTransport":false}}`, ctx{"acs:SecureTransport": {"false"}}, true},
		{"BoolAnyCase", `{"Bool":{"acs:MFAPresent":"TRUE"}}`, ctx{"acs:MFAPresent": {"True"}}, true},
		{"BoolMissingKey", `{"Bool":{"acs:MFAPresent":"false"}}`, ctx{}, false},
		{"BoolNotABool", `{"Bool":{"acs:MFAPresent":"true"}}`, ctx{"acs:MFAPresent": {"1"}}, false},
		// IpAddress, with acs:SourceIp
		{"IpAddressSingleIP", `{"IpAddress":{"acs:SourceIp":"203.0.113.7"}}`, ctx{"acs:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddressSingleIPOther", `{"IpAddress":{"acs:SourceIp":"203.0.113.7"}}`, ctx{"acs:SourceIp": {"203.0.113.8"}}, false},
		{"IpAddressCIDR", `{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{"acs:SourceIp": {"10.20.30.40"}}, true},
		{"IpAddressCIDROutside", `{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{"acs:SourceIp": {"11.0.0.1"}}, false},
		{"IpAddressCIDRHostBits", `{"IpAddress":{"acs:SourceIp":"192.168.1.77/24"}}`, ctx{"acs:SourceIp": {"192.168.1.200"}}, true},
		{"IpAddressList", `{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","172.16.0.0/12"]}}`, ctx{"acs:SourceIp": {"172.20.0.1"}}, true},
		{"IpAddressIPv6", `{"IpAddress":{"acs:SourceIp":"2001:db8::/32"}}`, ctx{"acs:SourceIp": {"2001:db8::1"}}, true},
		{"IpAddressMappedIPv4", `{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{"acs:SourceIp": {"::ffff:10.1.2.3"}}, true},
		{"IpAddressNotAnIP", `{"IpAddress":{"acs:SourceIp":"0.0.0.0/0"}}`, ctx{"acs:SourceIp": {"localhost"}}, false},
		{"IpAddressMissingKey", `{"IpAddress":{"acs:SourceIp":"0.0.0.0/0"}}`, ctx{}, false},
		{"NotIpAddressOutside", `{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{"acs:SourceIp": {"8.8.8.8"}}, true},
		{"NotIpAddressInside", `{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{"acs:SourceIp": {"10.0.0.1"}}, false},
		{"NotIpAddressMissingKey", `{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{}, true},
		// Combination: keys under one operator and operators are ANDed.
		{"KeysANDed", `{"StringEquals":{"ecs:tag/team":"dev","ecs:tag/env":"prod"}}`, ctx{"ecs:tag/team": {"dev"}, "ecs:tag/env": {"test"}}, false},
		{"KeysANDedAllHold", `{"StringEquals":{"ecs:tag/team":"dev","ecs:tag/env":"prod"}}`, ctx{"ecs:tag/team": {"dev"}, "ecs:tag/env": {"prod"}}, true},
		{"OperatorsANDed", `{"Bool":{"acs:SecureTransport":"true"},"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{"acs:SecureTransport": {"true"}, "acs:SourceIp": {"8.8.8.8"}}, false},
		{"OperatorsANDedAllHold", `{"Bool":{"acs:SecureTransport":"true"},"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, ctx{"acs:SecureTransport": {"true"}, "acs:SourceIp": {"10.8.8.8"}}, true},
		{"EmptyBlock", `{}`, ctx{}, true},
		{"EmptyOperator", `{"StringEquals":{}}`, ctx{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":`+tt.cond+`}]}`)
			d := Evaluate([]*NamedPolicy{{Name: "p", Type: PolicyTypeCustom, Policy: p}}, Request{Action: "ecs:RunInstances", Context: tt.ctx})
			if d.Allowed() != tt.want {
				t.Errorf("condition %s with %v: %s, want held=%v", tt.cond, tt.ctx, d, tt.want)
			}
		})
	}
}

func mustParse(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := Parse(doc)
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return p
}
