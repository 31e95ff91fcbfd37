package lang

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/org/buildlang/internal/gen"
)

// scriptStartRE is what nextScript matches, as a regular expression.
var scriptStartRE = regexp.MustCompile(`(?m)^[ \t]*script[ \t]*=[ \t]*<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n`)

func TestNextScriptIsTheRegexp(t *testing.T) {
	srcs := []string{
		"script = <<EOT\necho ${x}\nEOT\n",
		"  script=<<-EOT  \r\necho\n  EOT\n",
		"\tscript\t=\t<<A-1_b\n\n",
		"x script = <<EOT\n",
		"description = \"a script\"\nscript = <<EOT\n",
		"script = <<EOT", "script = <<EOT x\n", "script = <<1A\n", "script = <<\n",
		"scripts = <<EOT\n", "script == <<EOT\n", "script = < <EOT\n",
		"script = <<EOT\nscript = <<EOS\nEOS\nEOT\n",
		"a\nscript = <<-E\nb\n script = <<F\r\nF\nE\n",
		string(gen.Targets(50)),
	}
	matched := 0
	for _, src := range srcs {
		var want, got [][2]int
		for _, m := range scriptStartRE.FindAllSubmatchIndex([]byte(src), -1) {
			want = append(want, [2]int{m[2], m[1]})
		}
		for from := 0; ; {
			marker, body, ok := nextScript([]byte(src), from)
			if !ok {
				break
			}
			start := bytes.LastIndex([]byte(src[:body]), marker)
			got = append(got, [2]int{start, body})
			from = body
		}
		matched += len(want)
		if len(want) != len(got) {
			t.Errorf("%q: matches %v, want %v", src, got, want)
			continue
		}
		for i := range want {
			if want[i] != got[i] {
				t.Errorf("%q: matches %v, want %v", src, got, want)
			}
		}
	}
	if matched < 6 {
		t.Fatalf("the regexp matched only %d times: the cases test too little", matched)
	}
}
