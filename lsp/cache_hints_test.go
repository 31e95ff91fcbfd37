package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/org/buildlang/records"
)

// The last build's cache state of each step shows at the end of its first
// line, with the cause why gives, read from the state directory.
func TestCacheHints(t *testing.T) {
	dir := t.TempDir()
	src := `target "app" {
  from = "busybox"
  run {
    command = "make"
  }
  run {
    command = "make test"
  }
}
`
	path := filepath.Join(dir, "build.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	store := records.Open(filepath.Join(dir, records.StateDir))
	mk := func(at time.Time, self, status string) *records.Record {
		r := &records.Record{ID: records.NewID(at), Target: "app", Platform: "linux/amd64"}
		r.Steps = []*records.Step{
			{Name: "[app linux/amd64 1/3] FROM busybox", Position: "[app linux/amd64 1", File: "build.hcl", Line: 2, Key: "a", Self: "a", Status: records.StatusCached},
			{Name: "[app linux/amd64 2/3] RUN make", Position: "[app linux/amd64 2", File: "build.hcl", Line: 3, Key: "b" + self, Self: "b" + self, Inputs: []int{0}, Status: status},
			{Name: "[app linux/amd64 3/3] RUN make test", Position: "[app linux/amd64 3", File: "build.hcl", Line: 6, Key: "c" + self, Self: "c", Inputs: []int{1}, Status: status},
		}
		return r
	}
	now := time.Now()
	for _, r := range []*records.Record{mk(now, "1", records.StatusRan), mk(now.Add(time.Second), "2", records.StatusRan)} {
		if err := store.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	c := startServer(t, Options{DiagnosticsDelay: -1})
	uri := pathURI(path)
	c.open(uri, src)
	var hints []protocol.InlayHint
	m := newMapper([]byte(src))
	c.call("textDocument/inlayHint", protocol.InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Range: protocol.Range{End: m.position(len(src))}}, &hints)
	var got []string
	for _, h := range hints {
		got = append(got, strings.TrimSpace(strings.Split(src, "\n")[h.Position.Line])+" ⟨"+h.Label+"⟩")
	}
	want := []string{
		`from = "busybox" ⟨cached⟩`,
		`run { ⟨re-ran: the command text changed⟩`,
		`run { ⟨re-ran: builds on a step that re-ran⟩`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hints:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
