// Package policy is RAM's policy language: Parse checks a policy document and
// compiles it, Evaluate decides a request against the policies attached to a
// caller, and SystemPolicies lists the system policies ecsd provides.
//
// # Sources
//
// spec/alibaba-api.md §9 (DOCS-RAM "Policy structure and syntax", "Policy
// elements", "Policy evaluation process"), and the current Alibaba Cloud pages
// found through the docs search: "Policy structure and syntax"
// (alibabacloud.com/help/en/ram/policy-structure-and-syntax, 2026),
// "Permission policy elements" (help.aliyun.com/en/ram/policy-elements),
// "Conditional operators" (alibabacloud.com/help/en/ram/conditional-operator),
// "Languages of access control policies" (resource-management user guide),
// and CreatePolicy (resource-management/api-createpolicy).
//
// # Choices where RAM's documentation is silent or unclear
//
//   - Statement must be an array of one or more statements: the grammar is
//     "Statement": [ <statement>, ... ] and no page shows a bare object.
//   - NotAction exists (current "Permission policy elements": a statement takes
//     exactly one of Action and NotAction; the PowerUserAccess system policy
//     uses it). NotResource does not: no RAM page lists it, so it is an
//     unknown element.
//   - Sid is accepted and kept: it is not in RAM's grammar, but documents
//     written for KMS carry it (spec/alibaba-api.md §9.1). Principal is
//     refused, since it belongs only in resource-based policies such as
//     trust policies.
//   - Element names, operator names and Effect values are case-sensitive
//     ("Element names, operators, and predefined values are case-sensitive",
//     policy-structure-and-syntax). Action values match without regard to
//     case ("generally not case-sensitive", policy-elements). RAM does not say
//     for Resource; ecsd matches resources case-sensitively, since relative
//     IDs such as OSS object names are. Condition keys match without regard
//     to case, as in AWS IAM; condition values follow their operator
//     (StringEquals, StringLike: case-sensitive; ...IgnoreCase: not).
//   - No "...IfExists" operators and no ForAnyValue:/ForAllValues: qualifiers:
//     RAM's operator list (five categories, 21 operators) has none, so Parse
//     refuses them with a hint. A request key may still carry several values:
//     a condition holds when any request value matches any policy value.
//   - A condition key missing from the request fails the condition, except
//     under a negated operator (StringNotEquals, StringNotEqualsIgnoreCase,
//     StringNotLike, NumericNotEquals, DateNotEquals, NotIpAddress), which
//     holds: a negated operator is exactly the negation of its positive form.
//     This is AWS IAM's documented rule; RAM's pages do not say.
//   - acs:SourceIp values may be single addresses or CIDR blocks in any
//     position. The 2020 "Policy elements" page says a lone value must be a
//     plain address; newer pages and RAM's examples use CIDR blocks, and
//     nothing is gained by refusing /32.
//   - Date values are ISO 8601: RFC 3339 with optional fraction and offset,
//     minute precision (2012-11-11T23:59Z) or a bare date (midnight UTC).
//     Bool values are true/false in any case. JSON numbers and Booleans are
//     accepted as condition values and read as their text.
//   - An empty Condition ({}) or an operator with no keys imposes nothing
//     (RAM's published AliyunServiceRolePolicyForSFMAccessOSS has
//     "Condition": {}). Empty arrays and empty strings elsewhere are refused.
//   - The length limit is 6,144 characters counted as Unicode code points,
//     whitespace included (CreatePolicy: "1 to 6,144 characters").
//   - Duplicate members of an object ("Effect" twice) are refused rather than
//     resolved by taking the last.
//
// # Matching cost
//
// '*' and '?' patterns (Action, NotAction, Resource, StringLike) are matched
// without backtracking; see pattern in wildcard.go.
package policy
