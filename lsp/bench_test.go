package lsp

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// benchLines is the size of the build file the benchmarks edit.
const benchLines = 5000

// benchFile returns a generated build file of about benchLines lines.
func benchFile() []byte {
	n := 10
	for bytes.Count(gen.Targets(n), []byte("\n")) < benchLines {
		n += 10
	}
	return gen.Targets(n)
}

// benchServer opens the generated file and waits for its diagnostics. The
// process's garbage collector is set as `buildlang lsp` sets it (SetGC;
// GOGC in the environment wins, GOGC=100 measures without it).
func benchServer(b *testing.B, opts Options) (*client, protocol.DocumentURI, string) {
	SetGC()
	src := string(benchFile())
	c := startServer(b, opts)
	uri := pathURI(filepath.Join(b.TempDir(), "build.hcl"))
	c.open(uri, src)
	c.waitDiagnostics(uri)
	return c, uri, src
}

// middle returns the LSP position just after the first occurrence of
// needle at or after the middle of src.
func middle(src, needle string) protocol.Position {
	i := len(src)/2 + strings.Index(src[len(src)/2:], needle) + len(needle)
	return newMapper([]byte(src)).position(i)
}

// latencies collects per-operation durations and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	b.ReportMetric(float64(l[len(l)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(l[len(l)*95/100].Microseconds())/1000, "p95-ms")
	reportMemory(b)
}

// reportMemory reports the heap in use and the process's resident memory
// (server and test client together).
func reportMemory(b *testing.B) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.Atoi(f[1])
				b.ReportMetric(float64(kb)/1024, "rss-MB")
			}
		}
	}
}

// BenchmarkDiagnosticsAfterEdit measures the time from a didChange to the
// publishDiagnostics of the new version, for an edit in the middle of a
// 5,000-line file after a quiet period (the usual case while editing; the
// debounce only delays edits that come faster than its delay).
func BenchmarkDiagnosticsAfterEdit(b *testing.B) {
	opts := Options{}
	c, uri, src := benchServer(b, opts)
	diagnosticsAfterEdits(b, c, uri, opts, middle(src, `description = "service `), nil)
}

// BenchmarkDiagnosticsAfterEditWithError is BenchmarkDiagnosticsAfterEdit
// while the block being edited has a syntax error (an attribute without a
// value, as while one is typed): each op types or deletes a character two
// lines below it.
func BenchmarkDiagnosticsAfterEditWithError(b *testing.B) {
	opts := Options{}
	c, uri, src := benchServer(b, opts)
	pos := middle(src, `description = "service `)
	c.change(uri, protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{Start: protocol.Position{Line: pos.Line}, End: protocol.Position{Line: pos.Line}}, Text: "  broken =\n"})
	c.waitDiagnostics(uri)
	pos.Line++
	diagnosticsAfterEdits(b, c, uri, opts, pos, func(diags []protocol.Diagnostic) {
		if len(diags) == 0 || !strings.HasPrefix(diags[len(diags)-1].Message, "Invalid expression") {
			b.Fatalf("diagnostics %+v, want the syntax error", diags)
		}
	})
}

// diagnosticsAfterEdits times, op by op, an edit at pos after a quiet
// period until the diagnostics of its version, checked by check when not
// nil, and reports the CPU time per op and the latencies.
func diagnosticsAfterEdits(b *testing.B, c *client, uri protocol.DocumentURI, opts Options, pos protocol.Position, check func([]protocol.Diagnostic)) {
	var lat latencies
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		time.Sleep(opts.delay() + 5*time.Millisecond)
		b.StartTimer()
		start := time.Now()
		c.change(uri, typeOrDelete(pos, i))
		diags := c.waitDiagnostics(uri)[uri].Diagnostics
		lat = append(lat, time.Since(start))
		if check != nil {
			check(diags)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(len(lat)), "cpu-ms/op")
	lat.report(b)
}

// typeOrDelete is the i-th edit of a benchmark: an "x" typed at pos, then
// deleted, and so on.
func typeOrDelete(pos protocol.Position, i int) protocol.TextDocumentContentChangeEvent {
	if i%2 == 0 {
		return protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{Start: pos, End: pos}, Text: "x"}
	}
	end := pos
	end.Character++
	return protocol.TextDocumentContentChangeEvent{Range: &protocol.Range{Start: pos, End: end}, Text: ""}
}

// cpuTime is the CPU time the process has used, user and system: unlike
// wall time, it does not grow when other processes load the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCompletion measures completion after "var." in the middle of a
// 5,000-line file.
func BenchmarkCompletion(b *testing.B) {
	c, uri, src := benchServer(b, Options{})
	params := protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: middle(src, "${var.")}}
	var lat latencies
	for b.Loop() {
		start := time.Now()
		var list protocol.CompletionList
		c.call("textDocument/completion", params, &list)
		lat = append(lat, time.Since(start))
		if len(list.Items) != 2 {
			b.Fatalf("completion: %+v", list.Items)
		}
	}
	lat.report(b)
}

// BenchmarkCompletionAfterEdit measures an edit followed at once by a
// completion, which waits for the snapshot of the edit.
func BenchmarkCompletionAfterEdit(b *testing.B) {
	c, uri, src := benchServer(b, Options{})
	pos := middle(src, "${var.")
	params := protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos}}
	edit := middle(src, `description = "service `)
	var lat latencies
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		c.change(uri, typeOrDelete(edit, i))
		var list protocol.CompletionList
		c.call("textDocument/completion", params, &list)
		lat = append(lat, time.Since(start))
	}
	lat.report(b)
}

// BenchmarkHover measures hover on a variable reference in the middle of a
// 5,000-line file.
func BenchmarkHover(b *testing.B) {
	c, uri, src := benchServer(b, Options{})
	pos := middle(src, "${var.")
	params := protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos}
	var lat latencies
	for b.Loop() {
		start := time.Now()
		var h *protocol.Hover
		c.call("textDocument/hover", params, &h)
		lat = append(lat, time.Since(start))
		if h == nil {
			b.Fatal("no hover")
		}
	}
	lat.report(b)
}

// BenchmarkEditorRequests measures what an editor asks for a whole
// 5,000-line file after it is loaded: code lenses, document links,
// selection ranges at the middle and range formatting of the middle lines,
// one request of each per op.
func BenchmarkEditorRequests(b *testing.B) {
	c, uri, src := benchServer(b, Options{})
	doc := protocol.TextDocumentIdentifier{URI: uri}
	pos := middle(src, "${var.")
	rng := protocol.Range{Start: protocol.Position{Line: pos.Line - 20}, End: protocol.Position{Line: pos.Line + 20}}
	var lat latencies
	for b.Loop() {
		start := time.Now()
		var lenses []protocol.CodeLens
		c.call("textDocument/codeLens", protocol.CodeLensParams{TextDocument: doc}, &lenses)
		var links []protocol.DocumentLink
		c.call("textDocument/documentLink", protocol.DocumentLinkParams{TextDocument: doc}, &links)
		var sel []protocol.SelectionRange
		c.call("textDocument/selectionRange", protocol.SelectionRangeParams{TextDocument: doc, Positions: []protocol.Position{pos}}, &sel)
		var edits []protocol.TextEdit
		c.call("textDocument/rangeFormatting", protocol.DocumentRangeFormattingParams{TextDocument: doc, Range: rng}, &edits)
		lat = append(lat, time.Since(start))
		if len(lenses) == 0 || len(sel) != 1 {
			b.Fatalf("lenses %d, selection ranges %d", len(lenses), len(sel))
		}
	}
	lat.report(b)
}
