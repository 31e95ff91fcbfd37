package lint_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

func load(t *testing.T, src string) *lang.Build {
	t.Helper()
	fsys := fstest.MapFS{"build.hcl": {Data: []byte(src)}}
	b, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatalf("example does not load: %s", diags.Error())
	}
	return b
}

func ruleIDs(diags hcl.Diagnostics) []string {
	var ids []string
	for _, d := range diags {
		r := lint.RuleOf(d)
		if r == nil {
			continue
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// Each rule's documented examples do what the documentation says: Bad
// triggers that rule and no other, Good triggers nothing.
func TestRuleExamples(t *testing.T) {
	for _, r := range lint.Rules {
		t.Run(r.ID, func(t *testing.T) {
			bad := lint.Run(load(t, r.Bad))
			ids := ruleIDs(bad)
			if len(ids) == 0 {
				t.Errorf("Bad example gives no finding")
			}
			for _, id := range ids {
				if id != r.ID {
					t.Errorf("Bad example also triggers %s", id)
				}
			}
			for _, d := range bad {
				if d.Severity != hcl.DiagWarning || d.Subject == nil || d.Summary == "" || !strings.HasSuffix(d.Detail, ".") {
					t.Errorf("malformed finding: %+v", d)
				}
			}
			if good := lint.Run(load(t, r.Good)); len(good) > 0 {
				t.Errorf("Good example gives findings: %s", good.Error())
			}
		})
	}
}

func TestRuleValues(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	seen := map[string]bool{}
	for _, r := range lint.Rules {
		if !kebab.MatchString(r.ID) {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		if r.URL != lint.DocURL+"#"+r.ID {
			t.Errorf("%s: URL %q", r.ID, r.URL)
		}
		if r.RuleID() != r.ID || r.Description == "" || r.Explanation == "" {
			t.Errorf("%s: incomplete rule", r.ID)
		}
	}
}

func TestDocUpToDate(t *testing.T) {
	have, err := os.ReadFile("../../spec/lint.md")
	if err != nil {
		t.Fatalf("%v; generate it with: go run ./internal/gendocs", err)
	}
	if !bytes.Equal(have, lint.Markdown()) {
		t.Fatalf("spec/lint.md is stale; regenerate it from the repository root with:\n\tgo run ./internal/gendocs")
	}
}

func TestRunNil(t *testing.T) {
	if d := lint.Run(nil); d != nil {
		t.Fatal(d)
	}
}

// Check reports another environment's problem (check evaluates every
// environment); Findings, what a build of the selected one prints, does not.
func TestCheckEveryEnvironmentFindingsSelectedOnly(t *testing.T) {
	b := load(t, `
variable "N" {
  type    = number
  default = 1
  validation {
    condition     = var.N > 0
    error_message = "N must be positive."
  }
}
environment "prod" {
  vars = { N = 0 }
}
target "app" {
  from = "alpine:3.20"
  args = { N = "${var.N}" }
}
`)
	if diags := lint.Check(b, nil); !diags.HasErrors() || !strings.Contains(diags.Error(), `only in environment "prod"`) {
		t.Errorf("Check: %v, want prod's validation error", diags)
	}
	if diags := lint.Findings(b, nil); diags.HasErrors() {
		t.Errorf("Findings: %v, want no error", diags)
	}
}
