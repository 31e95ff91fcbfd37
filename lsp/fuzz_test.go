package lsp

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// fuzzPieces are the texts FuzzEdits inserts: syntax that opens and closes
// blocks, strings and templates, references, and non-ASCII text.
var fuzzPieces = []string{
	"{", "}", "\"", "${", "[", "]", "(", ")", "=", ".", ",", "\n", "#", "/*", "*/", "<<EOT\n", "EOT\n",
	"var.", "target.", "target \"x\" {\n", "run {\n", "secret \"s\" {}", "local.", "matrix.", "upper(",
	"é", "😀", "e\u0301", "\r\n", "  ", "network = \"host\"", "variable \"v\" { default = 1 }\n",
}

const fuzzSeed = `# syntax=org/buildlang
variable "GO" {
  default = "1.22"
}
secret "s" {}
target "app" {
  matrix = { os = ["linux", "windows"] }
  from   = "golang:${var.GO}"
  run {
    command = "echo é😀 ${matrix.os}"
    secret "s" {}
  }
}
`

// FuzzEdits sends random incremental edits, some at positions inside a
// surrogate pair or past the end of a line, and requests at random
// positions, through the protocol. The server must not panic, must keep
// the same text as the client, and must leave no goroutine behind after
// shutdown.
func FuzzEdits(f *testing.F) {
	f.Add(fuzzSeed, []byte{1, 2, 3, 200, 17, 99, 5, 250, 18})
	f.Add(fuzzSeed, []byte{0, 0, 0, 255, 255, 255, 128, 64, 19, 7, 7, 7})
	f.Add("", []byte{0, 0, 19, 0, 0, 20, 0, 0, 0})
	f.Add("target \"a\" {\n", []byte{13, 1, 2, 13, 1, 4, 40, 1, 21})
	panics := 0
	panicked = func(string) { panics++ }
	f.Fuzz(func(t *testing.T, text string, ops []byte) {
		if len(text) > 4096 || len(ops) > 300 {
			return
		}
		// Documents travel as JSON strings, which hold valid Unicode only.
		text = strings.ToValidUTF8(text, "\uFFFD")
		before := runtime.NumGoroutine()
		panics = 0
		c := startServer(t, Options{DiagnosticsDelay: -1})
		uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
		c.open(uri, text)
		for i := 0; i+2 < len(ops); i += 3 {
			m := newMapper([]byte(text))
			start := int(ops[i]) * (len(text) + 1) / 256
			end := start + int(ops[i+1])%8
			start, end = m.clamp(start), m.clamp(min(end, len(text)))
			piece := fuzzPieces[int(ops[i+2])%len(fuzzPieces)]
			r := protocol.Range{Start: m.position(start), End: m.position(end)}
			if ops[i+2]%17 == 0 {
				r.End.Character += 1 // maybe inside a surrogate pair, or past the line
			}
			s, _ := m.offset(r.Start)
			e, _ := m.offset(r.End)
			if e < s {
				e = s
			}
			text = text[:s] + piece + text[e:]
			c.change(uri, protocol.TextDocumentContentChangeEvent{Range: &r, Text: piece})
			pos := protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri},
				Position: newMapper([]byte(text)).position(int(ops[i+1]) * (len(text) + 1) / 256)}
			switch ops[i] % 10 {
			case 0:
				var l protocol.CompletionList
				c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: pos}, &l)
			case 1:
				var h *protocol.Hover
				c.call("textDocument/hover", pos, &h)
			case 2:
				var st protocol.SemanticTokens
				c.call("textDocument/semanticTokens/full", protocol.SemanticTokensParams{TextDocument: pos.TextDocument}, &st)
			case 3:
				var sh *protocol.SignatureHelp
				c.call("textDocument/signatureHelp", protocol.SignatureHelpParams{TextDocumentPositionParams: pos}, &sh)
			case 4:
				var syms []protocol.DocumentSymbol
				c.call("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: pos.TextDocument}, &syms)
			case 5:
				var locs []protocol.Location
				c.call("textDocument/references", protocol.ReferenceParams{TextDocumentPositionParams: pos}, &locs)
			case 6:
				var rs []protocol.SelectionRange
				c.call("textDocument/selectionRange", protocol.SelectionRangeParams{TextDocument: pos.TextDocument,
					Positions: []protocol.Position{pos.Position}}, &rs)
			case 7:
				var edits []protocol.TextEdit
				c.call("textDocument/rangeFormatting", protocol.DocumentRangeFormattingParams{TextDocument: pos.TextDocument,
					Range: protocol.Range{End: pos.Position}}, &edits)
			case 8:
				var lenses []protocol.CodeLens
				c.call("textDocument/codeLens", protocol.CodeLensParams{TextDocument: pos.TextDocument}, &lenses)
			case 9:
				var links []protocol.DocumentLink
				c.call("textDocument/documentLink", protocol.DocumentLinkParams{TextDocument: pos.TextDocument}, &links)
			}
		}
		c.waitDiagnostics(uri)
		if got := c.serverText(t, uri); got != text {
			t.Fatalf("server text differs from the client's:\n%q\n%q", got, text)
		}
		c.shutdown()
		if panics > 0 {
			t.Fatalf("%d handlers panicked", panics)
		}
		// Goroutines of the server and of both connections end with it.
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before+1 {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Fatalf("goroutines: %d before, %d after shutdown\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
			}
			time.Sleep(10 * time.Millisecond)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > 512<<20 {
			t.Fatalf("heap is %d MiB after the run", ms.HeapAlloc>>20)
		}
	})
}
