package policy

import "testing"

func TestEvaluate(t *testing.T) {
	t.Parallel()
	const inst1 = "acs:ecs:cn-hangzhou:1234567890:instance/i-001"
	const inst2 = "acs:ecs:cn-hangzhou:1234567890:instance/i-002"
	type pol struct {
		name string
		typ  PolicyType
		doc  string
	}
	stmt := func(body ...string) string {
		doc := `{"Version":"1","Statement":[`
		for i, b := range body {
			if i > 0 {
				doc += ","
			}
			doc += b
		}
		return doc + `]}`
	}
	tests := []struct {
		name     string
		policies []pol
		req      Request
		want     Decision
	}{
		{
			name: "NoPoliciesIsImplicitDeny",
			req:  Request{Action: "ecs:DescribeInstances", Resources: []string{inst1}},
			want: Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name:     "ExactAction",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:StopInstance","Resource":"*"}`)}},
			req:      Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want:     Decision{Effect: Allow, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name:     "ActionCaseInsensitive",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ECS:stop?NSTANCE","Resource":"*"}`)}},
			req:      Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want:     Decision{Effect: Allow, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name:     "ActionWildcard",
			policies: []pol{{"AliyunECSReadOnlyAccess", PolicyTypeSystem, stmt(`{"Effect":"Allow","Action":["ecs:Describe*","ecs:List*"],"Resource":"*"}`)}},
			req:      Request{Action: "ecs:DescribeInstances", Resources: []string{inst1}},
			want:     Decision{Effect: Allow, PolicyName: "AliyunECSReadOnlyAccess", PolicyType: PolicyTypeSystem, Statement: 0},
		},
		{
			name:     "ActionWildcardMiss",
			policies: []pol{{"p", PolicyTypeSystem, stmt(`{"Effect":"Allow","Action":["ecs:Describe*","ecs:List*"],"Resource":"*"}`)}},
			req:      Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want:     Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name:     "OtherServiceMiss",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`)}},
			req:      Request{Action: "ecsx:Describe", Resources: []string{inst1}},
			want:     Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name:     "ResourceWildcard",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":"acs:ecs:*:1234567890:instance/*"}`)}},
			req:      Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want:     Decision{Effect: Allow, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name:     "ResourceOtherAccount",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":"acs:ecs:*:999:instance/*"}`)}},
			req:      Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want:     Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name:     "ResourceCaseSensitive",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":"acs:ecs:*:*:instance/I-001"}`)}},
			req:      Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want:     Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name:     "EveryResourceMustBeCovered",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":"acs:ecs:*:*:instance/i-001"}`)}},
			req:      Request{Action: "ecs:RunInstances", Resources: []string{inst1, inst2}},
			want:     Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name:     "ResourcesCoveredByDifferentPatterns",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":["acs:ecs:*:*:instance/i-001","acs:ecs:*:*:instance/i-002"]}`)}},
			req:      Request{Action: "ecs:RunInstances", Resources: []string{inst1, inst2}},
			want:     Decision{Effect: Allow, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name:     "NoResourcesNeedsStar",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":"acs:ecs:*:*:*"}`)}},
			req:      Request{Action: "ecs:DescribeRegions"},
			want:     Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name:     "NoResourcesStar",
			policies: []pol{{"p", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`)}},
			req:      Request{Action: "ecs:DescribeRegions"},
			want:     Decision{Effect: Allow, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name: "DenyBeatsAllowInSamePolicy",
			policies: []pol{{"p", PolicyTypeCustom, stmt(
				`{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`,
				`{"Effect":"Deny","Action":"ecs:Delete*","Resource":"*"}`)}},
			req:  Request{Action: "ecs:DeleteInstance", Resources: []string{inst1}},
			want: Decision{Effect: ExplicitDeny, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 1},
		},
		{
			name: "DenyBeatsAllowAcrossPolicies",
			policies: []pol{
				{"AdministratorAccess", PolicyTypeSystem, stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)},
				{"no-stop", PolicyTypeCustom, stmt(`{"Effect":"Deny","Action":"ecs:StopInstance","Resource":"acs:ecs:*:*:instance/i-001"}`)},
			},
			req:  Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want: Decision{Effect: ExplicitDeny, PolicyName: "no-stop", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name: "DenyOnOtherResourceDoesNotApply",
			policies: []pol{
				{"AdministratorAccess", PolicyTypeSystem, stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)},
				{"no-stop", PolicyTypeCustom, stmt(`{"Effect":"Deny","Action":"ecs:StopInstance","Resource":"acs:ecs:*:*:instance/i-002"}`)},
			},
			req:  Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want: Decision{Effect: Allow, PolicyName: "AdministratorAccess", PolicyType: PolicyTypeSystem, Statement: 0},
		},
		{
			name: "DenyWithFailingConditionDoesNotApply",
			policies: []pol{{"p", PolicyTypeCustom, stmt(
				`{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`,
				`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}`)}},
			req:  Request{Action: "ecs:StopInstance", Resources: []string{inst1}, Context: map[string][]string{"acs:SourceIp": {"10.1.1.1"}}},
			want: Decision{Effect: Allow, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name: "DenyWithHoldingCondition",
			policies: []pol{{"p", PolicyTypeCustom, stmt(
				`{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`,
				`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"false"}}}`)}},
			req:  Request{Action: "ecs:StopInstance", Resources: []string{inst1}, Context: map[string][]string{"acs:SecureTransport": {"false"}}},
			want: Decision{Effect: ExplicitDeny, PolicyName: "p", PolicyType: PolicyTypeCustom, Statement: 1},
		},
		{
			name:     "NotActionAllowsTheRest",
			policies: []pol{{"PowerUser", PolicyTypeCustom, stmt(`{"Effect":"Allow","NotAction":["ram:*","bss:Modify*"],"Resource":"*"}`)}},
			req:      Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want:     Decision{Effect: Allow, PolicyName: "PowerUser", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name:     "NotActionExcludesListed",
			policies: []pol{{"PowerUser", PolicyTypeCustom, stmt(`{"Effect":"Allow","NotAction":["ram:*","bss:Modify*"],"Resource":"*"}`)}},
			req:      Request{Action: "RAM:CreateUser"},
			want:     Decision{Effect: ImplicitDeny, Statement: -1},
		},
		{
			name: "DenyNotActionDeniesTheRest",
			policies: []pol{{"only-describe", PolicyTypeCustom, stmt(
				`{"Effect":"Allow","Action":"*","Resource":"*"}`,
				`{"Effect":"Deny","NotAction":"ecs:Describe*","Resource":"*"}`)}},
			req:  Request{Action: "ecs:StartInstance", Resources: []string{inst1}},
			want: Decision{Effect: ExplicitDeny, PolicyName: "only-describe", PolicyType: PolicyTypeCustom, Statement: 1},
		},
		{
			name: "DenyNotActionSparesListed",
			policies: []pol{{"only-describe", PolicyTypeCustom, stmt(
				`{"Effect":"Allow","Action":"*","Resource":"*"}`,
				`{"Effect":"Deny","NotAction":"ecs:Describe*","Resource":"*"}`)}},
			req:  Request{Action: "ecs:DescribeInstances", Resources: []string{inst1}},
			want: Decision{Effect: Allow, PolicyName: "only-describe", PolicyType: PolicyTypeCustom, Statement: 0},
		},
		{
			name: "FirstAllowIsReported",
			policies: []pol{
				{"a", PolicyTypeCustom, stmt(`{"Effect":"Allow","Action":"bss:Get*","Resource":"*"}`, `{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`)},
				{"b", PolicyTypeSystem, stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)},
			},
			req:  Request{Action: "ecs:StopInstance", Resources: []string{inst1}},
			want: Decision{Effect: Allow, PolicyName: "a", PolicyType: PolicyTypeCustom, Statement: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var nps []*NamedPolicy
			for _, p := range tt.policies {
				nps = append(nps, &NamedPolicy{Name: p.name, Type: p.typ, Policy: mustParse(t, p.doc)})
			}
			nps = append(nps, nil, &NamedPolicy{Name: "nil"}) // skipped
			if got := Evaluate(nps, tt.req); got != tt.want {
				t.Errorf("Evaluate = %+v\nwant       %+v", got, tt.want)
			}
		})
	}
}

func TestDecisionReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    Decision
		want string
	}{
		{Decision{Effect: ImplicitDeny, Statement: -1}, "ImplicitDeny: no statement of the attached policies allows the request"},
		{Decision{Effect: ExplicitDeny, PolicyName: "no-stop", PolicyType: PolicyTypeCustom, Statement: 2}, `ExplicitDeny: denied by Statement[2] of Custom policy "no-stop"`},
		{Decision{Effect: Allow, PolicyName: "AdministratorAccess", PolicyType: PolicyTypeSystem}, `Allow: allowed by Statement[0] of System policy "AdministratorAccess"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String() = %s, want %s", got, tt.want)
			}
		})
	}
}
