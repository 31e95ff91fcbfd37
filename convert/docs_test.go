package convert_test

import (
	"os"
	"strings"
	"testing"

	"github.com/org/buildlang/convert"
	"github.com/org/buildlang/internal/textdiff"
)

// TestDocs checks the before/after pairs of spec/convert.md and the
// README: each ```dockerfile block followed by an ```hcl block (with only
// prose between) must convert to exactly that block.
func TestDocs(t *testing.T) {
	for _, doc := range []string{"../spec/convert.md", "../README.md"} {
		md, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		pairs := 0
		blocks := fences(string(md))
		for i := 0; i+1 < len(blocks); i++ {
			if blocks[i].lang != "dockerfile" || blocks[i+1].lang != "hcl" {
				continue
			}
			pairs++
			out, err := convert.Dockerfiles([]convert.Input{{Name: "Dockerfile", Data: []byte(blocks[i].code)}})
			if err != nil {
				t.Fatalf("%s:%d: %v", doc, blocks[i].line, err)
			}
			if got := string(out.BuildFile); got != blocks[i+1].code {
				t.Errorf("%s:%d: the sample is not what convert writes (-doc +convert):\n%s", doc, blocks[i+1].line, textdiff.Lines(blocks[i+1].code, got))
			}
		}
		if pairs == 0 {
			t.Errorf("%s: no Dockerfile/build file pair", doc)
		}
	}
}

type fence struct {
	lang, code string
	line       int
}

func fences(md string) []fence {
	var out []fence
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		info, ok := strings.CutPrefix(lines[i], "```")
		if !ok || info == "" {
			continue
		}
		f := fence{lang: strings.Fields(info)[0], line: i + 1}
		var b strings.Builder
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			b.WriteString(lines[i] + "\n")
		}
		f.code = b.String()
		out = append(out, f)
	}
	return out
}
