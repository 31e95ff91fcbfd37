package lsp

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp/internal/protocol"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the expectations in testdata/*.txtar")

// TestProtocol runs the cases in testdata/*.txtar. Each archive holds build
// files, with cursor markers «NAME» («^» when there is one cursor), and
// sections named after requests ("hover", "completion @b", "rename @x
// NEWNAME", ...) holding the expected result in a readable form. Every
// file is written to a temporary directory and opened in the server,
// except those under disk/, which the server reads from disk only. An
// "options" section configures the server (caseOptions).
// Run with -update to rewrite the expectations; read every change.
func TestProtocol(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runCase(t, file)
		})
	}
}

// marker is a cursor position in a file.
type marker struct {
	file string
	off  int
}

// tcase is one running archive.
type tcase struct {
	t       *testing.T
	c       *client
	dir     string
	texts   map[string]string // by relative name, markers removed
	markers map[string]marker
	opened  []string
}

func isSourceFile(name string) bool {
	return strings.HasSuffix(name, ".hcl") || strings.Contains(name, "/")
}

func runCase(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tc := &tcase{t: t, dir: t.TempDir(), texts: map[string]string{}, markers: map[string]marker{}}
	for _, f := range ar.Files {
		if !isSourceFile(f.Name) {
			continue
		}
		text := string(f.Data)
		for {
			i := strings.Index(text, "«")
			if i < 0 {
				break
			}
			j := strings.Index(text[i:], "»")
			name := text[i+len("«") : i+j]
			tc.markers[name] = marker{f.Name, i}
			text = text[:i] + text[i+j+len("»"):]
		}
		tc.texts[f.Name] = text
		p := filepath.Join(tc.dir, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tc.c = startServer(t, caseOptions(t, ar))
	for _, f := range ar.Files {
		if isSourceFile(f.Name) && !strings.HasPrefix(f.Name, "disk/") {
			tc.c.open(tc.uri(f.Name), tc.texts[f.Name])
			tc.opened = append(tc.opened, f.Name)
		}
	}
	changed := false
	for i, f := range ar.Files {
		if isSourceFile(f.Name) || f.Name == optionsSection {
			continue
		}
		got := tc.run(f.Name)
		if got != "" && !strings.HasSuffix(got, "\n") {
			got += "\n"
		}
		if got != string(f.Data) {
			if *update {
				ar.Files[i].Data = []byte(got)
				changed = true
				continue
			}
			t.Errorf("%s: -- %s --\ngot:\n%s\nwant:\n%s", file, f.Name, got, f.Data)
		}
	}
	if changed {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// optionsSection configures the server, a line each, as the flags of
// `buildlang lsp` would:
//
//	hostenv: K=V   a host environment variable (none by default), repeatable
//	allow: G[,G]   what --allow grants, e.g. env=NAME
const optionsSection = "options"

func caseOptions(t *testing.T, ar *txtar.Archive) Options {
	opts := Options{DiagnosticsDelay: -1}
	for _, f := range ar.Files {
		if f.Name != optionsSection {
			continue
		}
		host := map[string]string{}
		opts.HostEnv = func(k string) (string, bool) { v, ok := host[k]; return v, ok }
		for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			key, val, _ := strings.Cut(line, ":")
			val = strings.TrimSpace(val)
			switch key {
			case "hostenv":
				k, v, _ := strings.Cut(val, "=")
				host[k] = v
			case "allow":
				a, err := lang.ParseAllow(strings.Split(val, ","))
				if err != nil {
					t.Fatal(err)
				}
				opts.Allow = a
			default:
				t.Fatalf("options: unknown line %q", line)
			}
		}
	}
	return opts
}

func (tc *tcase) uri(name string) protocol.DocumentURI {
	return pathURI(filepath.Join(tc.dir, filepath.FromSlash(name)))
}

func (tc *tcase) name(uri protocol.DocumentURI) string {
	rel, err := filepath.Rel(tc.dir, uriPath(uri))
	if err != nil {
		return string(uri)
	}
	return filepath.ToSlash(rel)
}

// cursor resolves a section's @marker (or the only marker).
func (tc *tcase) cursor(args []string) (string, protocol.TextDocumentPositionParams) {
	name := "^"
	var rest []string
	for _, a := range args {
		if strings.HasPrefix(a, "@") {
			name = a[1:]
		} else {
			rest = append(rest, a)
		}
	}
	m, ok := tc.markers[name]
	if !ok {
		if len(tc.opened) > 0 && name == "^" {
			m = marker{tc.opened[0], 0}
		} else {
			tc.t.Fatalf("no marker «%s»", name)
		}
	}
	mp := newMapper([]byte(tc.texts[m.file]))
	return strings.Join(rest, " "), protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: tc.uri(m.file)}, Position: mp.position(m.off)}
}

func fmtPos(p protocol.Position) string { return fmt.Sprintf("%d:%d", p.Line+1, p.Character+1) }

func fmtRange(r protocol.Range) string { return fmtPos(r.Start) + "-" + fmtPos(r.End) }

// run performs one section's request and renders the result.
func (tc *tcase) run(section string) string {
	fields := strings.Fields(section)
	req, args := fields[0], fields[1:]
	rest, pos := tc.cursor(args)
	doc := protocol.TextDocumentIdentifier{URI: pos.TextDocument.URI}
	var out strings.Builder
	switch req {
	case "diagnostics":
		var uris []protocol.DocumentURI
		for _, n := range tc.opened {
			uris = append(uris, tc.uri(n))
		}
		all := tc.c.waitDiagnostics(uris...)
		var keys []string
		for u, p := range all {
			for _, d := range p.Diagnostics {
				_ = d
			}
			keys = append(keys, string(u))
			_ = p
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := all[protocol.DocumentURI(k)]
			for _, d := range p.Diagnostics {
				sev := map[protocol.DiagnosticSeverity]string{1: "error", 2: "warning", 3: "info", 4: "hint"}[d.Severity]
				code := ""
				if d.Code != "" {
					code = " [" + d.Code + "]"
				}
				summary, detail, _ := strings.Cut(d.Message, "\n")
				fmt.Fprintf(&out, "%s:%s: %s%s: %s\n", tc.name(protocol.DocumentURI(k)), fmtRange(d.Range), sev, code, summary)
				if detail != "" {
					fmt.Fprintf(&out, "    %s\n", strings.ReplaceAll(detail, "\n", "\n    "))
				}
			}
		}
		if out.Len() == 0 {
			out.WriteString("(none)\n")
		}
	case "completion":
		var list protocol.CompletionList
		tc.c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: pos}, &list)
		for _, it := range list.Items {
			line := it.Label
			if it.Detail != "" {
				line += "  — " + it.Detail
			}
			if it.InsertText != "" && it.InsertText != it.Label {
				line += "  ⇒ " + strings.ReplaceAll(it.InsertText, "\n", "⏎")
			}
			out.WriteString(line + "\n")
		}
		if len(list.Items) == 0 {
			out.WriteString("(none)\n")
		}
	case "hover":
		var h *protocol.Hover
		tc.c.call("textDocument/hover", pos, &h)
		if h == nil {
			out.WriteString("(none)\n")
			break
		}
		out.WriteString(h.Contents.Value + "\n")
		if h.Range != nil {
			fmt.Fprintf(&out, "@ %s\n", fmtRange(*h.Range))
		}
	case "definition", "references":
		var locs []protocol.Location
		if req == "definition" {
			tc.c.call("textDocument/definition", pos, &locs)
		} else {
			p := protocol.ReferenceParams{TextDocumentPositionParams: pos}
			p.Context.IncludeDeclaration = rest != "nodecl"
			tc.c.call("textDocument/references", p, &locs)
		}
		for _, l := range locs {
			n := tc.name(l.URI)
			text := tc.texts[n]
			if text == "" {
				b, _ := os.ReadFile(uriPath(l.URI))
				text = string(b)
			}
			line := strings.Split(text, "\n")[l.Range.Start.Line]
			fmt.Fprintf(&out, "%s:%s: %s\n", n, fmtRange(l.Range), strings.TrimSpace(line))
		}
		if len(locs) == 0 {
			out.WriteString("(none)\n")
		}
	case "prepare_rename", "rename":
		if req == "prepare_rename" {
			var r *protocol.PrepareRenameResult
			if err := tc.c.tryCall("textDocument/prepareRename", pos, &r); err != nil {
				return "error: " + err.Error() + "\n"
			}
			return fmt.Sprintf("%s %q\n", fmtRange(r.Range), r.Placeholder)
		}
		var edit protocol.WorkspaceEdit
		if err := tc.c.tryCall("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: pos, NewName: rest}, &edit); err != nil {
			return "error: " + err.Error() + "\n"
		}
		tc.writeEdits(&out, edit)
	case "symbols":
		var syms []protocol.DocumentSymbol
		tc.c.call("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: doc}, &syms)
		var walk func(ss []protocol.DocumentSymbol, indent string)
		walk = func(ss []protocol.DocumentSymbol, indent string) {
			for _, s := range ss {
				fmt.Fprintf(&out, "%s%s (%s) %s sel %s\n", indent, s.Name, strings.TrimSpace(s.Detail+" "+symbolKindName(s.Kind)), fmtRange(s.Range), fmtRange(s.SelectionRange))
				walk(s.Children, indent+"  ")
			}
		}
		walk(syms, "")
	case "formatting":
		var edits []protocol.TextEdit
		tc.c.call("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: doc}, &edits)
		if len(edits) == 0 {
			out.WriteString("(no changes)\n")
			break
		}
		out.WriteString(applyEdits(tc.texts[tc.name(doc.URI)], edits))
	case "semantic_tokens":
		var st protocol.SemanticTokens
		tc.c.call("textDocument/semanticTokens/full", protocol.SemanticTokensParams{TextDocument: doc}, &st)
		text := tc.texts[tc.name(doc.URI)]
		m := newMapper([]byte(text))
		var line, char uint32
		for i := 0; i+4 < len(st.Data); i += 5 {
			d := st.Data[i : i+5]
			if d[0] > 0 {
				line, char = line+d[0], d[1]
			} else {
				char += d[1]
			}
			start, _ := m.offset(protocol.Position{Line: line, Character: char})
			end, _ := m.offset(protocol.Position{Line: line, Character: char + d[2]})
			typ := semanticLegend.TokenTypes[d[3]]
			for j, mod := range semanticLegend.TokenModifiers {
				if d[4]&(1<<j) != 0 {
					typ += "." + mod
				}
			}
			fmt.Fprintf(&out, "%d:%d %s %q\n", line+1, char+1, typ, text[start:end])
		}
	case "code_action":
		var actions []protocol.CodeAction
		tc.c.waitDiagnostics(doc.URI)
		tc.c.call("textDocument/codeAction", protocol.CodeActionParams{TextDocument: doc,
			Range: protocol.Range{Start: pos.Position, End: pos.Position}}, &actions)
		for _, a := range actions {
			fmt.Fprintf(&out, "== %s (%s) ==\n", a.Title, a.Kind)
			if a.Edit != nil {
				tc.writeEdits(&out, *a.Edit)
			}
		}
		if len(actions) == 0 {
			out.WriteString("(none)\n")
		}
	case "folding":
		var frs []protocol.FoldingRange
		tc.c.call("textDocument/foldingRange", protocol.FoldingRangeParams{TextDocument: doc}, &frs)
		lines := strings.Split(tc.texts[tc.name(doc.URI)], "\n")
		for _, r := range frs {
			fmt.Fprintf(&out, "%d-%d %s: %s\n", r.StartLine+1, r.EndLine+1, r.Kind, strings.TrimSpace(lines[r.StartLine]))
		}
	case "inlay_hints":
		var hints []protocol.InlayHint
		text := tc.texts[tc.name(doc.URI)]
		m := newMapper([]byte(text))
		tc.c.call("textDocument/inlayHint", protocol.InlayHintParams{TextDocument: doc,
			Range: protocol.Range{End: m.position(len(text))}}, &hints)
		var edits []protocol.TextEdit
		for _, h := range hints {
			edits = append(edits, protocol.TextEdit{Range: protocol.Range{Start: h.Position, End: h.Position}, NewText: "⟨" + h.Label + "⟩"})
		}
		out.WriteString(applyEdits(text, edits))
	case "signature_help":
		var sh *protocol.SignatureHelp
		tc.c.call("textDocument/signatureHelp", protocol.SignatureHelpParams{TextDocumentPositionParams: pos}, &sh)
		if sh == nil {
			out.WriteString("(none)\n")
			break
		}
		for _, s := range sh.Signatures {
			out.WriteString(s.Label + "\n")
			for i, p := range s.Parameters {
				mark := " "
				if uint32(i) == sh.ActiveParameter {
					mark = "*"
				}
				label := []rune(s.Label) // ASCII signatures: runes are UTF-16 units
				fmt.Fprintf(&out, "%s %s\n", mark, string(label[p.Label[0]:p.Label[1]]))
			}
		}
	case "code_lens", "links", "workspace_symbols", "selection_range", "range_formatting", "configure":
		tc.runWorkspace(req, args, pos, &out)
	default:
		tc.t.Fatalf("unknown request section %q", section)
	}
	return out.String()
}

// writeEdits renders a workspace edit as the edited files.
func (tc *tcase) writeEdits(out *strings.Builder, edit protocol.WorkspaceEdit) {
	var uris []string
	for u := range edit.Changes {
		uris = append(uris, string(u))
	}
	sort.Strings(uris)
	for _, u := range uris {
		n := tc.name(protocol.DocumentURI(u))
		text, ok := tc.texts[n]
		if !ok {
			b, _ := os.ReadFile(uriPath(protocol.DocumentURI(u)))
			text = string(b)
		}
		fmt.Fprintf(out, "--- %s\n%s", n, applyEdits(text, edit.Changes[protocol.DocumentURI(u)]))
	}
}

// applyEdits applies non-overlapping edits to text.
func applyEdits(text string, edits []protocol.TextEdit) string {
	m := newMapper([]byte(text))
	type e struct {
		start, end int
		text       string
	}
	var es []e
	for _, ed := range edits {
		s, _ := m.offset(ed.Range.Start)
		en, _ := m.offset(ed.Range.End)
		es = append(es, e{s, en, ed.NewText})
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].start < es[j].start })
	var b bytes.Buffer
	last := 0
	for _, x := range es {
		b.WriteString(text[last:x.start])
		b.WriteString(x.text)
		last = x.end
	}
	b.WriteString(text[last:])
	return b.String()
}

func symbolKindName(k protocol.SymbolKind) string {
	names := map[protocol.SymbolKind]string{
		protocol.SymbolFile: "File", protocol.SymbolModule: "Module", protocol.SymbolNamespace: "Namespace",
		protocol.SymbolPackage: "Package", protocol.SymbolClass: "Class", protocol.SymbolMethod: "Method",
		protocol.SymbolFunction: "Function", protocol.SymbolVariable: "Variable", protocol.SymbolConstant: "Constant",
		protocol.SymbolKey: "Key", protocol.SymbolStruct: "Struct", protocol.SymbolEvent: "Event", protocol.SymbolObject: "Object",
	}
	if n, ok := names[k]; ok {
		return n
	}
	return fmt.Sprint(int(k))
}
