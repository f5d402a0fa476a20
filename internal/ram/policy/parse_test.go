package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []Statement // exported fields only
	}{
		{
			name: "StringsNotArrays",
			doc:  `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:DescribeInstances","Resource":"*"}]}`,
			want: []Statement{{Effect: EffectAllow, Action: []string{"ecs:DescribeInstances"}, Resource: []string{"*"}}},
		},
		{
			name: "ArraysSidAndNotAction",
			doc: `{"Statement":[{"Sid":"NoRAM","Effect":"Deny","NotAction":["ecs:*","bss:Query*"],"Resource":["acs:ecs:*:*:instance/*","acs:ecs:*:*:disk/*"]}],
			       "Version":"1"}`,
			want: []Statement{{Sid: "NoRAM", Effect: EffectDeny, NotAction: []string{"ecs:*", "bss:Query*"}, Resource: []string{"acs:ecs:*:*:instance/*", "acs:ecs:*:*:disk/*"}}},
		},
		{
			name: "ConditionValuesOfEveryJSONScalar",
			doc: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
			         "Bool":{"acs:SecureTransport":true},
			         "NumericLessThan":{"ecs:Count":10,"ecs:Size":["1.5","2e3"]},
			         "IpAddress":{"acs:SourceIp":["10.0.0.0/8","192.168.1.1"]}}}]}`,
			want: []Statement{{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}, Condition: []Condition{
				{Operator: "Bool", Key: "acs:SecureTransport", Values: []string{"true"}},
				{Operator: "NumericLessThan", Key: "ecs:Count", Values: []string{"10"}},
				{Operator: "NumericLessThan", Key: "ecs:Size", Values: []string{"1.5", "2e3"}},
				{Operator: "IpAddress", Key: "acs:SourceIp", Values: []string{"10.0.0.0/8", "192.168.1.1"}},
			}}},
		},
		{
			name: "EmptyConditionBlock",
			doc:  `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:ListBuckets","Resource":["*"],"Condition":{}}]}`,
			want: []Statement{{Effect: EffectAllow, Action: []string{"oss:ListBuckets"}, Resource: []string{"*"}}},
		},
		{
			name: "WildcardServiceAndMultibyteText",
			doc:  `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*:Describe*","Resource":"acs:oss:*:*:相册/*"}]}`,
			want: []Statement{{Effect: EffectAllow, Action: []string{"*:Describe*"}, Resource: []string{"acs:oss:*:*:相册/*"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse(tt.doc)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := p.Statements()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d statements, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if g, w := exported(got[i]), exported(tt.want[i]); g != w {
					t.Errorf("Statement[%d] = %s\nwant %s", i, g, w)
				}
			}
		})
	}
}

// exported renders a statement's exported fields for comparison.
func exported(st Statement) string {
	var b strings.Builder
	b.WriteString("Sid=" + st.Sid + " Effect=" + string(st.Effect))
	b.WriteString(" Action=" + strings.Join(st.Action, ",") + " NotAction=" + strings.Join(st.NotAction, ","))
	b.WriteString(" Resource=" + strings.Join(st.Resource, ","))
	for _, c := range st.Condition {
		b.WriteString(" " + c.Operator + "[" + c.Key + "]=" + strings.Join(c.Values, ","))
	}
	return b.String()
}

func TestParseLength(t *testing.T) {
	t.Parallel()
	base := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:DescribeInstances","Resource":"*"}]}`
	// Pad with whitespace, which counts, up to exactly the limit; multibyte
	// characters count once.
	pad := func(n int) string { return base + strings.Repeat(" ", n-len(base)) }
	if _, err := Parse(pad(MaxDocumentLength)); err != nil {
		t.Errorf("%d characters: %v", MaxDocumentLength, err)
	}
	multibyte := strings.Replace(base, `"*"`, `"`+strings.Repeat("界", MaxDocumentLength-len(base))+`"`, 1)
	if _, err := Parse(multibyte); err != nil {
		t.Errorf("%d characters of which most multibyte: %v", MaxDocumentLength, err)
	}
	_, err := Parse(pad(MaxDocumentLength + 1))
	checkMalformed(t, err, KindLength, "the policy document is 6145 characters long; the limit is 6144")
	_, err = Parse("")
	checkMalformed(t, err, KindLength, "the policy document is empty")
}

