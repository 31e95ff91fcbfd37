// Package corpus is the hostile input corpus of issue #7: build files that
// try to crash, hang or exhaust buildlang. It is the committed seeds in
// lang/testdata/bad (small, hand-written: one file per case, or a txtar
// archive for cases of several files) and the big ones generated here at
// test time, so the repository stays small: files of 10 MB, nesting
// 10,000 deep, a quarter of a million tokens, binary garbage, and every
// example truncated at several points. Generation is deterministic.
//
// A seed's first lines may say what it must produce:
//
//	# want: TEXT
//	# valid
//
// meaning some diagnostic's "Summary: Detail" contains TEXT, and that the
// case must load without errors (an input that used to be exponential,
// now linear). A seed must give at least one diagnostic unless valid. In a txtar
// archive the lines are its comment. Each case must, from check, compile,
// the frontend's path and the language server, produce diagnostics with
// valid ranges in bounded time and memory; see trust/corpus_test.go.
package corpus

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/tools/txtar"
)

// Case is one input: build files by name, the one to load, and what the
// diagnostics must contain.
type Case struct {
	Name  string
	Files map[string][]byte
	Entry string
	// Want are texts some diagnostic's "Summary: Detail" must contain.
	Want []string
	// WantError says the case must produce at least one error.
	WantError bool
	// Valid says the case must load without errors (a file just under a
	// limit), so compile is exercised on it.
	Valid bool
}

// Root is the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SeedDir is where the committed seeds are.
func SeedDir() string { return filepath.Join(Root(), "lang", "testdata", "bad") }

// All returns the seeds and the generated cases, seeds first, each sorted
// by name.
func All() ([]*Case, error) {
	seeds, err := Seeds()
	if err != nil {
		return nil, err
	}
	gen, err := Generated()
	if err != nil {
		return nil, err
	}
	return append(seeds, gen...), nil
}

