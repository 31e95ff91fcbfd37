package spec

import (
	"fmt"
	"strings"
)

// A Sample is one fenced code block of a Markdown file whose info string
// starts with "hcl":
//
//	```hcl                       a build file that loads without errors or warnings
//	```hcl warning               one that loads without errors, with lint warnings
//	```hcl error                 one that fails with at least one error
//	```hcl file=PATH             another file of the samples after it, e.g. one
//	                             they include; checked for syntax and format
//	```hcl env=NAME              loaded with --env NAME (combines with the above)
//
// A ```text block right after a warning or error sample (with only blank
// lines between) is the expected output of `buildlang check` for it.
type Sample struct {
	Doc  string // the Markdown file's name
	Line int    // line of the opening fence, from 1
	Code string
	// Kind is "" for a clean build file, "warning", "error" or "file".
	Kind string
	// File is the sample's file name: the file= path, else "build.hcl".
	File string
	// Env is the environment to select, from env=.
	Env string
	// Want is the text block following a warning or error sample; "" if none.
	Want string

	end int // index of the line after the closing fence
}

func (s Sample) String() string { return fmt.Sprintf("%s:%d", s.Doc, s.Line) }

// Samples returns the hcl samples of a Markdown document, in order. It
// reports a malformed fence (unknown word in the info string, missing
// closing fence) as an error.
func Samples(doc string, md []byte) ([]Sample, error) {
	lines := strings.SplitAfter(string(md), "\n")
	var out []Sample
	for i := 0; i < len(lines); i++ {
		info, ok := strings.CutPrefix(strings.TrimRight(lines[i], "\r\n"), "```")
		if !ok {
			if strings.HasPrefix(strings.TrimSpace(lines[i]), "```hcl") {
				return nil, fmt.Errorf("%s:%d: an indented hcl code block is not checked; start its fence in the first column", doc, i+1)
			}
			continue
		}
		end := i + 1
		for end < len(lines) && strings.TrimRight(lines[end], "\r\n") != "```" {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("%s:%d: code block is not closed", doc, i+1)
		}
		code := strings.Join(lines[i+1:end], "")
		fields := strings.Fields(info)
		switch {
		case len(fields) == 0 || fields[0] != "hcl" && fields[0] != "text":
		case fields[0] == "text":
			// A text block after a sample that expects diagnostics.
			if n := len(out); n > 0 && (out[n-1].Kind == "error" || out[n-1].Kind == "warning") && out[n-1].Want == "" && onlyBlank(lines, out[n-1].end, i) {
				out[n-1].Want = code
			}
		default:
			s := Sample{Doc: doc, Line: i + 1, Code: code, File: "build.hcl"}
			for _, f := range fields[1:] {
				switch k, v, _ := strings.Cut(f, "="); k {
				case "error", "warning":
					s.Kind = k
				case "file":
					s.Kind, s.File = "file", v
				case "env":
					s.Env = v
				default:
					return nil, fmt.Errorf("%s:%d: unknown word %q after ```hcl; use error, warning, file=PATH or env=NAME", doc, i+1, f)
				}
			}
			s.end = end + 1
			out = append(out, s)
		}
		i = end
	}
	return out, nil
}

func onlyBlank(lines []string, from, to int) bool {
	for _, l := range lines[from:to] {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	return true
}
