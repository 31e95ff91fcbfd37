package trust_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp"
	"github.com/org/buildlang/trust/corpus"
)

// TestCorpusLSP opens every hostile input in the language server (a fresh
// server per case, files on disk for includes), waits for its
// diagnostics, and sends the requests an editor sends on opening a file:
// symbols, semantic tokens, folding ranges, inlay hints, and hover,
// completion and definition at three places. The server must answer all
// of them (an error response is an answer; a crash or a hang is not),
// publish the diagnostics check gives the file, with ranges inside the
// document, and exit cleanly, within corpus.SessionBound for the whole
// session (bytes and objects allocated, server and client together).
func TestCorpusLSP(t *testing.T) {
	cases, err := corpus.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			for n, d := range c.Files {
				p := filepath.Join(dir, filepath.FromSlash(n))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, d, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// Documents travel as JSON strings: valid Unicode only.
			text := strings.ToValidUTF8(string(c.Files[c.Entry]), "\uFFFD")
			uri := fileURI(filepath.Join(dir, filepath.FromSlash(c.Entry)))
			before := runtime.NumGoroutine()
			var diags []lspDiagnostic
			var derr error
			bounded(t, "language server", corpus.SessionBound, func() {
				cl := startLSP(t, lsp.Options{DiagnosticsDelay: -1})
				cl.open(uri, text)
				diags, derr = cl.waitDiagnostics(uri, 0, 60*time.Second)
				lines := strings.Split(text, "\n")
				at := []lspPos{{0, 0}, {len(lines) / 2, 3}, {len(lines) - 1, 0}}
				doc := map[string]any{"uri": uri}
				requests := []struct {
					method string
					params any
				}{
					{"textDocument/documentSymbol", map[string]any{"textDocument": doc}},
					{"textDocument/semanticTokens/full", map[string]any{"textDocument": doc}},
					{"textDocument/foldingRange", map[string]any{"textDocument": doc}},
					{"textDocument/inlayHint", map[string]any{"textDocument": doc, "range": lspRange{at[0], lspPos{len(lines), 0}}}},
				}
				for _, p := range at {
					pos := map[string]any{"textDocument": doc, "position": p}
					requests = append(requests,
						struct {
							method string
							params any
						}{"textDocument/hover", pos},
						struct {
							method string
							params any
						}{"textDocument/completion", pos},
						struct {
							method string
							params any
						}{"textDocument/definition", pos})
				}
				for _, r := range requests {
					var res json.RawMessage
					if err := cl.call(r.method, r.params, &res); err != nil && strings.Contains(err.Error(), "context deadline") {
						t.Errorf("%s: no answer: %v", r.method, err)
					}
				}
				cl.shutdown()
			})
			if derr != nil {
				t.Fatal(derr)
			}
			lineCount := strings.Count(text, "\n") + 1
			for _, d := range diags {
				r := d.Range
				if r.Start.Line < 0 || r.End.Line < r.Start.Line || r.End.Line >= lineCount+1 || r.Start.Character < 0 {
					t.Errorf("diagnostic %q at %+v outside the document's %d lines", d.Message, r, lineCount)
				}
			}
			// As many diagnostics for the file as check gives it (the
			// document is the file unless broken UTF-8 was replaced).
			if text == string(c.Files[c.Entry]) {
				_, cdiags := check(mapFS(c.Files), c.Entry, lang.Options{})
				inEntry := 0
				for _, d := range cdiags {
					if d.Subject != nil && d.Subject.Filename == c.Entry {
						inEntry++
					}
				}
				if len(diags) != inEntry {
					t.Errorf("%d diagnostics published for %s, check gives it %d", len(diags), c.Entry, inEntry)
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before+2 {
				t.Errorf("%d goroutines left after the server exited (%d before)", n, before)
			}
		})
	}
}
