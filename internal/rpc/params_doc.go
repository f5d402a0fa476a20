package rpc

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// WriteParamsDoc writes, in Markdown, what each action of products does
// with the parameters of the official request model: those it honours and
// those it refuses, grouped by reason. It is read from the request structs
// themselves (see Params), so the page cannot drift from the code.
// The delegation parameters every action refuses are said once at the top.
func WriteParamsDoc(w io.Writer, products []*Product) error {
	var b strings.Builder
	b.WriteString("# Parameters: honoured and refused, per action\n\n")
	b.WriteString("Generated from ecsd's request structs by `ECSD_UPDATE_DOCS=1 go test ./internal/conformance -run TestParametersDoc`;\n")
	b.WriteString("`TestParametersDoc` fails when this page and the code differ. Every parameter of the official SDK's\n")
	b.WriteString("request model is in one of the two lists (`TestEveryModelParameterHonouredOrRefused`). A refused\n")
	b.WriteString("parameter sent with a value is answered 400 `InvalidParameter` naming it and giving the reason; sent\n")
	b.WriteString("empty, or with the API's default (shown after `=`), it is taken as absent. `N` stands for a list index.\n")
	b.WriteString("Every action also refuses OwnerId, OwnerAccount, ResourceOwnerAccount and ResourceOwnerId (ecsd acts only\n")
	b.WriteString("for the account of the AccessKey).\n")
	delegated := map[string]bool{}
	for _, r := range delegationRefusals() {
		delegated[r.Name] = true
	}
	for _, p := range products {
		fmt.Fprintf(&b, "\n## %s (%s)\n", p.Name, p.Version)
		actions := slices.Clone(p.Actions)
		slices.SortFunc(actions, func(x, y Action) int { return strings.Compare(x.Name, y.Name) })
		for i := range actions {
			a := &actions[i]
			decoded, refused, ok := a.Params()
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "\n### %s\n\n", a.Name)
			if len(decoded) == 0 {
				b.WriteString("Honoured: none.\n")
			} else {
				fmt.Fprintf(&b, "Honoured: %s.\n", strings.Join(slices.Compact(slices.Sorted(slices.Values(decoded))), ", "))
			}
			var whys []string
			byWhy := map[string][]string{}
			for _, r := range refused {
				if delegated[r.Name] {
					continue
				}
				name := r.Name
				if r.Default != "" {
					name += "=" + r.Default
				}
				if _, seen := byWhy[r.Why]; !seen {
					whys = append(whys, r.Why)
				}
				byWhy[r.Why] = append(byWhy[r.Why], name)
			}
			if len(whys) > 0 {
				b.WriteString("\nRefused:\n")
				for _, why := range whys {
					fmt.Fprintf(&b, "- %s: %s\n", strings.Join(byWhy[why], ", "), why)
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// delegationRefusals are the refusals of AccountDelegation.
func delegationRefusals() []Refusal {
	_, refused := ParamPaths(reflect.TypeFor[AccountDelegation]())
	return refused
}
