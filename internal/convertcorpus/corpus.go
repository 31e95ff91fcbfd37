// Package convertcorpus reads the conversion corpus of e2e/testdata/convert:
// Dockerfiles with their context files, built both ways by the e2e suite
// (e2e/convert_test.go) and timed by hack/bench-convert.
package convertcorpus

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/tools/txtar"
)

// A Case is one NAME.txtar: a Dockerfile with the context files it reads.
// Its comment may hold "opt: KEY=VALUE" lines (frontend options for both
// builds) and "secret: id=ID,src=FILE" lines (FILE in the case's files).
// An "expected-differences" file lists the differences between the two
// images the case accepts, one a line: an imgdiff line, "  # ", the
// reason. A *.tar file is written as a tar archive of the txtar archive
// it holds.
type Case struct {
	Name     string
	Files    map[string][]byte
	Opts     []string
	Secrets  []string
	Expected map[string]string // diff line → reason
}

// Read reads every case of dir.
func Read(dir string) ([]Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			return nil, err
		}
		c := Case{Name: strings.TrimSuffix(filepath.Base(p), ".txtar"), Files: map[string][]byte{}, Expected: map[string]string{}}
		for _, line := range strings.Split(string(a.Comment), "\n") {
			line = strings.TrimSpace(line)
			if o, ok := strings.CutPrefix(line, "opt: "); ok {
				c.Opts = append(c.Opts, o)
			}
			if s, ok := strings.CutPrefix(line, "secret: "); ok {
				c.Secrets = append(c.Secrets, s)
			}
		}
		for _, f := range a.Files {
			switch {
			case f.Name == "expected-differences":
				for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
					diff, reason, ok := strings.Cut(line, "  # ")
					if !ok || strings.TrimSpace(reason) == "" {
						return nil, fmt.Errorf("%s: expected-differences line %q has no reason (DIFF  # REASON)", p, line)
					}
					c.Expected[diff] = reason
				}
			case strings.HasSuffix(f.Name, ".tar"):
				data, err := tarOf(txtar.Parse(f.Data))
				if err != nil {
					return nil, err
				}
				c.Files[f.Name] = data
			default:
				c.Files[f.Name] = f.Data
			}
		}
		if c.Files["Dockerfile"] == nil {
			return nil, fmt.Errorf("%s: a conversion case needs a Dockerfile", p)
		}
		out = append(out, c)
	}
	return out, nil
}

// Write writes the case's files under dir.
func (c Case) Write(dir string) error {
	for name, data := range c.Files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// SecretArgs are buildctl's --secret arguments for the case written in dir.
func (c Case) SecretArgs(dir string) []string {
	var args []string
	for _, s := range c.Secrets {
		args = append(args, "--secret", strings.Replace(s, "src=", "src="+dir+string(filepath.Separator), 1))
	}
	return args
}

// tarOf makes a reproducible tar archive: fixed times, root-owned, 0644.
func tarOf(a *txtar.Archive) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range a.Files {
		h := &tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), ModTime: time.Unix(1700000000, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
