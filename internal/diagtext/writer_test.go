package diagtext_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/diagtext"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/internal/textdiff"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/spec"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/tools/txtar"
)

// A source is files and the diagnostics found in them.
type source struct {
	name  string
	files map[string]*hcl.File
	diags hcl.Diagnostics
}

// sameAsHCL writes s's diagnostics through HCL's writer and ours, at
// width 0 and 80, with and without colour, and requires the same bytes.
func sameAsHCL(t *testing.T, s source) {
	t.Helper()
	for _, width := range []uint{0, 80} {
		for _, color := range []bool{false, true} {
			var want, got bytes.Buffer
			if err := hcl.NewDiagnosticTextWriter(&want, s.files, width, color).WriteDiagnostics(s.diags); err != nil {
				t.Fatal(err)
			}
			if err := diagtext.NewWriter(&got, s.files, width, color).WriteDiagnostics(s.diags); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want.Bytes(), got.Bytes()) {
				t.Errorf("%s, width %d, color %v: output differs from HCL's (-hcl +diagtext):\n%s",
					s.name, width, color, textdiff.Lines(fmt.Sprintf("%q", want.String()), fmt.Sprintf("%q", got.String())))
			}
		}
	}
}

// load is what `buildlang check` does: load, then lint.
func load(name string, fsys fstest.MapFS, files []string, opts lang.Options) source {
	b, diags := lang.Load(lang.FS(fsys), files, opts)
	diags = lint.WithRuleIDs(lint.Check(b, diags))
	s := source{name: name, diags: diags}
	if b != nil {
		s.files = b.Files
	}
	return s
}

// txtarSources loads each archive matching pattern: its .hcl sections, the
// files: and env: options as lang's check cases read them.
func txtarSources(t *testing.T, pattern string) []source {
	names, err := filepath.Glob(pattern)
	if err != nil || len(names) == 0 {
		t.Fatalf("no files match %s (%v)", pattern, err)
	}
	var out []source
	for _, path := range names {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fsys, files, opts := fstest.MapFS{}, []string(nil), lang.Options{}
		for _, f := range ar.Files {
			if f.Name == "options" {
				for _, l := range strings.Split(string(f.Data), "\n") {
					k, v, _ := strings.Cut(l, ":")
					switch v = strings.TrimSpace(v); k {
					case "files":
						files = strings.Fields(v)
					case "env":
						opts.Env = v
					}
				}
			} else if strings.HasSuffix(f.Name, ".hcl") {
				fsys[f.Name] = &fstest.MapFile{Data: f.Data}
			}
		}
		if files == nil {
			files = []string{"build.hcl"}
		}
		out = append(out, load(path, fsys, files, opts))
	}
	return out
}

func TestCheckCasesSameAsHCL(t *testing.T) {
	n := 0
	for _, s := range txtarSources(t, "../../lang/testdata/check/*.txtar") {
		n += len(s.diags)
		sameAsHCL(t, s)
	}
	if n < 100 { // a floor, so a loader gone wrong cannot pass by finding nothing
		t.Errorf("only %d diagnostics in lang's check cases", n)
	}
}

func TestGoldenExamplesSpecSameAsHCL(t *testing.T) {
	sources := txtarSources(t, "../../golden/testdata/*.txtar")
	examples, _ := filepath.Glob("../../examples/*/build.hcl")
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, load(path, fstest.MapFS{"build.hcl": {Data: src}}, []string{"build.hcl"}, lang.Options{}))
	}
	docs, _ := filepath.Glob("../../spec/*.md")
	for _, doc := range docs {
		md, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		samples, err := spec.Samples(doc, md)
		if err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{} // file= samples are files of those after them
		for _, s := range samples {
			fsys[s.File] = &fstest.MapFile{Data: []byte(s.Code)}
			if s.Kind != "file" {
				sources = append(sources, load(s.String(), fsys, []string{s.File}, lang.Options{Env: s.Env}))
			}
		}
	}
	n := 0
	for _, s := range sources {
		n += len(s.diags)
		sameAsHCL(t, s)
	}
	if len(examples) == 0 || len(docs) == 0 || n < 20 {
		t.Errorf("%d examples, %d spec documents, %d diagnostics: too few to compare", len(examples), len(docs), n)
	}
}

