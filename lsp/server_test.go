package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
	"golang.org/x/tools/txtar"
)

// TestPanicIsReported checks a panicking handler is answered with an
// internal error and logged, and the server goes on serving.
func TestPanicIsReported(t *testing.T) {
	requests["buildlang/testPanic"] = func(context.Context, *Server, *snapshot, json.RawMessage) (any, error) {
		panic("boom")
	}
	defer delete(requests, "buildlang/testPanic")
	c := startServer(t, Options{})
	err := c.tryCall("buildlang/testPanic", nil, nil)
	var rpcErr *jsonrpc2.Error
	if !asRPCError(err, &rpcErr) || rpcErr.Code != protocol.CodeInternalError {
		t.Fatalf("got %v, want an internal error", err)
	}
	c.mu.Lock()
	logged := len(c.logs) > 0 && strings.Contains(c.logs[0].Message, "boom") && c.logs[0].Type == protocol.MessageError
	c.mu.Unlock()
	if !logged {
		t.Errorf("panic not logged: %+v", c.logs)
	}
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, `target "app" { from = "alpine" }`)
	var h *protocol.Hover
	c.call("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Position: protocol.Position{Line: 0, Character: 17}}, &h)
	if h == nil || !strings.Contains(h.Contents.Value, "from") {
		t.Errorf("hover after a panic: %+v", h)
	}
}

// TestCheckPanicIsReported checks that a panic while evaluating a target
// for diagnostics is published as an internal error, not a crash, and that
// the server goes on serving; the next version is checked as usual.
func TestCheckPanicIsReported(t *testing.T) {
	resolve := resolveTarget
	defer func() { resolveTarget = resolve }()
	resolveTarget = func(b *lang.Build, name string, p ocispecs.Platform) {
		if name == "b" {
			panic("boom")
		}
		resolve(b, name, p)
	}
	c := startServer(t, Options{DiagnosticsDelay: -1})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, "target \"a\" {\n  from = \"alpine\"\n}\ntarget \"b\" {\n  from = \"alpine\"\n}\n")
	diags := c.waitDiagnostics(uri)[uri].Diagnostics
	if len(diags) != 1 || !strings.HasPrefix(diags[0].Message, "Internal error") || !strings.Contains(diags[0].Message, "boom") {
		t.Fatalf("diagnostics %+v, want one internal error", diags)
	}
	resolveTarget = resolve
	c.change(uri, protocol.TextDocumentContentChangeEvent{Text: "target \"a\" {\n  from = \"alpine\"\n  bogus = 1\n}\n"})
	diags = c.waitDiagnostics(uri)[uri].Diagnostics
	if len(diags) != 1 || strings.Contains(diags[0].Message, "Internal error") {
		t.Fatalf("diagnostics after the fix %+v, want the build's own error", diags)
	}
}

// TestParsePanicIsReported plants a panic in the parse of a document's
// last chunk, which runs on onTwoCores' second goroutine: it is published
// as an internal error, not a crash, and the next version parses as usual.
func TestParsePanicIsReported(t *testing.T) {
	var src strings.Builder
	for i := range 12 {
		fmt.Fprintf(&src, "target \"t%d\" {\n  from = \"alpine\"\n}\n\n", i)
	}
	parse := parseChunk
	t.Cleanup(func() { parseChunk = parse }) // after the server's shutdown
	var planted atomic.Int32
	parseChunk = func(src []byte, name string, start hcl.Pos) (*hcl.File, hcl.Diagnostics) {
		if strings.Contains(string(src), `"t11"`) {
			planted.Add(1)
			panic("boom in a parse goroutine")
		}
		return parse(src, name, start)
	}
	c := startServer(t, Options{DiagnosticsDelay: -1})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, src.String())
	diags := c.waitDiagnostics(uri)[uri].Diagnostics
	if planted.Load() == 0 {
		t.Fatal("the planted panic did not run: the document was not parsed in chunks")
	}
	if len(diags) != 1 || !strings.HasPrefix(diags[0].Message, "Internal error") || !strings.Contains(diags[0].Message, "boom in a parse goroutine") {
		t.Fatalf("diagnostics %+v, want one internal error", diags)
	}
	parseChunk = parse
	c.change(uri, protocol.TextDocumentContentChangeEvent{Text: src.String() + "target \"x\" {\n  from = \"alpine\"\n  bogus = 1\n}\n"})
	diags = c.waitDiagnostics(uri)[uri].Diagnostics
	if len(diags) != 1 || strings.Contains(diags[0].Message, "Internal error") {
		t.Fatalf("diagnostics after the fix %+v, want the build's own error", diags)
	}
}

