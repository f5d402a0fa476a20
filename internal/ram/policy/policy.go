package policy

// Effect is the Effect element of a statement.
type Effect string

const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// Policy is a parsed RAM policy document. Only Parse builds one; the zero
// Policy has no statements and allows nothing.
type Policy struct {
	statements []Statement
}

// Statements returns a copy of the policy's statements in document order.
func (p *Policy) Statements() []Statement {
	if p == nil {
		return nil
	}
	return append([]Statement(nil), p.statements...)
}

// Statement is one element of a policy's Statement array. The exported fields
// repeat the document; exactly one of Action and NotAction is set.
type Statement struct {
	Sid       string
	Effect    Effect
	Action    []string
	NotAction []string
	Resource  []string
	Condition []Condition // operators in document order, keys in document order within each

	actions   []*pattern // Action or NotAction, lower-cased
	resources []*pattern
	conds     []*condition
}

// Condition is one condition key under one operator, with the values it
// accepts (any one of them satisfies it). JSON numbers and booleans are kept
// as their literal text.
type Condition struct {
	Operator string
	Key      string
	Values   []string
}