// Awkward files: every subject from every byte (of several lengths, some
// past the end, empty, inverted), with and without a context range, one
// without a subject, in files with tabs, wide and combining characters,
// CRLF, lone CRs, invalid UTF-8, no final newline, blank lines.
func TestAwkwardFilesSameAsHCL(t *testing.T) {
	files := map[string]string{
		"tabs.hcl":    "target \"a\" {\n\tfrom = \"alpine\"\n\n\n\targs = {\n\t\tA = \"1\"\n\t}\n}\n",
		"wide.hcl":    "target \"日本\" {\n  from = \"ａｌｐｉｎｅ\" # 👩‍👩‍👧 e\u0301\n}\nlocals {\n  x = \"é\"\n}",
		"crlf.hcl":    "target \"a\" {\r\n  from = \"alpine\"\r\n\r\n}\r\n",
		"lonecr.hcl":  "target \"a\" {\n  from = \"al\rpine\"\n}\r",
		"invalid.hcl": "target \"a\" {\n  from = \"\xff\xfe\n\"\n}\n\xc3\n",
		"eof.hcl":     "target \"a\" {}",
		"empty.hcl":   "",
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := []byte(files[name])
		f, _ := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if f == nil || f.Bytes == nil {
			f = &hcl.File{Bytes: src}
		}
		whole := hcl.Range{Filename: name, Start: at(src, 0), End: at(src, len(src))}
		diags := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "No subject", Detail: strings.Repeat("A detail long enough to be wrapped at eighty columns. ", 3)}}
		for start := 0; start <= len(src)+1; start++ {
			for _, n := range []int{0, 1, 3, 17, len(src), -2} {
				subject := hcl.Range{Filename: name, Start: at(src, start), End: at(src, start+n)}
				sev := hcl.DiagWarning
				if n%2 != 0 {
					sev = hcl.DiagError
				}
				diags = append(diags,
					&hcl.Diagnostic{Severity: sev, Summary: "Subject", Detail: "Detail.", Subject: subject.Ptr()},
					&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "In context", Subject: subject.Ptr(), Context: whole.Ptr()})
			}
		}
		sameAsHCL(t, source{name: name, files: map[string]*hcl.File{name: f}, diags: diags})
	}
	missing := hcl.Range{Filename: "missing.hcl", Start: hcl.Pos{Line: 3, Column: 1, Byte: 20}, End: hcl.Pos{Line: 3, Column: 2, Byte: 21}}
	sameAsHCL(t, source{name: "missing", diags: hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Not loaded", Subject: &missing}}})
}

// at is the position of byte i of src (i may be past its end or before
// its start; the writers print positions as they are).
func at(src []byte, i int) hcl.Pos {
	lines := bytes.Count(src[:max(0, min(i, len(src)))], []byte("\n"))
	return hcl.Pos{Line: lines + 1, Column: 1, Byte: i}
}

// Expression values: every kind of value HCL's writer names, null,
// unknown and marked ones, indexes, a variable read twice, one that does
// not resolve.
func TestExpressionValuesSameAsHCL(t *testing.T) {
	src := []byte(`x = [var.b, var.n, var.s, var.l, var.t, var.m, var.o0, var.o1, var.o2, var.st,
  var.null, var.unknown, var.marked, var.l[0], var.m["k"], var.l[var.n], var.s, var.nope, local.d, var.dyn]`)
	f, diags := hclsyntax.ParseConfig(src, "expr.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	attrs, _ := f.Body.JustAttributes()
	expr := attrs["x"].Expr
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{
			"b": cty.True, "n": cty.NumberFloatVal(1.5e12), "s": cty.StringVal("a \"q\" é"),
			"l": cty.ListVal([]cty.Value{cty.StringVal("x"), cty.StringVal("y")}),
			"t": cty.TupleVal([]cty.Value{cty.True}), "m": cty.MapVal(map[string]cty.Value{"k": cty.NumberIntVal(3)}),
			"o0": cty.EmptyObjectVal, "o1": cty.ObjectVal(map[string]cty.Value{"a": cty.True}),
			"o2": cty.ObjectVal(map[string]cty.Value{"a": cty.True, "b": cty.False}),
			"st": cty.SetValEmpty(cty.String), "null": cty.NullVal(cty.String), "unknown": cty.UnknownVal(cty.String),
			"marked": cty.StringVal("secret").Mark("sensitive"), "dyn": cty.DynamicVal,
		}),
		"local": cty.ObjectVal(map[string]cty.Value{"d": cty.ObjectVal(map[string]cty.Value{"a": cty.True, "b": cty.True, "c": cty.True})}),
	}}
	rng := expr.Range()
	s := source{name: "expr.hcl", files: map[string]*hcl.File{"expr.hcl": f}, diags: hcl.Diagnostics{
		{Severity: hcl.DiagError, Summary: "Values", Detail: "Shown with values.", Subject: &rng, Expression: expr, EvalContext: ctx},
		{Severity: hcl.DiagError, Summary: "No context", Subject: &rng, Expression: expr},
		{Severity: hcl.DiagError, Summary: "No file", Subject: &hcl.Range{Filename: "other.hcl"}, Expression: expr, EvalContext: ctx},
	}}
	sameAsHCL(t, s)
	// The case shows values at all (HCL's output is the reference).
	var out strings.Builder
	_ = diagtext.NewWriter(&out, s.files, 0, false).WriteDiagnostics(s.diags[:1])
	for _, want := range []string{"with local.d as object with 3 attributes,\n", "     var.null set to null,\n", "     var.o1 as object with 1 attribute \"a\",\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// withWarnings is the 1,000-target file with n targets after it, each
// with an untagged base (a lint warning at the file's end).
func withWarnings(n int) []byte {
	src := gen.Targets(1000)
	for i := range n {
		src = fmt.Appendf(src, "\ntarget \"w%d\" {\n  from = \"alpine\"\n}\n", i)
	}
	return src
}

// BenchmarkWriter writes the 20 warnings at the end of the 1,000-target
// file through HCL's writer and ours, in turns, and reports the ratios of
// ours to HCL's: time and bytes allocated per write.
func BenchmarkWriter(b *testing.B) {
	s := load("build.hcl", fstest.MapFS{"build.hcl": {Data: withWarnings(20)}}, []string{"build.hcl"}, lang.Options{})
	if len(s.diags) < 20 {
		b.Fatalf("%d diagnostics, want at least 20", len(s.diags))
	}
	var buf bytes.Buffer
	write := func(w hcl.DiagnosticWriter) (time.Duration, uint64) {
		buf.Reset()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		if err := w.WriteDiagnostics(s.diags); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		runtime.ReadMemStats(&m1)
		return d, m1.TotalAlloc - m0.TotalAlloc
	}
	var hclTime, ourTime time.Duration
	var hclBytes, ourBytes uint64
	for b.Loop() {
		d, n := write(hcl.NewDiagnosticTextWriter(&buf, s.files, 0, false))
		hclTime, hclBytes = hclTime+d, hclBytes+n
		d, n = write(diagtext.NewWriter(&buf, s.files, 0, false))
		ourTime, ourBytes = ourTime+d, ourBytes+n
	}
	b.ReportMetric(float64(hclTime.Microseconds())/float64(b.N)/1000, "hcl-ms/op")
	b.ReportMetric(float64(ourTime.Microseconds())/float64(b.N)/1000, "diagtext-ms/op")
	b.ReportMetric(float64(ourTime)/float64(hclTime), "time-diagtext/hcl")
	b.ReportMetric(float64(hclBytes)/float64(b.N)/(1<<20), "hcl-MB/op")
	b.ReportMetric(float64(ourBytes)/float64(b.N)/(1<<20), "diagtext-MB/op")
	b.ReportMetric(float64(ourBytes)/float64(hclBytes), "alloc-diagtext/hcl")
}