func asRPCError(err error, target **jsonrpc2.Error) bool {
	e, ok := err.(*jsonrpc2.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestIncrementalChanges edits a document with non-ASCII text through
// incremental changes and checks diagnostics follow each version.
func TestIncrementalChanges(t *testing.T) {
	c := startServer(t, Options{DiagnosticsDelay: -1})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	text := "# café 😀\ntarget \"app\" {\n  from = \"alpine:3.20\"\n  description = \"é😀\"\n  network = \"host\"\n}\n"
	c.open(uri, text)
	if d := c.waitDiagnostics(uri)[uri].Diagnostics; len(d) != 0 {
		t.Fatalf("clean file: %v", d)
	}
	// Replace "host" (line 4, after ASCII) by "hots": an error.
	c.change(uri, protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
		Start: protocol.Position{Line: 4, Character: 13}, End: protocol.Position{Line: 4, Character: 17}}, Text: "hots"})
	d := c.waitDiagnostics(uri)[uri].Diagnostics
	if len(d) != 1 || !strings.HasPrefix(d[0].Message, "Invalid network") ||
		d[0].Range != (protocol.Range{Start: protocol.Position{Line: 4, Character: 12}, End: protocol.Position{Line: 4, Character: 18}}) {
		t.Fatalf("after the change: %+v", d)
	}
	// Insert text after the emoji on line 3 (character 20 is after "é😀":
	// 17 + 1 + 2 units), then delete it again in a second change of the
	// same notification, and fix the error.
	c.change(uri,
		protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
			Start: protocol.Position{Line: 3, Character: 20}, End: protocol.Position{Line: 3, Character: 20}}, Text: "ü🎉"},
		protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
			Start: protocol.Position{Line: 4, Character: 13}, End: protocol.Position{Line: 4, Character: 17}}, Text: "none"})
	if d := c.waitDiagnostics(uri)[uri].Diagnostics; len(d) != 0 {
		t.Fatalf("after the fix: %+v", d)
	}
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &syms)
	if len(syms) != 1 || syms[0].Name != "app" {
		t.Fatalf("symbols: %+v", syms)
	}
	var h *protocol.Hover
	c.call("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Position: protocol.Position{Line: 3, Character: 4}}, &h)
	if h == nil || !strings.Contains(h.Contents.Value, "description") {
		t.Fatalf("hover: %+v", h)
	}
	// The server's copy matches the edits: formatting returns it whole.
	want := strings.Replace(strings.Replace(text, "é😀\"", "é😀ü🎉\"", 1), "host", "none", 1)
	s := c.serverText(t, uri)
	if s != want {
		t.Fatalf("server text:\n%s\nwant:\n%s", s, want)
	}
	// Closing the document clears its diagnostics.
	c.conn.Notify(context.Background(), "textDocument/didClose", protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}})
	waitFor(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		p := c.diags[uri]
		return p.Version == nil && len(p.Diagnostics) == 0
	})
}

// serverText reads back the server's copy of a document through a
// test-only method.
func (c *client) serverText(t *testing.T, uri protocol.DocumentURI) string {
	var text string
	c.call("buildlang/testText", protocol.TextDocumentIdentifier{URI: uri}, &text)
	return text
}

func init() {
	requests["buildlang/testText"] = handle(func(ctx context.Context, s *Server, snap *snapshot, p *protocol.TextDocumentIdentifier) (string, error) {
		return string(snap.docs[docPath(p.URI)].text), nil
	})
}

