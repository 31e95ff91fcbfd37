package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// runWorkspace performs the sections of code lenses, document links,
// workspace symbols, selection ranges, range formatting and configuration:
//
//	code_lens               the lenses of the first open file (or @m's)
//	links                   its document links
//	workspace_symbols Q     workspace/symbol with query Q
//	selection_range @m      the selection ranges at «m», innermost first
//	range_formatting @a @b  the file formatted between «a» and «b»
//	configure JSON          sends workspace/didChangeConfiguration
func (tc *tcase) runWorkspace(req string, args []string, pos protocol.TextDocumentPositionParams, out *strings.Builder) {
	doc := protocol.TextDocumentIdentifier{URI: pos.TextDocument.URI}
	text := tc.texts[tc.name(doc.URI)]
	m := newMapper([]byte(text))
	snippet := func(r protocol.Range) string {
		s, _ := m.offset(r.Start)
		e, _ := m.offset(r.End)
		t := strings.ReplaceAll(text[s:e], "\n", "⏎")
		if len(t) > 40 {
			t = t[:18] + "…" + t[len(t)-18:]
		}
		return t
	}
	switch req {
	case "code_lens":
		var lenses []protocol.CodeLens
		tc.c.call("textDocument/codeLens", protocol.CodeLensParams{TextDocument: doc}, &lenses)
		for _, l := range lenses {
			b, _ := json.Marshal(l.Command.Arguments)
			fmt.Fprintf(out, "%s %q %s %s\n", fmtRange(l.Range), l.Command.Title, l.Command.Command,
				strings.ReplaceAll(string(b), tc.dir, "$DIR"))
		}
		if len(lenses) == 0 {
			out.WriteString("(none)\n")
		}
	case "links":
		var links []protocol.DocumentLink
		tc.c.call("textDocument/documentLink", protocol.DocumentLinkParams{TextDocument: doc}, &links)
		for _, l := range links {
			fmt.Fprintf(out, "%s %q -> %s\n", fmtRange(l.Range), snippet(l.Range), tc.name(l.Target))
		}
		if len(links) == 0 {
			out.WriteString("(none)\n")
		}
	case "workspace_symbols":
		var syms []protocol.SymbolInformation
		tc.c.call("workspace/symbol", protocol.WorkspaceSymbolParams{Query: strings.Join(args, " ")}, &syms)
		for _, s := range syms {
			fmt.Fprintf(out, "%s (%s %s) %s:%s\n", s.Name, s.ContainerName, symbolKindName(s.Kind), tc.name(s.Location.URI), fmtRange(s.Location.Range))
		}
		if len(syms) == 0 {
			out.WriteString("(none)\n")
		}
	case "selection_range":
		var rs []protocol.SelectionRange
		tc.c.call("textDocument/selectionRange", protocol.SelectionRangeParams{TextDocument: doc,
			Positions: []protocol.Position{pos.Position}}, &rs)
		for _, r := range rs {
			for sr := &r; sr != nil; sr = sr.Parent {
				fmt.Fprintf(out, "%s %q\n", fmtRange(sr.Range), snippet(sr.Range))
			}
		}
	case "range_formatting":
		var ms []marker
		for _, a := range args {
			if mk, ok := tc.markers[strings.TrimPrefix(a, "@")]; ok {
				ms = append(ms, mk)
			}
		}
		if len(ms) != 2 {
			tc.t.Fatalf("range_formatting needs two markers, got %v", args)
		}
		doc = protocol.TextDocumentIdentifier{URI: tc.uri(ms[0].file)}
		text = tc.texts[ms[0].file]
		m = newMapper([]byte(text))
		var edits []protocol.TextEdit
		tc.c.call("textDocument/rangeFormatting", protocol.DocumentRangeFormattingParams{TextDocument: doc,
			Range: protocol.Range{Start: m.position(ms[0].off), End: m.position(ms[1].off)}}, &edits)
		if len(edits) == 0 {
			out.WriteString("(no changes)\n")
			break
		}
		out.WriteString(applyEdits(text, edits))
	case "configure":
		raw := json.RawMessage(strings.Join(args, " "))
		if err := tc.c.conn.Notify(context.Background(), "workspace/didChangeConfiguration", protocol.DidChangeConfigurationParams{Settings: raw}); err != nil {
			tc.t.Fatal(err)
		}
		out.WriteString("(sent)\n")
	}
}

// TestDidChangeConfiguration checks new settings apply without a restart:
// diagnostics are published again at once, for the newly selected
// environment, and a setting left out keeps its value.
func TestDidChangeConfiguration(t *testing.T) {
	c := startServer(t, Options{DiagnosticsDelay: -1})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, `environment "prod" {
  vars = { MODE = "prod" }
}
variable "MODE" {
  default = "dev"
  validation {
    condition     = var.MODE == "dev"
    error_message = "MODE must be dev."
  }
}
target "app" {
  from = "alpine:3.20"
  env  = { MODE = var.MODE }
}
`)
	messages := func() []string {
		var out []string
		for _, d := range c.waitDiagnostics(uri)[uri].Diagnostics {
			out = append(out, d.Message)
		}
		return out
	}
	// With no environment selected, every environment is checked, so
	// prod's failing validation is published, saying where it happens.
	const only = `only in environment "prod"`
	if got := strings.Join(messages(), "\n"); !strings.Contains(got, "MODE must be dev") || !strings.Contains(got, only) {
		t.Fatalf("no environment selected: got %q, want prod's validation error, noted as %s", got, only)
	}
	count := func() int { c.mu.Lock(); defer c.mu.Unlock(); return c.count[uri] }
	for _, step := range []struct {
		settings string
		wantErr  bool
		wantNote bool // the error says it happens only in prod
	}{
		{`{"buildlang": {"env": "prod"}}`, true, false},
		{`{"vars": {"MODE": "dev"}}`, false, false}, // bare settings; env stays prod, the var overrides it
		{`{"buildlang": {"env": "", "vars": {}}}`, true, true},
	} {
		before := count()
		if err := c.conn.Notify(context.Background(), "workspace/didChangeConfiguration",
			map[string]json.RawMessage{"settings": json.RawMessage(step.settings)}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return count() > before })
		got := strings.Join(messages(), "\n")
		if hasErr := strings.Contains(got, "MODE must be dev"); hasErr != step.wantErr {
			t.Errorf("after %s: diagnostics %q, want the validation error: %v", step.settings, got, step.wantErr)
		}
		if note := strings.Contains(got, only); step.wantErr && note != step.wantNote {
			t.Errorf("after %s: diagnostics %q, want the note %s: %v", step.settings, got, only, step.wantNote)
		}
	}
}
