package lint

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

// Rule is one lint rule: a stable id, what it checks and where it is documented.
type Rule struct {
	ID          string
	Description string
	URL         string
	check       func(b *lang.Build, r *Rule) hcl.Diagnostics
}

// RuleID lets edges (JSON, SARIF, LSP) find a warning's rule in Diagnostic.Extra.
func (r *Rule) RuleID() string { return r.ID }

// Rules lists every rule in the order they run.
var Rules []*Rule

// Run applies every rule to a checked build.
func Run(b *lang.Build) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range Rules {
		diags = append(diags, r.check(b, r)...)
	}
	return diags
}
