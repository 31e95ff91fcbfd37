package lang

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// FileSource reads build files by slash-separated name. The CLI reads the
// host filesystem, the frontend the client's dockerfile local, and the
// language server its open documents, all through this one interface so
// includes resolve the same way everywhere.
type FileSource interface {
	ReadFile(name string) ([]byte, error)
	// Glob returns the names matching a path.Match pattern, sorted.
	Glob(pattern string) ([]string, error)
}

// OSFiles reads build files from the host filesystem.
type OSFiles struct{}

// ReadFile implements FileSource.
func (OSFiles) ReadFile(name string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(name)) }

// Glob implements FileSource.
func (OSFiles) Glob(pattern string) ([]string, error) {
	m, err := filepath.Glob(filepath.FromSlash(pattern))
	for i := range m {
		m[i] = filepath.ToSlash(m[i])
	}
	return m, err
}

// FS adapts an fs.FS (for example fstest.MapFS in tests) to a FileSource.
func FS(fsys fs.FS) FileSource { return fsSource{fsys} }

type fsSource struct{ fsys fs.FS }

func (s fsSource) ReadFile(name string) ([]byte, error) { return fs.ReadFile(s.fsys, name) }
func (s fsSource) Glob(pattern string) ([]string, error) {
	return fs.Glob(s.fsys, pattern)
}

// Options select the environment and set variables for one evaluation.
type Options struct {
	// Env names the environment to select; "" selects "default" if declared.
	Env string
	// Vars set variables by name (--var, build args). Strings are parsed
	// according to each variable's type.
	Vars map[string]string
	// Set overrides targets' attributes (--set); they win over the file,
	// the environment's vars, Vars and HostEnv.
	Set []Set
	// HostEnv looks up host environment variables for variables and secrets
	// that name one explicitly with `env`. Nil means no host environment
	// (the frontend).
	HostEnv func(string) (string, bool)
	// Allow is what the user granted (--allow). A variable's env is read
	// only with Allow's consent (env=NAME); set but not granted, it is an
	// error at the attribute naming the flag (consent.go).
	Allow Allow
	// BuildPlatform is the builder's platform; defaults to linux/amd64.
	BuildPlatform ocispecs.Platform
	// Limits bound the work a file can ask for; zero fields take defaults.
	Limits Limits
	// NoLock ignores build.lock: images stay as the build files spell them
	// (`buildlang lock` resolves the tags themselves).
	NoLock bool
	// Lenient skips the evaluation of every target at load; the language
	// server uses it and evaluates on demand.
	Lenient bool
}

// Limits bound what a build file may ask for. See spec/language.md, "Limits".
type Limits struct {
	MaxFileSize  int // bytes per file
	MaxTokens    int // tokens per file
	MaxNesting   int // nesting depth of blocks and expressions
	MaxMatrix    int // combinations per matrix target
	MaxTargets   int // targets in a build, matrix instances counted
	MaxPlatforms int // platforms in one platforms list
	MaxCallDepth int // nested user function calls
	MaxIncludes  int // files in a build
	MaxEvalCost  int // evaluation budget of a build, in the units of budget.go
}

// DefaultLimits are the limits used where Options leave them zero.
var DefaultLimits = Limits{
	MaxFileSize:  4 << 20,
	MaxTokens:    250_000,
	MaxNesting:   256,
	MaxMatrix:    1000,
	MaxTargets:   10000,
	MaxPlatforms: 32,
	MaxCallDepth: 64,
	MaxIncludes:  1000,
	MaxEvalCost:  40_000_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(dst *int, v int) {
		if v > 0 {
			*dst = v
		}
	}
	set(&d.MaxFileSize, l.MaxFileSize)
	set(&d.MaxTokens, l.MaxTokens)
	set(&d.MaxNesting, l.MaxNesting)
	set(&d.MaxMatrix, l.MaxMatrix)
	set(&d.MaxTargets, l.MaxTargets)
	set(&d.MaxPlatforms, l.MaxPlatforms)
	set(&d.MaxCallDepth, l.MaxCallDepth)
	set(&d.MaxIncludes, l.MaxIncludes)
	set(&d.MaxEvalCost, l.MaxEvalCost)
	return d
}

