// Package golden runs the compiler's golden tests: each case in testdata/
// is a txtar archive with build files, an options section and the
// expected output (a text dump of the LLB graph and the image configs).
// `go test ./golden -update` rewrites the expected sections.
package golden

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"github.com/org/buildlang/compiler/dump"
	"github.com/org/buildlang/lang"
	"golang.org/x/tools/txtar"
)

// Case is one golden case: its inputs and options.
type Case struct {
	Name    string
	Files   map[string][]byte // build files and anything they include
	Entry   []string          // files to load; default build.hcl
	Targets []string
	Plats   []ocispecs.Platform
	Env     string
	Vars    map[string]string
	// Contexts are the named contexts provided, as locals of the same name.
	Contexts []string
	// HostEnv answers host environment lookups; nil means none.
	HostEnv func(string) (string, bool)
}

// outputSections are the archive sections a run writes; all others are inputs.
func isOutput(name string) bool {
	return name == "llb" || name == "diagnostics" || strings.HasPrefix(name, "config ")
}

// Parse reads a case from a txtar archive.
func Parse(name string, a *txtar.Archive) (*Case, error) {
	c := &Case{Name: name, Files: map[string][]byte{}, Vars: map[string]string{}}
	for _, f := range a.Files {
		switch {
		case f.Name == "options":
			if err := c.parseOptions(string(f.Data)); err != nil {
				return nil, err
			}
		case !isOutput(f.Name):
			c.Files[f.Name] = f.Data
		}
	}
	if len(c.Entry) == 0 {
		c.Entry = []string{"build.hcl"}
	}
	return c, nil
}

func (c *Case) parseOptions(s string) error {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("options: %q is not key: value", line)
		}
		v = strings.TrimSpace(v)
		switch k {
		case "target":
			c.Targets = splitList(v)
		case "platform":
			for _, p := range splitList(v) {
				pl, err := platforms.Parse(p)
				if err != nil {
					return err
				}
				c.Plats = append(c.Plats, platforms.Normalize(pl))
			}
		case "env":
			c.Env = v
		case "var":
			name, val, _ := strings.Cut(v, "=")
			c.Vars[name] = val
		case "context":
			c.Contexts = append(c.Contexts, splitList(v)...)
		case "file":
			c.Entry = splitList(v)
		default:
			return fmt.Errorf("options: unknown option %q", k)
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Output is what one run of a case produced.
type Output struct {
	Build  *lang.Build
	Result *compiler.Result
	Diags  hcl.Diagnostics
	Defs   []*llb.Definition // one per Result output
}

// Run loads and compiles a case with the fixed resolver.
func (c *Case) Run(ctx context.Context) (*Output, error) {
	b, diags := c.load()
	out := &Output{Build: b, Diags: diags}
	if diags.HasErrors() {
		return out, nil
	}
	res, cdiags := compiler.Compile(ctx, b, compiler.Request{
		Targets:       c.Targets,
		Platforms:     c.Plats,
		Resolver:      &compilertest.Resolver{},
		NamedContexts: LocalContexts(c.Contexts),
	})
	out.Diags = append(out.Diags, cdiags...)
	out.Result = res
	if res == nil {
		return out, nil
	}
	for _, o := range res.Outputs {
		def, err := o.Marshal(ctx)
		if err != nil {
			return nil, fmt.Errorf("marshal %s: %w", o.Target, err)
		}
		out.Defs = append(out.Defs, def)
	}
	return out, nil
}

// load loads the case's build files.
func (c *Case) load() (*lang.Build, hcl.Diagnostics) {
	fsys := fstest.MapFS{}
	for name, data := range c.Files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return lang.Load(lang.FS(fsys), c.Entry, lang.Options{Env: c.Env, Vars: c.Vars, HostEnv: c.HostEnv})
}

// LocalContexts provides the named contexts as llb.Local sources of the
// same name, as buildctl --local NAME=DIR sends them.
func LocalContexts(names []string) compiler.NamedContextFunc {
	return func(_ context.Context, name string, _ ocispecs.Platform) (*compiler.NamedContext, error) {
		for _, n := range names {
			if n == name {
				return &compiler.NamedContext{State: llb.Local(name, llb.SharedKeyHint(name), llb.LocalUniqueID("buildlang"))}, nil
			}
		}
		return nil, nil
	}
}

// Sections renders a run's output as archive sections: the LLB dump and
// each image config, or the diagnostics.
func (o *Output) Sections() ([]txtar.File, error) {
	if o.Result == nil {
		return []txtar.File{{Name: "diagnostics", Data: []byte(FormatDiagnostics(o.Diags))}}, nil
	}
	multiTarget := map[string]bool{}
	var results []dump.Result
	for i, out := range o.Result.Outputs {
		multiTarget[out.Target] = true
		results = append(results, dump.Result{Name: out.Target + " " + platforms.FormatAll(out.Platform), Def: o.Defs[i].ToPB()})
	}
	g, err := dump.Load(results)
	if err != nil {
		return nil, err
	}
	files := []txtar.File{{Name: "llb", Data: []byte(dump.Text(g))}}
	for _, out := range o.Result.Outputs {
		name := "config " + platforms.FormatAll(out.Platform)
		if len(multiTarget) > 1 {
			name = "config " + out.Target + " " + platforms.FormatAll(out.Platform)
		}
		j, err := ConfigJSON(out)
		if err != nil {
			return nil, err
		}
		files = append(files, txtar.File{Name: name, Data: j})
	}
	if len(o.Diags) > 0 {
		files = append(files, txtar.File{Name: "diagnostics", Data: []byte(FormatDiagnostics(o.Diags))})
	}
	return files, nil
}

// ConfigJSON is an output's image config, indented, keys in a stable order.
func ConfigJSON(out *compiler.Output) ([]byte, error) { return compiler.ImageJSON(out.Image) }

// FormatDiagnostics renders diagnostics one per line, sorted by position.
func FormatDiagnostics(diags hcl.Diagnostics) string {
	var lines []string
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		at := ""
		if d.Subject != nil {
			at = fmt.Sprintf("%s:%d,%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		lines = append(lines, fmt.Sprintf("%s%s: %s: %s", at, sev, d.Summary, d.Detail))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// Render replaces an archive's output sections with a run's.
func Render(a *txtar.Archive, sections []txtar.File) []byte {
	out := &txtar.Archive{Comment: a.Comment}
	for _, f := range a.Files {
		if !isOutput(f.Name) {
			out.Files = append(out.Files, f)
		}
	}
	out.Files = append(out.Files, sections...)
	return txtar.Format(out)
}

// ReadBuildFiles reads every .hcl file under dir, by slash path relative
// to dir: an example's build files, its includes among them.
func ReadBuildFiles(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".hcl") {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	return files, err
}