// Seeds reads lang/testdata/bad.
func Seeds() ([]*Case, error) {
	paths, err := filepath.Glob(filepath.Join(SeedDir(), "*"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var out []*Case
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(p)
		c := &Case{Name: name, Files: map[string][]byte{}}
		header := data
		if strings.HasSuffix(name, ".txtar") {
			ar := txtar.Parse(data)
			header = ar.Comment
			for _, f := range ar.Files {
				c.Files[f.Name] = f.Data
				if c.Entry == "" {
					c.Entry = f.Name
				}
			}
		} else {
			c.Entry = "build.hcl"
			c.Files["build.hcl"] = data
		}
		c.Want, c.Valid = wants(header)
		out = append(out, c)
	}
	return out, nil
}

// wants reads a seed's header: "# want: TEXT" lines, and "# valid" for
// a case that must load without errors.
func wants(header []byte) (out []string, valid bool) {
	for _, line := range strings.Split(string(header), "\n") {
		if w, ok := strings.CutPrefix(line, "# want: "); ok {
			out = append(out, strings.TrimSpace(w))
		} else if strings.TrimSpace(line) == "# valid" {
			valid = true
		} else if strings.TrimSpace(line) != "" {
			break
		}
	}
	return out, valid
}

func one(name string, data []byte, want ...string) *Case {
	return &Case{Name: "gen/" + name, Files: map[string][]byte{"build.hcl": data}, Entry: "build.hcl", Want: want}
}

// Generated makes the big and systematic cases.
func Generated() ([]*Case, error) {
	var out []*Case
	add := func(c ...*Case) { out = append(out, c...) }

	tr, err := truncations()
	if err != nil {
		return nil, err
	}
	add(tr...)
	add(garbage()...)
	add(bigFiles()...)
	add(nesting()...)
	add(scale()...)
	return out, nil
}

// truncations cuts every example's build.hcl inside a block at eight
// points: each cut leaves an unclosed block, an unterminated string or a
// half-written expression.
func truncations() ([]*Case, error) {
	mains, err := filepath.Glob(filepath.Join(Root(), "examples", "*", "build.hcl"))
	if err != nil {
		return nil, err
	}
	sort.Strings(mains)
	var out []*Case
	for _, m := range mains {
		data, err := os.ReadFile(m)
		if err != nil {
			return nil, err
		}
		ex := filepath.Base(filepath.Dir(m))
		for k := 1; k <= 8; k++ {
			at := len(data) * k / 9
			// Move into the next block's body, so the cut is never
			// between two blocks (which would leave a valid file).
			if i := bytes.Index(data[at:], []byte("{\n")); i >= 0 {
				at += i + 5
			}
			if at >= len(data) {
				at = len(data) - 3
			}
			c := one(fmt.Sprintf("truncated-%s-%d.hcl", ex, k), data[:at])
			c.WantError = true
			out = append(out, c)
		}
	}
	return out, nil
}

// garbage is random bytes, random punctuation, and random soups of HCL
// tokens, with fixed seeds.
func garbage() []*Case {
	var out []*Case
	r := rand.New(rand.NewSource(7))
	for i, n := range []int{1 << 10, 64 << 10, 1 << 20} {
		b := make([]byte, n)
		r.Read(b)
		c := one(fmt.Sprintf("random-bytes-%d.hcl", i), b)
		c.WantError = true
		out = append(out, c)
	}
	const punct = "{}[]()\"$%<>=!?:.,*+-/#\n\t \\~&|'`@^;"
	for i, n := range []int{64 << 10, 1 << 20} {
		b := make([]byte, n)
		for j := range b {
			b[j] = punct[r.Intn(len(punct))]
		}
		c := one(fmt.Sprintf("random-punctuation-%d.hcl", i), b)
		c.WantError = true
		out = append(out, c)
	}
	pieces := []string{"target", "\"x\"", "{", "}", "[", "]", "(", ")", "=", "\n", "${", "%{", "<<EOT\n", "EOT\n",
		"var.", "local.", "for", "in", ":", "if", "...", "1e9", "range(", "setproduct(", ",", "matrix", "inherits",
		"run", "copy", "\"..\"", "-", "!", "?", "#", "/*", "*/", "é", "\xff", "\x00"}
	for i, n := range []int{2000, 20000, 100000} {
		var b strings.Builder
		for range n {
			b.WriteString(pieces[r.Intn(len(pieces))])
			b.WriteByte(' ')
		}
		c := one(fmt.Sprintf("random-tokens-%d.hcl", i), []byte(b.String()))
		c.WantError = true
		out = append(out, c)
	}
	return out
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

// bigFiles cross the size and token limits, or come close to them.
func bigFiles() []*Case {
	var out []*Case
	out = append(out,
		one("10MB-comment.hcl", []byte("# "+repeat("x", 10<<20)+"\n"), "Too many bytes"),
		one("4MiB-plus-one.hcl", []byte("# "+repeat("y", 4<<20-1)+"\n"), "Too many bytes"),
		one("600k-lines.hcl", []byte(repeat("a = 1\n", 600_000)), "Too many tokens"),
		one("million-brackets.hcl", []byte("x = "+repeat("[", 4<<20-10)), "Nesting too deep"),
		one("million-closers.hcl", []byte(repeat("]", 4<<20-10)), "Too many tokens"),
		one("4MB-broken-utf8.hcl", bytes.Repeat([]byte{0xff}, 4<<20-10), "Invalid UTF-8"),
		one("4MB-dollars-in-string.hcl", []byte("x = \""+repeat("$", 4<<20-10)+"\"\n"), "Text too long"),
		one("heredoc-300k-lines.hcl", []byte("x = <<EOT\n"+repeat("line\n", 300_000)+"EOT\n"), "Text too long"),
		one("4MB-of-tokens.hcl", []byte(repeat("a ", 2<<20-10)), "Too many tokens"),
		one("long-list-300k.hcl", []byte("locals {\n  l = ["+repeat("1,", 150_000)+"]\n}\n"), "Too many tokens"),
		one("long-identifier.hcl", []byte(repeat("a", 3<<20)+" = 1\n"), "Unsupported argument"),
		one("digits-2000.hcl", []byte("x = "+repeat("7", 2000)+"\n"), "Number too long"),
		one("digits-in-heredoc.hcl", []byte("x = <<EOT\n"+repeat("1", 5000)+"\nEOT\n"), "Number too long"),
	)
	// Just under the limits: these must load, and compile.
	big := one("3MB-command.hcl", []byte("target \"app\" {\n  from = \"alpine:3.20\"\n  run {\n    command = \"echo "+repeat("z", 3<<20)+"\"\n  }\n}\n"))
	big.Valid = true
	list := one("list-200k-tokens.hcl", []byte("locals {\n  l = ["+repeat("1,", 99_000)+"]\n}\ntarget \"app\" {\n  from = \"alpine:3.20\"\n  args = { N = \"${length(local.l)}\" }\n}\n"))
	list.Valid = true
	heredocFile := func(lines, width int) []byte {
		return []byte("target \"app\" {\n  from = \"alpine:3.20\"\n  file {\n    path    = \"/big\"\n    content = <<EOT\n" + repeat(repeat("q", width-1)+"\n", lines) + "EOT\n  }\n}\n")
	}
	heredoc := one("heredoc-2000-lines.hcl", heredocFile(2000, 64))
	heredoc.Valid = true
	out = append(out, big, list, heredoc,
		one("heredoc-3MB.hcl", heredocFile(30_000, 100), "Text too long"),
		one("dollars-1MB.hcl", []byte("x = \""+repeat("$a", 100_000)+"\"\n"), "Text too long"))
	return out
}

// nester makes an expression nested n levels of one kind.
type nester struct {
	name string
	// perLevel is how much one level counts toward Limits.MaxNesting.
	perLevel int
	make     func(n int) string
}

var nesters = []nester{
	{"brackets", 1, func(n int) string { return repeat("[", n) + "1" + repeat("]", n) }},
	{"parentheses", 1, func(n int) string { return repeat("(", n) + "1" + repeat(")", n) }},
	{"objects", 1, func(n int) string { return repeat("{a = ", n) + "1" + repeat("}", n) }},
	{"templates", 2, func(n int) string { return repeat("\"${", n) + "1" + repeat("}\"", n) }},
	{"template-ifs", 1, func(n int) string { return "\"" + repeat("%{if true}", n) + "x" + repeat("%{endif}", n) + "\"" }},
	{"template-fors", 1, func(n int) string { return "\"" + repeat("%{for x in [1]}", n) + "x" + repeat("%{endfor}", n) + "\"" }},
	{"heredocs", 2, func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "<<E%d\n${", i)
		}
		b.WriteString("1")
		for i := n - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "}\nE%d\n", i)
		}
		return b.String()
	}},
	{"calls", 1, func(n int) string { return repeat("upper(", n) + "\"x\"" + repeat(")", n) }},
	{"not", 1, func(n int) string { return repeat("!", n) + "true" }},
	{"negate", 1, func(n int) string { return repeat("- ", n) + "1" }},
	{"plus-chain", 1, func(n int) string { return "1" + repeat(" + 1", n) }},
	{"and-chain", 1, func(n int) string { return "true" + repeat(" && true", n) }},
	{"ternary-chain", 2, func(n int) string { return repeat("true ? 1 : ", n) + "2" }},
	{"index-chain", 2, func(n int) string { return repeat("[", n) + "1" + repeat("]", n) + repeat("[0]", n) }},
	{"for-nesting", 2, func(n int) string { return repeat("[for x in ", n) + "[1]" + repeat(" : x]", n) }},
	{"splat-chain", 1, func(n int) string { return "[[1]]" + repeat("[*]", n) }},
}