// TestIncludedFileFindsItsBuild opens only an included file: the server
// finds the build.hcl that includes it on disk and publishes diagnostics
// for both files.
func TestIncludedFileFindsItsBuild(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "build.hcl", "include = [\"inc/*.hcl\"]\nvariable \"V\" {\n  default = \"1\"\n}\ntarget \"app\" {\n  from = \"alpine:${var.V}\"\n  network = \"hots\"\n}\n")
	write(t, dir, "inc/common.hcl", "target \"lib\" {\n  from = target.app\n  tags = [var.V]\n}\n")
	c := startServer(t, Options{DiagnosticsDelay: -1})
	inc := pathURI(filepath.Join(dir, "inc", "common.hcl"))
	root := pathURI(filepath.Join(dir, "build.hcl"))
	c.open(inc, "target \"lib\" {\n  from = target.app\n  tags = [var.V]\n}\n")
	c.waitDiagnostics(inc)
	waitFor(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		d := c.diags[root].Diagnostics
		return len(d) == 1 && strings.HasPrefix(d[0].Message, "Invalid network")
	})
	var locs []protocol.Location
	c.call("textDocument/definition", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: inc},
		Position: protocol.Position{Line: 2, Character: 14}}, &locs)
	if len(locs) != 1 || locs[0].URI != root || locs[0].Range.Start.Line != 1 {
		t.Fatalf("definition of var.V from the included file: %+v", locs)
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiagnosticsMatchCheck opens every example build and every case of
// lang's check tests without options, and compares the published
// diagnostics with what `buildlang check` computes: a non-lenient
// lang.Load, plus lint.Run when there are no errors.
func TestDiagnosticsMatchCheck(t *testing.T) {
	roots, _ := filepath.Glob("../examples/*/build.hcl")
	cases, _ := filepath.Glob("../lang/testdata/check/*.txtar")
	for _, file := range cases {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(file), ".txtar"))
		skip := false
		for _, f := range ar.Files {
			if f.Name == "options" {
				skip = true
			}
			if f.Name != "diagnostics" {
				write(t, dir, f.Name, string(f.Data))
			}
		}
		if !skip {
			roots = append(roots, filepath.Join(dir, "build.hcl"))
		}
	}
	if len(roots) == 0 {
		t.Skip("no examples")
	}
	for _, root := range roots {
		t.Run(filepath.Base(filepath.Dir(root)), func(t *testing.T) {
			abs, _ := filepath.Abs(root)
			dir := filepath.Dir(abs)
			b, diags := lang.Load(lang.FS(os.DirFS(dir)), []string{"build.hcl"}, lang.Options{})
			diags = lint.Check(b, diags)
			var want []string
			for _, d := range diags {
				want = append(want, diagKey(dir, d))
			}
			sort.Strings(want)

			c := startServer(t, Options{DiagnosticsDelay: -1})
			src, err := os.ReadFile(abs)
			if err != nil {
				t.Fatal(err)
			}
			uri := pathURI(abs)
			c.open(uri, string(src))
			c.waitDiagnostics(uri)
			var all map[protocol.DocumentURI]protocol.PublishDiagnosticsParams
			waitFor(t, func() bool {
				c.mu.Lock()
				defer c.mu.Unlock()
				names := b.FileOrder
				if b.Lock != nil {
					names = append(names[:len(names):len(names)], b.Lock.Filename)
				}
				for _, name := range names {
					if _, ok := c.diags[pathURI(filepath.Join(dir, filepath.FromSlash(name)))]; !ok {
						return false
					}
				}
				all = maps.Clone(c.diags)
				return true
			})
			var got []string
			for u, p := range all {
				for _, d := range p.Diagnostics {
					rel, _ := filepath.Rel(dir, uriPath(u))
					summary, _, _ := strings.Cut(d.Message, "\n")
					got = append(got, filepath.ToSlash(rel)+":"+fmtPos(d.Range.Start)+": "+summary)
				}
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("server:\n%s\ncheck:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func diagKey(dir string, d *hcl.Diagnostic) string {
	name, pos := "build.hcl", "1:1"
	if d.Subject != nil {
		name = d.Subject.Filename
		src, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		pos = fmtPos(newMapper(src).position(d.Subject.Start.Byte))
	}
	return name + ":" + pos + ": " + d.Summary
}

// TestDiagnosticsDebounce checks edits coming faster than the delay are
// diagnosed once, after the delay (a lower bound on time, which load
// cannot break), and an edit after a quiet period at once.
func TestDiagnosticsDebounce(t *testing.T) {
	const delay = time.Second
	c := startServer(t, Options{DiagnosticsDelay: delay})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, "target \"app\" {\n  from = \"alpine:3.20\"\n}\n")
	c.waitDiagnostics(uri)
	start := time.Now()
	for i := 0; i < 5; i++ {
		c.change(uri, protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
			Start: protocol.Position{Line: 3}, End: protocol.Position{Line: 3}}, Text: "# more\n"})
	}
	c.waitDiagnostics(uri)
	c.mu.Lock()
	n := c.count[uri]
	c.mu.Unlock()
	if n != 2 || time.Since(start) < delay-100*time.Millisecond {
		t.Errorf("5 fast edits: %d publications in all after %v; want 1 for the open and 1 for the edits, after the delay", n, time.Since(start))
	}
}

// TestDiagnosticsAfterQuiet checks an edit after a quiet period is
// diagnosed at once. The delay is an hour and the server's clock moves
// past it instead of the test waiting: a server that waited the delay
// would leave waitDiagnostics to time out, whatever the machine's load.
func TestDiagnosticsAfterQuiet(t *testing.T) {
	var skew atomic.Int64
	restore := clock
	t.Cleanup(func() { clock = restore }) // after the server's shutdown
	clock = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	c := startServer(t, Options{DiagnosticsDelay: time.Hour})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, "target \"app\" {\n  from = \"alpine:3.20\"\n}\n")
	c.waitDiagnostics(uri) // the first edit comes after a quiet period too
	for range 2 {
		skew.Add(int64(time.Hour + time.Second))
		c.change(uri, protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
			Start: protocol.Position{Line: 3}, End: protocol.Position{Line: 3}}, Text: "# more\n"})
		c.waitDiagnostics(uri)
	}
}

