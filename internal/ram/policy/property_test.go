package policy

import (
	"encoding/json"
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// stmtSpec is a generated statement, rendered to JSON and parsed, so that the
// properties exercise Parse as well as Evaluate.
type stmtSpec struct {
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action,omitempty"`
	NotAction []string                       `json:"NotAction,omitempty"`
	Resource  []string                       `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

var (
	genActions   = []string{"*", "ecs:*", "ecs:Describe*", "ecs:DescribeInstances", "ECS:stopinstance", "ecs:Stop?nstance", "bss:Query*", "*:Get*", "ram:*"}
	genResources = []string{"*", "acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:1:instance/i-1", "acs:ecs:*:*:instance/i-?",
		"acs:bss:*:*:*", "acs:ecs:*:*:disk/*", "acs:ecs:cn-*"}
	genConditions = []struct{ op, key, value string }{
		{"StringEquals", "acs:UserAgent", "cli"},
		{"StringNotEquals", "acs:UserAgent", "cli"},
		{"StringLike", "acs:UserAgent", "c*"},
		{"StringNotEqualsIgnoreCase", "ecs:tag/team", "DEV"},
		{"IpAddress", "acs:SourceIp", "10.0.0.0/8"},
		{"NotIpAddress", "acs:SourceIp", "10.0.0.0/8"},
		{"Bool", "acs:SecureTransport", "true"},
		{"DateLessThan", "acs:CurrentTime", "2026-01-01T00:00:00Z"},
		{"NumericGreaterThan", "ecs:Count", "3"},
	}
	reqActions   = []string{"ecs:DescribeInstances", "ecs:StopInstance", "bss:QueryOrders", "ram:CreateUser", "ecs:GetFoo", "oss:GetObject"}
	reqResources = []string{"acs:ecs:cn-hangzhou:1:instance/i-1", "acs:ecs:cn-beijing:1:instance/i-2", "acs:ecs:cn-hangzhou:1:disk/d-1", "acs:bss:cn:1:order/1"}
	reqContext   = map[string][]string{
		"acs:UserAgent":       {"cli", "Cli", "sdk"},
		"ecs:tag/team":        {"dev", "ops"},
		"acs:SourceIp":        {"10.1.2.3", "8.8.8.8", "garbage"},
		"acs:SecureTransport": {"true", "false"},
		"acs:CurrentTime":     {"2025-06-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		"ecs:Count":           {"1", "5"},
	}
)

func drawStatement(t *rapid.T, label string, effect string) stmtSpec {
	if effect == "" {
		effect = rapid.SampledFrom([]string{"Allow", "Deny"}).Draw(t, label+".Effect")
	}
	s := stmtSpec{Effect: effect}
	actions := rapid.SliceOfN(rapid.SampledFrom(genActions), 1, 3).Draw(t, label+".Action")
	if rapid.IntRange(0, 3).Draw(t, label+".NotAction") == 0 {
		s.NotAction = actions
	} else {
		s.Action = actions
	}
	s.Resource = rapid.SliceOfN(rapid.SampledFrom(genResources), 1, 2).Draw(t, label+".Resource")
	for _, i := range rapid.SliceOfNDistinct(rapid.IntRange(0, len(genConditions)-1), 0, 2, rapid.ID[int]).Draw(t, label+".Condition") {
		c := genConditions[i]
		if s.Condition == nil {
			s.Condition = map[string]map[string][]string{}
		}
		if s.Condition[c.op] == nil {
			s.Condition[c.op] = map[string][]string{}
		}
		s.Condition[c.op][c.key] = append(s.Condition[c.op][c.key], c.value)
	}
	return s
}

func drawPolicies(t *rapid.T) [][]stmtSpec {
	n := rapid.IntRange(1, 3).Draw(t, "policies")
	out := make([][]stmtSpec, n)
	for i := range out {
		m := rapid.IntRange(1, 4).Draw(t, fmt.Sprintf("policy%d.statements", i))
		for j := range m {
			out[i] = append(out[i], drawStatement(t, fmt.Sprintf("policy%d.Statement%d", i, j), ""))
		}
	}
	return out
}

func drawRequest(t *rapid.T) Request {
	req := Request{
		Action:    rapid.SampledFrom(reqActions).Draw(t, "req.Action"),
		Resources: rapid.SliceOfNDistinct(rapid.SampledFrom(reqResources), 0, 2, rapid.ID[string]).Draw(t, "req.Resources"),
		Context:   map[string][]string{},
	}
	for _, k := range []string{"acs:UserAgent", "ecs:tag/team", "acs:SourceIp", "acs:SecureTransport", "acs:CurrentTime", "ecs:Count"} {
		if rapid.Bool().Draw(t, "req.has."+k) {
			req.Context[k] = rapid.SliceOfN(rapid.SampledFrom(reqContext[k]), 1, 2).Draw(t, "req."+k)
		}
	}
	return req
}

func build(t *rapid.T, specs [][]stmtSpec) []*NamedPolicy {
	var out []*NamedPolicy
	for i, stmts := range specs {
		doc, err := json.Marshal(map[string]any{"Version": "1", "Statement": stmts})
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		p, err := Parse(string(doc))
		if err != nil {
			t.Fatalf("Parse(%s): %v", doc, err)
		}
		out = append(out, &NamedPolicy{Name: fmt.Sprintf("p%d", i), Type: PolicyTypeCustom, Policy: p})
	}
	return out
}

// TestPropertyDenyNeverWidens: adding a Deny statement, in a new policy or in
// an existing one, never turns a decision into Allow; when the Deny matches
// the request the decision is ExplicitDeny, and when it does not the decision
// is unchanged.
func TestPropertyDenyNeverWidens(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		specs := drawPolicies(t)
		req := drawRequest(t)
		deny := drawStatement(t, "deny", "Deny")
		before := Evaluate(build(t, specs), req)
		denyMatches := Evaluate(build(t, [][]stmtSpec{{deny}}), req).Effect == ExplicitDeny

		with := append([][]stmtSpec(nil), specs...)
		if target := rapid.IntRange(-1, len(specs)-1).Draw(t, "target"); target < 0 {
			with = append(with, []stmtSpec{deny})
		} else {
			at := rapid.IntRange(0, len(specs[target])).Draw(t, "at")
			stmts := append([]stmtSpec(nil), specs[target][:at]...)
			stmts = append(stmts, deny)
			with[target] = append(stmts, specs[target][at:]...)
		}
		after := Evaluate(build(t, with), req)

		switch {
		case after.Effect == Allow && before.Effect != Allow:
			t.Fatalf("adding %+v turned %s into %s", deny, before, after)
		case denyMatches && after.Effect != ExplicitDeny:
			t.Fatalf("matching Deny %+v added, decision %s", deny, after)
		case !denyMatches && after.Effect != before.Effect:
			t.Fatalf("non-matching Deny %+v changed %s into %s", deny, before, after)
		}
	})
}

// TestPropertyOrderIrrelevant: the order of statements within each policy,
// and of the policies, never changes the decision's effect.
func TestPropertyOrderIrrelevant(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		specs := drawPolicies(t)
		req := drawRequest(t)
		want := Evaluate(build(t, specs), req)

		shuffled := rapid.Permutation(specs).Draw(t, "policy order")
		for i := range shuffled {
			shuffled[i] = rapid.Permutation(shuffled[i]).Draw(t, fmt.Sprintf("statement order %d", i))
		}
		if got := Evaluate(build(t, shuffled), req); got.Effect != want.Effect {
			t.Fatalf("reordered: %s, original: %s", got, want)
		}
	})
}