// TestParseRejects has at least one case per ErrorKind; each message names
// the element at fault.
func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		kind ErrorKind
		want string
	}{
		{"SyntaxTrailingComma", "{\"Version\":\"1\",\n \"Statement\":[],}", KindSyntax,
			`invalid JSON at line 2, column 17: invalid character '}' looking for beginning of object key string`},
		{"SyntaxTruncated", `{"Version":"1","Statement":[`, KindSyntax, `invalid JSON: unexpected end of input`},
		{"SyntaxTrailingData", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]} {}`, KindSyntax,
			`invalid JSON at line 1, column 78: unexpected data after the top-level object`},
		{"DuplicateElement", `{"Version":"1","Statement":[{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}]}`, KindDuplicate,
			`Statement[0]: duplicate element "Effect"`},
		{"DocumentNotObject", `["Version"]`, KindType, `the policy document must be a JSON object, not an array`},
		{"VersionNumber", `{"Version":1,"Statement":[]}`, KindType, `Version: 1 is not the string "1"`},
		{"StatementObject", `{"Version":"1","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, KindType,
			`Statement: must be an array of statements, not a single statement object`},
		{"StatementNotObject", `{"Version":"1","Statement":["Allow"]}`, KindType, `Statement[0]: a statement must be an object, not "Allow"`},
		{"ActionNumber", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:StartInstance",7],"Resource":"*"}]}`, KindType,
			`Statement[0].Action[1]: 7 is not a string`},
		{"ResourceObject", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":{}}]}`, KindType,
			`Statement[0].Resource: must be a string or an array of strings, not an object`},
		{"ConditionValueNull", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"acs:UserAgent":null}}}]}`, KindType,
			`Statement[0].Condition.StringEquals["acs:UserAgent"]: must be a string, number or Boolean (or an array of them), not null`},
		{"MissingVersion", `{"Statement":[]}`, KindMissing, `missing required element "Version"`},
		{"MissingStatement", `{"Version":"1"}`, KindMissing, `missing required element "Statement"`},
		{"MissingEffect", `{"Version":"1","Statement":[{"Action":"*","Resource":"*"}]}`, KindMissing, `Statement[0]: missing required element "Effect"`},
		{"MissingAction", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Resource":"*"}]}`, KindMissing,
			`Statement[1]: missing required element "Action" (or "NotAction")`},
		{"MissingResource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*"}]}`, KindMissing, `Statement[0]: missing required element "Resource"`},
		{"UnknownTopLevel", `{"Version":"1","Id":"x","Statement":[]}`, KindUnknown, `unknown element "Id"`},
		{"UnknownLowerCase", `{"Version":"1","Statement":[{"effect":"Allow","Action":"*","Resource":"*"}]}`, KindUnknown,
			`Statement[0]: unknown element "effect" (element names are case-sensitive; did you mean "Effect"?)`},
		{"UnknownNotResource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","NotResource":"*"}]}`, KindUnknown,
			`Statement[0]: unknown element "NotResource" (RAM policies have no NotResource element)`},
		{"UnknownPrincipal", `{"Version":"1","Statement":[{"Effect":"Allow","Principal":{"RAM":"*"},"Action":"*","Resource":"*"}]}`, KindUnknown,
			`Statement[0]: unknown element "Principal" (principals belong in resource-based policies such as a role's trust policy, not in a permission policy)`},
		{"VersionValue", `{"Version":"2012-10-17","Statement":[]}`, KindValue, `Version: "2012-10-17" is not "1"`},
		{"EffectLowerCase", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"allow","Action":"*","Resource":"*"}]}`, KindValue,
			`Statement[1].Effect: "allow" is not Allow or Deny`},
		{"EmptyStatement", `{"Version":"1","Statement":[]}`, KindValue, `Statement: must contain at least one statement`},
		{"ActionWithoutService", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:StopInstance","StartInstance"],"Resource":"*"}]}`, KindValue,
			`Statement[0].Action[1]: "StartInstance" is not "*" or <service>:<action>`},
		{"EmptyResourceArray", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":[]}]}`, KindValue, `Statement[0].Resource: must not be an empty array`},
		{"EmptyResourceString", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":""}]}`, KindValue, `Statement[0].Resource: must not be an empty string`},
		{"ActionAndNotAction", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","NotAction":"ecs:Delete*","Resource":"*"}]}`, KindConflict,
			`Statement[0]: has both Action and NotAction; a statement takes exactly one of them`},
		{"OperatorUnknown", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringContains":{"k":"v"}}}]}`, KindOperator,
			`Statement[0].Condition: unknown condition operator "StringContains"`},
		{"OperatorCase", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringequals":{"k":"v"}}}]}`, KindOperator,
			`Statement[0].Condition: unknown condition operator "stringequals" (operator names are case-sensitive; did you mean "StringEquals"?)`},
		{"OperatorIfExists", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"k":"v"}}}]}`, KindOperator,
			`Statement[0].Condition: unknown condition operator "StringEqualsIfExists" (RAM has no ...IfExists operators)`},
		{"OperatorForAnyValue", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"k":"v"}}}]}`, KindOperator,
			`Statement[0].Condition: unknown condition operator "ForAnyValue:StringEquals" (RAM has no ForAnyValue/ForAllValues qualifiers)`},
		{"ConditionNumber", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"ecs:Count":"ten"}}}]}`, KindConditionValue,
			`Statement[0].Condition.NumericLessThan["ecs:Count"]: "ten" is not a number (NumericLessThan)`},
		{"ConditionDate", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"acs:CurrentTime":["2026-01-01T00:00:00Z","tomorrow"]}}}]}`, KindConditionValue,
			`Statement[0].Condition.DateLessThan["acs:CurrentTime"][1]: "tomorrow" is not an ISO 8601 date and time such as 2012-11-11T23:59:59Z (DateLessThan)`},
		{"ConditionBool", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"yes"}}}]}`, KindConditionValue,
			`Statement[0].Condition.Bool["acs:SecureTransport"]: "yes" is not true or false (Bool)`},
		{"ConditionIP", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"acs:SourceIp":"10.0.0.300"}}}]}`, KindConditionValue,
			`Statement[0].Condition.NotIpAddress["acs:SourceIp"]: "10.0.0.300" is not an IP address or CIDR block (NotIpAddress)`},
	}
	seen := map[ErrorKind]bool{}
	for _, tt := range tests {
		seen[tt.kind] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse(tt.doc)
			if p != nil {
				t.Errorf("Parse returned a policy with the error")
			}
			checkMalformed(t, err, tt.kind, tt.want)
		})
	}
	for _, k := range []ErrorKind{KindSyntax, KindDuplicate, KindType, KindMissing, KindUnknown, KindValue, KindConflict, KindOperator, KindConditionValue} {
		if !seen[k] {
			t.Errorf("no case for kind %s", k)
		}
	}
}

func checkMalformed(t *testing.T, err error, kind ErrorKind, want string) {
	t.Helper()
	var me *MalformedError
	if !errors.As(err, &me) {
		t.Fatalf("error = %v (%T), want a *MalformedError", err, err)
	}
	if me.Kind != kind {
		t.Errorf("Kind = %s, want %s", me.Kind, kind)
	}
	if me.Error() != want {
		t.Errorf("message = %s\nwant      %s", me.Error(), want)
	}
}
