package lsp

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The server looks for the build file that includes an open document in
// the document's directory and above, but never above the workspace: a
// document outside the workspace folders reads only its own directory.
func TestCandidatesStayInWorkspace(t *testing.T) {
	dir := t.TempDir()
	ws, outside := filepath.Join(dir, "ws"), filepath.Join(dir, "elsewhere")
	for _, d := range []string{ws, outside} {
		write(t, d, "build.hcl", "include = [\"sub/*.hcl\"]\n")
		write(t, d, "sub/x.hcl", "")
	}
	var read []string
	cfg := &config{roots: []string{ws}, readFile: func(p string) ([]byte, error) {
		read = append(read, p)
		return os.ReadFile(p)
	}}
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{filepath.Join(ws, "sub", "x.hcl"), []string{filepath.Join(ws, "build.hcl"), filepath.Join(ws, "sub", "x.hcl")}},
		{filepath.Join(outside, "sub", "x.hcl"), []string{filepath.Join(outside, "sub", "x.hcl")}},
	} {
		read = nil
		s := &snapshot{docs: map[string]*document{tc.doc: {path: tc.doc}}, cfg: cfg}
		if got := s.candidates(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: candidates %q, want %q", tc.doc, got, tc.want)
		}
		for _, p := range read {
			if rel, _ := filepath.Rel(ws, p); !filepath.IsLocal(rel) && filepath.Dir(p) != filepath.Dir(tc.doc) {
				t.Errorf("%s: read %s, outside the workspace", tc.doc, p)
			}
		}
	}
}
