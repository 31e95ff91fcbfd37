// Package convertcorpus reads the conversion corpus of e2e/testdata/convert:
// Dockerfiles with their context files, built both ways by the e2e suite
// (e2e/convert_test.go) and timed by hack/bench-convert.
package convertcorpus

import (
	"archive/tar"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
// it holds, each of its lines prefixed with "> " (so that the outer
// archive does not take the inner one's "-- NAME --" lines for its own).
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
				var inner strings.Builder
				for _, line := range strings.SplitAfter(string(f.Data), "\n") {
					if line == "" {
						continue
					}
					l, ok := strings.CutPrefix(line, "> ")
					if !ok && strings.TrimSpace(line) != ">" {
						return nil, fmt.Errorf("%s: line %q of %s does not start with \"> \"", p, line, f.Name)
					}
					if !ok {
						l = "\n"
					}
					inner.WriteString(l)
				}
				data, err := tarOf(txtar.Parse([]byte(inner.String())))
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
// A file NAME.xattrs is not an entry: its lines "KEY=HEX" are extended
// attributes of NAME (e.g. security.capability, as setcap writes it), and
// a line "mode=0755" its mode.
func tarOf(a *txtar.Archive) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	attrs := map[string]map[string]string{}
	for _, f := range a.Files {
		name, ok := strings.CutSuffix(f.Name, ".xattrs")
		if !ok {
			continue
		}
		attrs[name] = map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			k, v, _ := strings.Cut(line, "=")
			attrs[name][k] = v
		}
	}
	for _, f := range a.Files {
		if strings.HasSuffix(f.Name, ".xattrs") {
			continue
		}
		h := &tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), ModTime: time.Unix(1700000000, 0), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		for k, v := range attrs[f.Name] {
			if k == "mode" {
				m, err := strconv.ParseInt(v, 8, 64)
				if err != nil {
					return nil, fmt.Errorf("%s.xattrs: mode %q: %v", f.Name, v, err)
				}
				h.Mode = m
				continue
			}
			val, err := hex.DecodeString(v)
			if err != nil {
				return nil, fmt.Errorf("%s.xattrs: %s: %v", f.Name, k, err)
			}
			if h.PAXRecords == nil {
				h.PAXRecords = map[string]string{}
			}
			h.PAXRecords["SCHILY.xattr."+k] = string(val)
		}
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
	if len(a.Files) == 0 {
		return nil, fmt.Errorf("a .tar file of the corpus holds no files")
	}
	return buf.Bytes(), nil
}