// FileParser is implemented by a FileSource that parses the files it
// reads itself: the language server parses each version of a document
// once for all the loads that read it. ParseFile must return what Parse
// returns, and a diagnostics slice Load may append to.
type FileParser interface {
	ParseFile(src []byte, filename string) (*hcl.File, hcl.Diagnostics)
}

// Parse parses one file's source. It never fails outright: hclsyntax
// recovers, so a broken file still yields a (partial) body. A file over
// DefaultLimits' MaxTokens or MaxNesting is not parsed at all (that could
// take gigabytes, or overflow the stack): its body is empty and the one
// diagnostic says which limit it crossed, where. The syntax is
// instrumented for the evaluation budget (budget.go).
func Parse(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	return ParseAt(src, filename, hcl.InitialPos)
}

// ParseAt is Parse for src starting at start in its file: the language
// server parses a document in chunks.
func ParseAt(src []byte, filename string, start hcl.Pos) (*hcl.File, hcl.Diagnostics) {
	return parseLimited(src, filename, start, DefaultLimits)
}

// CheckSize reports whether src is within DefaultLimits' MaxTokens and
// MaxNesting, as Parse requires; nil if it is.
func CheckSize(src []byte, filename string) hcl.Diagnostics {
	return checkSize(src, filename, hcl.InitialPos, DefaultLimits)
}

