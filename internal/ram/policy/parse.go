package policy

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxDocumentLength is the most characters (Unicode code points, whitespace
// included) a policy document may have: CreatePolicy's and
// CreatePolicyVersion's PolicyDocument is "1 to 6,144 characters"
// (alibabacloud.com/help/en/resource-management/api-createpolicy; older RAM
// pages say 2,048).
const MaxDocumentLength = 6144

// ErrorKind classifies a MalformedError. Callers send KindLength as
// InvalidParameter.PolicyDocument.Length and every other kind as
// MalformedPolicyDocument.
type ErrorKind string

const (
	KindLength         ErrorKind = "Length"         // empty, or longer than MaxDocumentLength
	KindSyntax         ErrorKind = "Syntax"         // not one valid JSON value
	KindDuplicate      ErrorKind = "Duplicate"      // an object names the same element twice
	KindType           ErrorKind = "Type"           // an element has the wrong JSON type
	KindMissing        ErrorKind = "Missing"        // a required element is absent
	KindUnknown        ErrorKind = "Unknown"        // an element RAM does not define (names are case-sensitive)
	KindValue          ErrorKind = "Value"          // a value RAM does not accept (Version, Effect, an empty list, an action without a service)
	KindConflict       ErrorKind = "Conflict"       // both Action and NotAction
	KindOperator       ErrorKind = "Operator"       // an unknown condition operator
	KindConditionValue ErrorKind = "ConditionValue" // a condition value that does not fit its operator (a number, date, Boolean or IP)
)

// MalformedError says what is wrong with a policy document and where. Path
// locates the element (Statement[1].Effect, or Statement[0].Condition.IpAddress["acs:SourceIp"][1]);
// it is empty for the document as a whole.
type MalformedError struct {
	Kind   ErrorKind
	Path   string
	Detail string
}

func (e *MalformedError) Error() string {
	if e.Path == "" {
		return e.Detail
	}
	return e.Path + ": " + e.Detail
}

func malformed(kind ErrorKind, path, format string, args ...any) *MalformedError {
	return &MalformedError{Kind: kind, Path: path, Detail: fmt.Sprintf(format, args...)}
}

// Parse checks a RAM policy document and compiles it for Evaluate. Every error
// is a *MalformedError naming the first fault in document order: KindLength
// for an empty or too long document, otherwise the kind of the fault.
//
// The grammar (doc.go lists the sources and the choices made where RAM's
// documentation is silent):
//
//	{ "Version": "1",
//	  "Statement": [ { "Sid"?: string,
//	                   "Effect": "Allow" | "Deny",
//	                   "Action" | "NotAction": string | [string, ...],
//	                   "Resource": string | [string, ...],
//	                   "Condition"?: { operator: { key: value | [value, ...] } } }, ... ] }
func Parse(doc string) (*Policy, error) {
	n := utf8.RuneCountInString(doc)
	if n == 0 {
		return nil, malformed(KindLength, "", "the policy document is empty")
	}
	if n > MaxDocumentLength {
		return nil, malformed(KindLength, "", "the policy document is %d characters long; the limit is %d", n, MaxDocumentLength)
	}
	root, err := readJSON(doc)
	if err != nil {
		return nil, err
	}
	return parsePolicy(root)
}

func parsePolicy(root *jsonValue) (*Policy, error) {
	if root.kind != jsonObject {
		return nil, malformed(KindType, "", "the policy document must be a JSON object, not %s", root.describe())
	}
	var version, statements *jsonValue
	for i, k := range root.keys {
		switch k {
		case "Version":
			version = root.elems[i]
		case "Statement":
			statements = root.elems[i]
		default:
			return nil, unknownElement("", k, "Version", "Statement")
		}
	}
	if version == nil {
		return nil, malformed(KindMissing, "", `missing required element "Version"`)
	}
	if version.kind != jsonString {
		return nil, malformed(KindType, "Version", `%s is not the string "1"`, version.describe())
	}
	if version.text != "1" {
		return nil, malformed(KindValue, "Version", `%q is not "1"`, version.text)
	}
	if statements == nil {
		return nil, malformed(KindMissing, "", `missing required element "Statement"`)
	}
	switch {
	case statements.kind == jsonObject:
		return nil, malformed(KindType, "Statement", "must be an array of statements, not a single statement object")
	case statements.kind != jsonArray:
		return nil, malformed(KindType, "Statement", "must be an array of statements, not %s", statements.describe())
	case len(statements.elems) == 0:
		return nil, malformed(KindValue, "Statement", "must contain at least one statement")
	}
	p := &Policy{statements: make([]Statement, 0, len(statements.elems))}
	for i, v := range statements.elems {
		st, err := parseStatement(fmt.Sprintf("Statement[%d]", i), v)
		if err != nil {
			return nil, err
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseStatement(path string, v *jsonValue) (Statement, error) {
	var st Statement
	if v.kind != jsonObject {
		return st, malformed(KindType, path, "a statement must be an object, not %s", v.describe())
	}
	var hasEffect, hasAction, hasNotAction, hasResource bool
	for i, k := range v.keys {
		e, p := v.elems[i], joinPath(path, k)
		var err error
		switch k {
		case "Sid":
			if e.kind != jsonString {
				return st, malformed(KindType, p, "%s is not a string", e.describe())
			}
			st.Sid = e.text
		case "Effect":
			hasEffect = true
			if e.kind != jsonString || (e.text != string(EffectAllow) && e.text != string(EffectDeny)) {
				kind := KindValue
				if e.kind != jsonString {
					kind = KindType
				}
				return st, malformed(kind, p, "%s is not Allow or Deny", e.describe())
			}
			st.Effect = Effect(e.text)
		case "Action":
			hasAction = true
			if st.Action, err = parseStringList(p, e, checkAction); err != nil {
				return st, err
			}
		case "NotAction":
			hasNotAction = true
			if st.NotAction, err = parseStringList(p, e, checkAction); err != nil {
				return st, err
			}
		case "Resource":
			hasResource = true
			if st.Resource, err = parseStringList(p, e, nil); err != nil {
				return st, err
			}
		case "Condition":
			if st.Condition, st.conds, err = parseCondition(p, e); err != nil {
				return st, err
			}
		default:
			return st, unknownElement(path, k, "Sid", "Effect", "Action", "NotAction", "Resource", "Condition")
		}
	}
	switch {
	case !hasEffect:
		return st, malformed(KindMissing, path, `missing required element "Effect"`)
	case hasAction && hasNotAction:
		return st, malformed(KindConflict, path, "has both Action and NotAction; a statement takes exactly one of them")
	case !hasAction && !hasNotAction:
		return st, malformed(KindMissing, path, `missing required element "Action" (or "NotAction")`)
	case !hasResource:
		return st, malformed(KindMissing, path, `missing required element "Resource"`)
	}
	for _, list := range [][]string{st.Action, st.NotAction} {
		for _, a := range list {
			st.actions = append(st.actions, compilePattern(a, true))
		}
	}
	for _, r := range st.Resource {
		st.resources = append(st.resources, compilePattern(r, false))
	}
	return st, nil
}

// parseStringList reads an element that is a string or a non-empty array of
// strings; check, when set, vets each string.
func parseStringList(path string, v *jsonValue, check func(string) string) ([]string, error) {
	var items []*jsonValue
	switch v.kind {
	case jsonString:
		items = []*jsonValue{v}
	case jsonArray:
		if len(v.elems) == 0 {
			return nil, malformed(KindValue, path, "must not be an empty array")
		}
		items = v.elems
	default:
		return nil, malformed(KindType, path, "must be a string or an array of strings, not %s", v.describe())
	}
	out := make([]string, 0, len(items))
	for i, e := range items {
		p := path
		if v.kind == jsonArray {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		if e.kind != jsonString {
			return nil, malformed(KindType, p, "%s is not a string", e.describe())
		}
		if e.text == "" {
			return nil, malformed(KindValue, p, "must not be an empty string")
		}
		if check != nil {
			if msg := check(e.text); msg != "" {
				return nil, malformed(KindValue, p, "%q %s", e.text, msg)
			}
		}
		out = append(out, e.text)
	}
	return out, nil
}

// checkAction accepts "*" and <ram-code>:<action-name>, either part possibly
// with wildcards (RAM's "*:Describe*" is valid).
func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	i := strings.IndexByte(a, ':')
	if i <= 0 || i == len(a)-1 {
		return `is not "*" or <service>:<action>`
	}
	return ""
}

// unknownElement reports a member that is not one of known, with a hint for
// the usual mistakes.
func unknownElement(path, key string, known ...string) error {
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return malformed(KindUnknown, path, "unknown element %q (element names are case-sensitive; did you mean %q?)", key, k)
		}
	}
	switch key {
	case "NotResource":
		return malformed(KindUnknown, path, `unknown element "NotResource" (RAM policies have no NotResource element)`)
	case "Principal", "NotPrincipal":
		return malformed(KindUnknown, path, "unknown element %q (principals belong in resource-based policies such as a role's trust policy, not in a permission policy)", key)
	}
	return malformed(KindUnknown, path, "unknown element %q", key)
}
