package policy

import (
	"slices"
	"testing"
)

func TestSystemPolicies(t *testing.T) {
	t.Parallel()
	got := SystemPolicies()
	names := make([]string, 0, len(got))
	for _, sp := range got {
		names = append(names, sp.Name)
		if sp.Description == "" {
			t.Errorf("%s has no description", sp.Name)
		}
		if _, err := Parse(sp.Document); err != nil {
			t.Errorf("%s: %v", sp.Name, err)
		}
	}
	want := []string{"AdministratorAccess", "AliyunBSSFullAccess", "AliyunBSSReadOnlyAccess", "AliyunECSFullAccess", "AliyunECSReadOnlyAccess", "AliyunRAMFullAccess"}
	if !slices.Equal(names, want) {
		t.Errorf("names = %v, want %v (sorted)", names, want)
	}
	got[0].Name = "changed"
	if SystemPolicies()[0].Name != "AdministratorAccess" {
		t.Error("SystemPolicies returned shared storage")
	}
	if _, ok := SystemPolicyByName("administratoraccess"); ok {
		t.Error("SystemPolicyByName ignores case")
	}
}

// TestSystemPolicyGrants checks what each system policy allows of the
// actions ecsd implements.
func TestSystemPolicyGrants(t *testing.T) {
	t.Parallel()
	const inst = "acs:ecs:cn-hangzhou:1234567890:instance/i-001"
	tests := []struct {
		policy, action string
		want           bool
	}{
		{"AdministratorAccess", "ecs:DeleteInstance", true},
		{"AdministratorAccess", "ram:CreateUser", true},
		{"AdministratorAccess", "bss:CancelOrder", true},
		{"AliyunECSFullAccess", "ecs:ModifyPrepayInstanceSpec", true},
		{"AliyunECSFullAccess", "vpc:DescribeVpcs", true},
		{"AliyunECSFullAccess", "bss:QueryOrders", false},
		{"AliyunECSReadOnlyAccess", "ecs:DescribeInstances", true},
		{"AliyunECSReadOnlyAccess", "ecs:ListTagResources", true},
		{"AliyunECSReadOnlyAccess", "ecs:StopInstance", false},
		{"AliyunECSReadOnlyAccess", "ecs:RunInstances", false},
		{"AliyunBSSFullAccess", "bss:CancelOrder", true},
		{"AliyunBSSFullAccess", "ecs:DescribeInstances", false},
		{"AliyunBSSReadOnlyAccess", "bss:QueryOrders", true},
		{"AliyunBSSReadOnlyAccess", "bss:GetOrderDetail", true},
		{"AliyunBSSReadOnlyAccess", "bss:QueryAccountBalance", true},
		{"AliyunBSSReadOnlyAccess", "bss:DescribeBillList", true},
		{"AliyunBSSReadOnlyAccess", "bss:CancelOrder", false},
		{"AliyunRAMFullAccess", "ram:AttachPolicyToUser", true},
		{"AliyunRAMFullAccess", "ecs:DescribeInstances", false},
	}
	for _, tt := range tests {
		t.Run(tt.policy+"/"+tt.action, func(t *testing.T) {
			t.Parallel()
			sp, ok := SystemPolicyByName(tt.policy)
			if !ok {
				t.Fatalf("no system policy %s", tt.policy)
			}
			np := &NamedPolicy{Name: sp.Name, Type: PolicyTypeSystem, Policy: mustParse(t, sp.Document)}
			d := Evaluate([]*NamedPolicy{np}, Request{Action: tt.action, Resources: []string{inst}})
			if d.Allowed() != tt.want {
				t.Errorf("%s %s: %s, want allowed=%v", tt.policy, tt.action, d, tt.want)
			}
		})
	}
}
