package lint

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

func run(t *testing.T, src string) hcl.Diagnostics {
	t.Helper()
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatalf("does not load: %s", diags.Error())
	}
	return Run(b)
}

// findings renders findings as "line rule" lines.
func findings(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%d:%d-%d %s\n", d.Subject.Start.Line, d.Subject.Start.Column, d.Subject.End.Column, RuleOf(d).ID)
	}
	return b.String()
}

func TestSuppressionSample(t *testing.T) {
	if d := run(t, suppressionSample); len(d) > 0 {
		t.Fatalf("the documented sample gives findings:\n%s", d.Error())
	}
	// Without its comments it gives the two findings they suppress.
	var plain []string
	for _, l := range strings.Split(suppressionSample, "\n") {
		if i := strings.Index(l, "# lint:"); i >= 0 {
			l = l[:i]
		}
		plain = append(plain, l)
	}
	if got := findings(run(t, strings.Join(plain, "\n"))); got != "4:10-38 untagged-base-image\n9:10-25 latest-base-image\n" {
		t.Errorf("without suppressions:\n%s", got)
	}
}

func TestSuppressions(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"trailing comment", "target \"a\" {\n  from = \"alpine\" # lint:ignore untagged-base-image\n}\n", ""},
		{"slash comments and block comments", "target \"a\" {\n  // lint:ignore untagged-base-image\n  from = \"alpine\"\n}\ntarget \"b\" {\n  from = \"alpine\" /* lint:ignore untagged-base-image */\n}\n", ""},
		{"stacked above the line, with a reason", "variable \"V\" {\n  default = \"1\"\n}\ntarget \"a\" {\n  # lint:ignore latest-base-image,untagged-base-image we want it\n  # another comment\n  from = \"alpine\"\n}\n",
			"1:10-13 unused-variable\n5:3-65 unused-suppression\n"},
		{"the line above only", "target \"a\" {\n  # lint:ignore untagged-base-image\n\n  description = \"x\"\n  from = \"alpine\"\n}\n",
			"5:10-18 untagged-base-image\n2:3-36 unused-suppression\n"},
		{"file-wide", "# lint:file-ignore untagged-base-image\ntarget \"a\" {\n  from = \"alpine\"\n}\ntarget \"b\" {\n  from = \"busybox\"\n}\n", ""},
		{"unused file-wide", "# lint:file-ignore latest-base-image\ntarget \"a\" {\n  from = \"alpine:3.20\"\n}\n", "1:1-37 unused-suppression\n"},
		{"unknown rule", "target \"a\" {\n  from = \"alpine\" # lint:ignore untaged-base-image\n}\n", "2:10-18 untagged-base-image\n2:19-51 unused-suppression\n"},
		{"no rule", "target \"a\" {\n  # lint:ignore\n  from = \"alpine:3.20\"\n}\n", "2:3-16 unused-suppression\n"},
		{"at the end of the file", "target \"a\" {\n  from = \"alpine:3.20\"\n}\n# lint:ignore latest-base-image\n", "4:1-32 unused-suppression\n"},
		{"not a directive", "# lint: ignore untagged-base-image\n# see lint:ignore for how\ntarget \"a\" {\n  from = \"alpine\"\n}\n", "4:10-18 untagged-base-image\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := findings(run(t, tc.src)); got != tc.want {
				t.Errorf("got:\n%swant:\n%s", got, tc.want)
			}
		})
	}
}

// The fix of a literal $NAME in an env value, base.env.NAME, checks clean.
func TestLiteralVariableFix(t *testing.T) {
	for _, v := range []string{"$PATH", "$${PATH}"} {
		src := "target \"a\" {\n  from = \"golang:1.22\"\n  env  = { PATH = \"/opt/bin:" + v + "\" }\n}\n"
		diags := run(t, src)
		if len(diags) != 1 || RuleOf(diags[0]) != LiteralVariableInEnv {
			t.Fatalf("%s: %v", v, diags)
		}
		fixes := lang.DiagInfoOf(diags[0]).Fixes
		if len(fixes) != 1 {
			t.Fatalf("%s: fixes %+v", v, fixes)
		}
		f := fixes[0]
		seg := src[f.Range.Start.Byte:f.Range.End.Byte]
		i := strings.LastIndex(seg, f.Old)
		if i < 0 {
			t.Fatalf("%s: %q not in %q", v, f.Old, seg)
		}
		at := f.Range.Start.Byte + i
		fixed := src[:at] + f.New + src[at+len(f.Old):]
		if d := run(t, fixed); len(d) > 0 {
			t.Errorf("%s: fixed file\n%s\nstill gives %v", v, fixed, d)
		}
	}
}