// TestCompletionWhileTyping edits and asks for completion at once: the
// answer uses the new text, whether or not the edit's snapshot is loaded.
func TestCompletionWhileTyping(t *testing.T) {
	c := startServer(t, Options{})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, "variable \"GO\" {\n  default = \"1\"\n}\n\ntarget \"app\" {\n  from = \"alpine\"\n  tags = []\n}\n")
	c.waitDiagnostics(uri)
	for i, typed := range []string{"v", "a", "r", "."} {
		c.change(uri, protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{
			Start: protocol.Position{Line: 6, Character: uint32(10 + i)}, End: protocol.Position{Line: 6, Character: uint32(10 + i)}}, Text: typed})
	}
	var list protocol.CompletionList
	c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: 6, Character: 14}}}, &list)
	if len(list.Items) != 1 || list.Items[0].Label != "GO" {
		t.Fatalf("completion after typing var.: %+v", list.Items)
	}
}

// TestOptions checks --env and --var reach the build: the selected
// environment's and the override's values show in hover, and a value for
// no variable is warned about at the start of the file.
func TestOptions(t *testing.T) {
	c := startServer(t, Options{Env: "prod", Vars: map[string]string{"TAG": "v2", "NOPE": "x"}})
	uri := pathURI(filepath.Join(t.TempDir(), "build.hcl"))
	c.open(uri, "variable \"TAG\" {\n  default = \"v1\"\n}\nvariable \"GO\" {\n  default = \"1.22\"\n}\nenvironment \"prod\" {\n  vars = { GO = \"1.23\" }\n}\ntarget \"app\" {\n  from = \"golang:${var.GO}\"\n  tags = [\"app:${var.TAG}\"]\n}\n")
	d := c.waitDiagnostics(uri)[uri].Diagnostics
	if len(d) != 1 || !strings.HasPrefix(d[0].Message, "Unused variable value") || d[0].Range != (protocol.Range{}) {
		t.Errorf("diagnostics: %+v", d)
	}
	for _, tc := range []struct {
		pos  protocol.Position
		want string
	}{
		{protocol.Position{Line: 10, Character: 24}, "Value: `\"1.23\"` (from environment)"},
		{protocol.Position{Line: 11, Character: 22}, "Value: `\"v2\"` (from override)"},
	} {
		var h *protocol.Hover
		c.call("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: tc.pos}, &h)
		if h == nil || !strings.Contains(h.Contents.Value, tc.want) {
			t.Errorf("hover at %v: %+v, want %q", tc.pos, h, tc.want)
		}
	}
}