func checkSize(src []byte, filename string, start hcl.Pos, limits Limits) hcl.Diagnostics {
	// Build files are UTF-8 text. HCL recovers from broken UTF-8, but its
	// positions after a broken sequence before a newline are a line off,
	// and no build file needs broken text: one clear error is better.
	if !utf8.Valid(src) {
		at := 0
		for at < len(src) {
			r, n := utf8.DecodeRune(src[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return hcl.Diagnostics{InvalidUTF8(filename, src[at], byteRange(src, filename, start, at))}
	}
	r := prescan(src, limits.MaxTokens, limits.MaxNesting)
	if r.tooMany || r.tooDeep || r.tooLong {
		return hcl.Diagnostics{limitDiagnostic(src, filename, start, r, limits)}
	}
	if at := longDigitRun(src); at >= 0 {
		return hcl.Diagnostics{DigitRunTooLong(maxNumberLen, byteRange(src, filename, start, at))}
	}
	return nil
}

func parseLimited(src []byte, filename string, start hcl.Pos, limits Limits) (*hcl.File, hcl.Diagnostics) {
	return parseCalls(src, filename, start, limits, map[string]bool{})
}

// parseCalls is parseLimited, adding the names of the functions the file
// calls to calls.
func parseCalls(src []byte, filename string, start hcl.Pos, limits Limits, calls map[string]bool) (*hcl.File, hcl.Diagnostics) {
	if diags := checkSize(src, filename, start, limits); diags != nil {
		body := &hclsyntax.Body{SrcRange: hcl.Range{Filename: filename, Start: start, End: start}, EndRange: hcl.Range{Filename: filename, Start: start, End: start}}
		return &hcl.File{Body: body, Bytes: src}, diags
	}
	var f *hcl.File
	var diags hcl.Diagnostics
	masked, _ := MaskScripts(src)
	if len(src) >= chunkedParseMin {
		f, diags = parseChunked(masked, filename, start, calls)
	} else {
		f, diags = parseWhole(masked, filename, start, calls)
	}
	f.Bytes = src // scripts are read, and snippets shown, as written
	return f, diags
}

// longDigitRun is the offset of the first run of more than maxNumberLen
// ASCII digits in src, or -1.
func longDigitRun(src []byte) int {
	run := 0
	for i, c := range src {
		if c >= '0' && c <= '9' {
			run++
			if run > maxNumberLen {
				return i - run + 1
			}
		} else {
			run = 0
		}
	}
	return -1
}

// loader reads files and their includes.
type loader struct {
	src    FileSource
	limits Limits
	budget *budget // charged by include expressions
	files  map[string]*hcl.File
	order  []string
	stack  []string // includes being loaded, for cycle detection
	bodies []*hcl.BodyContent
	calls  map[string]bool // the functions the files call
}

func (l *loader) load(name string, subject *hcl.Range) hcl.Diagnostics {
	name = path.Clean(name)
	for i, s := range l.stack {
		if s == name {
			cycle := append(append([]string(nil), l.stack[i:]...), name)
			return hcl.Diagnostics{Cycle("include", cycle, rangeOr(subject, name))}
		}
	}
	if _, done := l.files[name]; done {
		return nil // a file included twice (a diamond) loads once
	}
	if len(l.files) >= l.limits.MaxIncludes {
		return hcl.Diagnostics{LimitExceeded("files", l.limits.MaxIncludes,
			"This build loads too many files through include.", rangeOr(subject, name))}
	}
	src, err := l.src.ReadFile(name)
	if err != nil {
		return hcl.Diagnostics{CannotRead(name, err, subject)}
	}
	if len(src) > l.limits.MaxFileSize {
		// The file is in the build, empty and without its text, so its
		// error belongs to it (the language server publishes per file).
		pos := hcl.Range{Filename: name, Start: hcl.InitialPos, End: hcl.InitialPos}
		l.files[name] = &hcl.File{Body: &hclsyntax.Body{SrcRange: pos, EndRange: pos}}
		l.order = append(l.order, name)
		return hcl.Diagnostics{LimitExceeded("bytes", l.limits.MaxFileSize,
			fmt.Sprintf("%s is %d bytes long.", name, len(src)), rangeOr(subject, name))}
	}
	var file *hcl.File
	var diags hcl.Diagnostics
	if p, ok := l.src.(FileParser); ok {
		if diags = checkSize(src, name, hcl.InitialPos, l.limits); diags == nil {
			file, diags = p.ParseFile(src, name)
			if body, ok := file.Body.(*hclsyntax.Body); ok {
				for _, f := range calledFunctions(body) {
					l.calls[f] = true
				}
			}
		} else {
			file, diags = parseCalls(src, name, hcl.InitialPos, l.limits, l.calls)
		}
	} else {
		file, diags = parseCalls(src, name, hcl.InitialPos, l.limits, l.calls)
	}
	l.files[name] = file
	l.order = append(l.order, name)
	content, cdiags := bodyContent(file.Body, TopSchema)
	diags = append(diags, cdiags...)
	l.bodies = append(l.bodies, content)

	if inc := content.Attributes["include"]; inc != nil {
		l.stack = append(l.stack, name)
		diags = append(diags, l.includes(name, inc)...)
		l.stack = l.stack[:len(l.stack)-1]
	}
	return diags
}

func (l *loader) includes(from string, inc *hcl.Attribute) hcl.Diagnostics {
	var syntax hclsyntax.Node
	if x, ok := inc.Expr.(hclsyntax.Expression); ok {
		syntax = x
	}
	d := &decoder{ctx: &hcl.EvalContext{Functions: meteredFunctions(l.budget, syntax)}, what: "include"}
	patterns := d.strList(inc)
	diags := d.diags
	for i, p := range patterns {
		rng := elemRange(inc, i, len(patterns))
		if path.IsAbs(p) || strings.HasPrefix(path.Clean(p), "..") && escapesRoot(from, p) {
			diags = append(diags, InvalidValue("include", fmt.Sprintf("%q leaves the directory tree of the build files; include files by a path relative to %s that stays inside it.", p, from), rng))
			continue
		}
		full := path.Join(path.Dir(from), p)
		names := []string{full}
		if strings.ContainsAny(p, "*?[") {
			var err error
			names, err = l.src.Glob(full)
			if err != nil {
				diags = append(diags, InvalidValue("include", fmt.Sprintf("%q is not a valid glob: %s.", p, err), rng))
				continue
			}
		}
		for _, n := range names {
			diags = append(diags, l.load(n, &rng)...)
		}
	}
	return diags
}

// escapesRoot says whether p, relative to the file from, climbs above the
// directory tree the first build file's names are rooted at.
func escapesRoot(from, p string) bool {
	joined := path.Join(path.Dir(from), p)
	return joined == ".." || strings.HasPrefix(joined, "../")
}

func rangeOr(r *hcl.Range, filename string) hcl.Range {
	if r != nil {
		return *r
	}
	return hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}
}