// nesting has each kind 10,000 deep, just over the limit, and just
// under it (which must evaluate).
func nesting() []*Case {
	var out []*Case
	for _, k := range nesters {
		for _, n := range []int{10_000, 257} {
			out = append(out, one(fmt.Sprintf("nesting-%s-%d.hcl", k.name, n),
				[]byte("locals {\n  x = "+k.make(n)+"\n}\n"), "Nesting too deep"))
		}
		n := 240 / k.perLevel
		c := one(fmt.Sprintf("nesting-%s-ok-%d.hcl", k.name, n), []byte("locals {\n  x = "+k.make(n)+"\n}\n"), "Unused local value")
		c.Valid = true
		out = append(out, c)
	}
	out = append(out,
		one("nesting-blocks-10000.hcl", []byte(repeat("a {\n", 10_000)+repeat("}\n", 10_000)), "Nesting too deep"),
		one("nesting-blocks-257.hcl", []byte(repeat("a {\n", 257)+repeat("}\n", 257)), "Nesting too deep"),
	)
	return out
}

// scale has many targets, files, platforms, diagnostics and long chains.
func scale() []*Case {
	var out []*Case
	var b strings.Builder
	for i := range 10_001 {
		fmt.Fprintf(&b, "target \"t%d\" {}\n", i)
	}
	out = append(out, one("targets-10001.hcl", []byte(b.String()), "Too many targets"))

	b.Reset()
	for i := range 11 {
		fmt.Fprintf(&b, "target \"m%d\" {\n  matrix = { a = range(100), b = range(10) }\n  name = \"m%d-${matrix.a}-${matrix.b}\"\n}\n", i, i)
	}
	out = append(out, one("matrix-targets-11000.hcl", []byte(b.String()), "Too many targets"))

	// Many matrix targets each within MaxMatrix: a build stops expanding
	// at MaxTargets, whatever the targets after it hold (expanding every
	// target before counting took 2 GB on this 130 KB file).
	b.Reset()
	for i := range 1000 {
		fmt.Fprintf(&b, "target \"w%d\" {\n  matrix = { a = [0,1,2,3,4,5,6,7,8,9], b = [0,1,2,3,4,5,6,7,8,9], c = [0,1,2,3,4,5,6,7,8,9] }\n}\n", i)
	}
	out = append(out, one("matrix-targets-1000000.hcl", []byte(b.String()), "Too many targets"))

	b.Reset()
	b.WriteString("environment \"default\" {\n  platforms = [")
	for i := range 32 {
		fmt.Fprintf(&b, "\"linux/arm/v%d\", ", i%8+5)
	}
	b.WriteString("]\n}\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "target \"t%d\" {\n  from = \"alpine:3.20\"\n}\n", i)
	}
	out = append(out, one("targets-times-platforms.hcl", []byte(b.String()), "Too many outputs"))

	b.Reset()
	b.WriteString("locals {\n")
	for i := range 20_000 {
		fmt.Fprintf(&b, "  x%d = local.nope%d\n", i, i)
	}
	b.WriteString("}\n")
	many := one("20000-errors.hcl", []byte(b.String()), "Unknown local value")
	out = append(out, many)

	b.Reset()
	b.WriteString("locals {\n  l0 = 1\n")
	for i := 1; i < 20_000; i++ {
		fmt.Fprintf(&b, "  l%d = local.l%d\n", i, i-1)
	}
	b.WriteString("}\n")
	out = append(out, one("locals-chain-20000.hcl", []byte(b.String()), "Unused local value"))

	b.Reset()
	b.WriteString("target \"t0\" {\n  from = \"alpine:3.20\"\n}\n")
	for i := 1; i < 3000; i++ {
		fmt.Fprintf(&b, "target \"t%d\" {\n  from = target.t%d\n}\n", i, i-1)
	}
	b.WriteString("group \"default\" {\n  targets = [target.t2999]\n}\n")
	chain := one("target-chain-3000.hcl", []byte(b.String()))
	chain.Valid = true
	out = append(out, chain)

	b.Reset()
	b.WriteString("target \"t0\" {\n  from = \"alpine:3.20\"\n}\n")
	for i := 1; i < 3000; i++ {
		fmt.Fprintf(&b, "target \"t%d\" {\n  inherits = [target.t%d]\n}\n", i, i-1)
	}
	b.WriteString("group \"default\" {\n  targets = [target.t2999]\n}\n")
	inh := one("inherits-chain-3000.hcl", []byte(b.String()))
	inh.Valid = true
	out = append(out, inh)

	b.Reset()
	b.WriteString("target \"t\" {\n  from = \"alpine:3.20\"\n}\ngroup \"g0\" {\n  targets = [target.t]\n}\n")
	for i := 1; i < 5000; i++ {
		fmt.Fprintf(&b, "group \"g%d\" {\n  targets = [group.g%d]\n}\n", i, i-1)
	}
	groups := one("group-chain-5000.hcl", []byte(b.String()))
	groups.Valid = true
	out = append(out, groups)

	// Includes: more files than the limit, a chain, and a long cycle.
	files := map[string][]byte{}
	var inc []string
	for i := range 1001 {
		n := fmt.Sprintf("f%04d.hcl", i)
		files[n] = fmt.Appendf(nil, "locals {\n  v%d = %d\n}\n", i, i)
		inc = append(inc, fmt.Sprintf("%q", n))
	}
	files["build.hcl"] = []byte("include = [" + strings.Join(inc, ", ") + "]\n")
	out = append(out, &Case{Name: "gen/includes-1002.txtar", Files: files, Entry: "build.hcl", Want: []string{"Too many files"}})

	files = map[string][]byte{}
	for i := range 1000 {
		files[fmt.Sprintf("c%d.hcl", i)] = fmt.Appendf(nil, "include = [\"c%d.hcl\"]\n", (i+1)%1000)
	}
	out = append(out, &Case{Name: "gen/include-cycle-1000.txtar", Files: files, Entry: "c0.hcl", Want: []string{"Dependency cycle between includes"}})

	files = map[string][]byte{}
	for i := range 900 {
		files[fmt.Sprintf("d/%d.hcl", i)] = fmt.Appendf(nil, "include = [\"%d.hcl\"]\nlocals {\n  d%d = 1\n}\n", i+1, i)
	}
	files["d/900.hcl"] = []byte("locals {\n  last = 1\n}\n")
	out = append(out, &Case{Name: "gen/include-chain-900.txtar", Files: files, Entry: "d/0.hcl", Want: []string{"Unused local value"}})

	// A copy of 50,000 paths and 20,000 tags: big, valid.
	b.Reset()
	b.WriteString("target \"app\" {\n  from = \"alpine:3.20\"\n  tags = [")
	for i := range 20_000 {
		fmt.Fprintf(&b, "\"r.example.com/a:%d\", ", i)
	}
	b.WriteString("]\n  copy {\n    src  = [")
	for i := range 40_000 {
		fmt.Fprintf(&b, "\"f%d\", ", i)
	}
	b.WriteString("]\n    dest = \"/\"\n  }\n}\n")
	wide := one("wide-target.hcl", []byte(b.String()))
	wide.Valid = true
	out = append(out, wide)
	return out
}
