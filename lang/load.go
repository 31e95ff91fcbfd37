package lang

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

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
	// HostEnv looks up host environment variables for variables and secrets
	// that name one explicitly with `env`. Nil means no host environment
	// (the frontend).
	HostEnv func(string) (string, bool)
	// BuildPlatform is the builder's platform; defaults to linux/amd64.
	BuildPlatform ocispecs.Platform
	// Limits bound the work a file can ask for; zero fields take defaults.
	Limits Limits
	// Lenient skips the evaluation of every target at load; the language
	// server uses it and evaluates on demand.
	Lenient bool
}

// Limits bound what a build file may ask for. See spec/language.md, "Limits".
type Limits struct {
	MaxFileSize  int // bytes per file
	MaxMatrix    int // combinations per matrix target
	MaxTargets   int // targets in a build, matrix instances counted
	MaxCallDepth int // nested user function calls
	MaxIncludes  int // files in a build
}

// DefaultLimits are the limits used where Options leave them zero.
var DefaultLimits = Limits{
	MaxFileSize:  4 << 20,
	MaxMatrix:    1000,
	MaxTargets:   10000,
	MaxCallDepth: 64,
	MaxIncludes:  1000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFileSize > 0 {
		d.MaxFileSize = l.MaxFileSize
	}
	if l.MaxMatrix > 0 {
		d.MaxMatrix = l.MaxMatrix
	}
	if l.MaxTargets > 0 {
		d.MaxTargets = l.MaxTargets
	}
	if l.MaxCallDepth > 0 {
		d.MaxCallDepth = l.MaxCallDepth
	}
	if l.MaxIncludes > 0 {
		d.MaxIncludes = l.MaxIncludes
	}
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
// recovers, so a broken file still yields a (partial) body.
func Parse(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
}

// loader reads files and their includes.
type loader struct {
	src    FileSource
	limits Limits
	files  map[string]*hcl.File
	order  []string
	stack  []string // includes being loaded, for cycle detection
	bodies []*hcl.BodyContent
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
		return hcl.Diagnostics{readError(name, err, subject)}
	}
	if len(src) > l.limits.MaxFileSize {
		return hcl.Diagnostics{LimitExceeded("bytes", l.limits.MaxFileSize,
			fmt.Sprintf("%s is %d bytes long.", name, len(src)), rangeOr(subject, name))}
	}
	parse := Parse
	if p, ok := l.src.(FileParser); ok {
		parse = p.ParseFile
	}
	file, diags := parse(src, name)
	l.files[name] = file
	l.order = append(l.order, name)
	content, cdiags := file.Body.Content(TopSchema.schema())
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
	d := &decoder{ctx: &hcl.EvalContext{Functions: pureFunctions()}, what: "include"}
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

func readError(name string, err error, subject *hcl.Range) *hcl.Diagnostic {
	detail := fmt.Sprintf("Cannot read %s: %s.", name, err)
	if errors.Is(err, fs.ErrNotExist) {
		detail = fmt.Sprintf("There is no file %s. Check the path; included paths are relative to the including file.", name)
	}
	d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read build file", Detail: detail, Subject: subject}
	return d
}

func rangeOr(r *hcl.Range, filename string) hcl.Range {
	if r != nil {
		return *r
	}
	return hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}
}
