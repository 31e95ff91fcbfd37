package trust_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/org/buildlang/lsp"
	"github.com/org/buildlang/trust/corpus"
)

// TestOneCaseLSP opens the corpus case named by $CORPUS_CASE in the
// language server, for profiling.
func TestOneCaseLSP(t *testing.T) {
	name := os.Getenv("CORPUS_CASE")
	if name == "" {
		t.Skip("set CORPUS_CASE")
	}
	cases, _ := corpus.All()
	for _, c := range cases {
		if c.Name != name {
			continue
		}
		dir := t.TempDir()
		for n, d := range c.Files {
			p := filepath.Join(dir, filepath.FromSlash(n))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, d, 0o644)
		}
		text := strings.ToValidUTF8(string(c.Files[c.Entry]), "\uFFFD")
		uri := fileURI(filepath.Join(dir, c.Entry))
		cl := startLSP(t, lsp.Options{DiagnosticsDelay: -1})
		start := time.Now()
		cl.open(uri, text)
		d, err := cl.waitDiagnostics(uri, 0, 120*time.Second)
		t.Logf("diagnostics after %s: %d, %v", time.Since(start), len(d), err)
		for _, m := range strings.Fields(os.Getenv("CORPUS_METHODS")) {
			start := time.Now()
			var res any
			err := cl.call("textDocument/"+m, map[string]any{"textDocument": map[string]any{"uri": uri},
				"range": lspRange{lspPos{0, 0}, lspPos{1 << 20, 0}}, "position": lspPos{3, 3}}, &res)
			t.Logf("%s: %s %v", m, time.Since(start), err)
		}
		cl.shutdown()
	}
}
