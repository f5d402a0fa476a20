package policy

import (
	"errors"
	"testing"
)

// FuzzParse: Parse never panics and fails only with a *MalformedError; a
// policy it accepts can be evaluated against any request without panicking,
// and the decision names a statement of the right effect. Seeds are in
// testdata/fuzz/FuzzParse. Run with go test -fuzz=FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, doc, action, resource, value string) {
		t.Parallel()
		p, err := Parse(doc)
		if err != nil {
			var me *MalformedError
			if !errors.As(err, &me) || me.Kind == "" || me.Error() == "" || p != nil {
				t.Fatalf("Parse(%q) = %v, %#v", doc, p, err)
			}
			if _, err2 := Parse(doc); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Parse(%q) not deterministic: %v then %v", doc, err, err2)
			}
			return
		}
		stmts := p.Statements()
		if len(stmts) == 0 {
			t.Fatalf("Parse(%q) accepted a policy without statements", doc)
		}
		// Give every condition key of the policy the fuzzed value, plus the
		// common keys, so that conditions are evaluated, not just skipped.
		ctx := map[string][]string{"acs:SourceIp": {value}, "acs:CurrentTime": {value}, "acs:SecureTransport": {value}}
		for _, st := range stmts {
			if (st.Effect != EffectAllow && st.Effect != EffectDeny) || (len(st.Action) == 0) == (len(st.NotAction) == 0) || len(st.Resource) == 0 {
				t.Fatalf("Parse(%q) accepted statement %+v", doc, st)
			}
			for _, c := range st.Condition {
				ctx[c.Key] = []string{value, resource}
			}
		}
		nps := []*NamedPolicy{{Name: "fuzz", Type: PolicyTypeCustom, Policy: p}}
		for _, req := range []Request{
			{Action: action, Resources: []string{resource}, Context: ctx},
			{Action: action},
			{Action: action, Resources: []string{resource, value}, Context: map[string][]string{}},
		} {
			d := Evaluate(nps, req)
			switch d.Effect {
			case ImplicitDeny:
				if d.Statement != -1 || d.PolicyName != "" {
					t.Fatalf("ImplicitDeny names a statement: %+v", d)
				}
			case Allow, ExplicitDeny:
				if d.PolicyName != "fuzz" || d.Statement < 0 || d.Statement >= len(stmts) {
					t.Fatalf("decision %+v names no statement of the policy", d)
				}
				want := EffectAllow
				if d.Effect == ExplicitDeny {
					want = EffectDeny
				}
				if stmts[d.Statement].Effect != want {
					t.Fatalf("decision %+v from a statement with Effect %s", d, stmts[d.Statement].Effect)
				}
			default:
				t.Fatalf("decision %+v", d)
			}
		}
	})
}
