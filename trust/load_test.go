package trust_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/org/buildlang/internal/e2eenv"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp"
	"github.com/org/buildlang/trust/corpus"
)

// loadSize is n, or full when TRUST_FULL=1 (hack/bench-trust sets it): CI
// runs a reduced version of each load test.
func loadSize(n, full int) int {
	if os.Getenv("TRUST_FULL") == "1" {
		return full
	}
	return n
}

// TestConcurrentFrontendBuilds runs builds through the frontend image
// (gateway.v0, the image hack/e2e-env pushed from this tree) at the same
// time on one buildkitd, each with its own context, build arg and local
// output, and checks every output: 6 on CI, 20 in hack/bench-trust.
func TestConcurrentFrontendBuilds(t *testing.T) {
	e := e2eenv.Require(t)
	n := loadSize(6, 20)
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	var wg sync.WaitGroup
	errs := make([]error, n)
	logs := make([]string, n)
	start := time.Now()
	for i := range n {
		dir := t.TempDir()
		out := t.TempDir()
		files := map[string]string{
			"build.hcl": `variable "N" {}

target "app" {
  from = "busybox"
  copy {
    src  = ["input.txt"]
    dest = "/work/"
  }
  run {
    command = "cat /work/input.txt > /out && echo ${var.N} >> /out && sleep 1"
  }
}
`,
			"input.txt": fmt.Sprintf("context %d of run %s\n", i, run),
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			logs[i], errs[i] = e.Buildctl(t, "build", "--progress=plain",
				"--frontend", "gateway.v0", "--opt", "source="+e.Ref(e2eenv.FrontendRepo),
				"--local", "context="+dir, "--local", "dockerfile="+dir,
				"--opt", "build-arg:N="+strconv.Itoa(i*7),
				"--output", "type=local,dest="+out)
			if errs[i] != nil {
				return
			}
			got, err := os.ReadFile(filepath.Join(out, "out"))
			want := fmt.Sprintf("context %d of run %s\n%d\n", i, run, i*7)
			if err != nil || string(got) != want {
				errs[i] = fmt.Errorf("output %q (%v), want %q", got, err, want)
			}
		}()
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			t.Errorf("build %d: %v\n%s", i, err, tail(logs[i], 20))
		}
	}
	t.Logf("%d concurrent builds through the frontend, %d failed, in %s", n, failed, time.Since(start).Round(time.Millisecond))
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestLSPLoad sends the language server random edits (1,000 on CI, 10,000
// in hack/bench-trust) to a real example, checking after every few
// hundred that the heap stays bounded, then 100 requests at once; every
// request must be answered, the server must exit cleanly and leave no
// goroutine behind.
func TestLSPLoad(t *testing.T) {
	edits := loadSize(1000, 10000)
	src, err := os.ReadFile(filepath.Join(corpus.Root(), "examples", "monorepo", "build.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "build.hcl")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	cl := startLSP(t, lsp.Options{DiagnosticsDelay: 20 * time.Millisecond})
	uri := fileURI(path)
	text := string(src)
	cl.open(uri, text)
	if _, err := cl.waitDiagnostics(uri, 0, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	pieces := []string{"{", "}", "\"", "${", "[", "]", "(", ")", "=", ".", ",", "\n", "#", "var.", "target.",
		"target \"x\" {\n", "run {\n", "matrix.", "upper(", "é", "😀", "  ", "network = \"host\"", "local.", "}\n"}
	r := rand.New(rand.NewSource(42))
	var heapMax uint64
	heapAt := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heapAt()
	start := time.Now()
	for i := range edits {
		lines := strings.Split(text, "\n")
		l := r.Intn(len(lines))
		c := r.Intn(len(lines[l]) + 1)
		for c > 0 && c < len(lines[l]) && (lines[l][c]&0xC0) == 0x80 {
			c-- // not inside a character
		}
		off := 0
		for _, line := range lines[:l] {
			off += len(line) + 1
		}
		off += c
		del := 0
		if r.Intn(3) == 0 {
			del = min(r.Intn(8), len(lines[l])-c)
		}
		for c+del < len(lines[l]) && (lines[l][c+del]&0xC0) == 0x80 {
			del++ // not inside a character
		}
		piece := pieces[r.Intn(len(pieces))]
		if r.Intn(4) == 0 {
			piece = ""
		}
		// Keep the document a reasonable size: grow, then shrink.
		if len(text) > 3*len(src) {
			piece, del = "", min(64, len(lines[l])-c)
			for c+del < len(lines[l]) && (lines[l][c+del]&0xC0) == 0x80 {
				del++
			}
		}
		startPos := lspPos{l, utf16Count(lines[l][:c])}
		endPos := lspPos{l, utf16Count(lines[l][:c+del])}
		text = text[:off] + piece + text[off+del:]
		if err := cl.change(uri, startPos, endPos, piece); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			var res json.RawMessage
			if err := cl.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": startPos}, &res); err != nil && strings.Contains(err.Error(), "deadline") {
				t.Fatalf("edit %d: hover unanswered: %v", i, err)
			}
		}
		if i%500 == 499 {
			h := heapAt()
			heapMax = max(heapMax, h)
			if h > base+512<<20 {
				t.Fatalf("after %d edits the heap is %d MiB (%d MiB at the start)", i+1, h>>20, base>>20)
			}
		}
	}
	t.Logf("%d edits in %s; heap %d MiB at the start, at most %d MiB during", edits, time.Since(start).Round(time.Millisecond), base>>20, heapMax>>20)

	// The server's text is the client's: after the last edit it publishes
	// what check says of the client's text.
	_, want := check(mapFS(map[string][]byte{"build.hcl": []byte(text)}), "build.hcl", lang.Options{})
	wantN := 0
	for _, d := range want {
		if d.Subject != nil && d.Subject.Filename == "build.hcl" {
			wantN++
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	var got []lspDiagnostic
	for {
		got, err = cl.waitDiagnostics(uri, cl.published(uri)-1, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == wantN || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) != wantN {
		t.Errorf("after the edits the server publishes %d diagnostics, check of the client's text gives %d", len(got), wantN)
	}

	// 100 requests at once.
	doc := map[string]any{"uri": uri}
	methods := []string{"textDocument/hover", "textDocument/completion", "textDocument/semanticTokens/full",
		"textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/definition", "textDocument/references",
		"textDocument/signatureHelp", "textDocument/inlayHint", "textDocument/formatting"}
	lines := strings.Split(text, "\n")
	var wg sync.WaitGroup
	var mu sync.Mutex
	unanswered := 0
	for i := range 100 {
		l := r.Intn(len(lines))
		pos := lspPos{l, r.Intn(utf16Count(lines[l]) + 1)}
		params := map[string]any{"textDocument": doc, "position": pos, "context": map[string]any{"includeDeclaration": true},
			"range": lspRange{lspPos{0, 0}, lspPos{len(lines) - 1, 0}}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res json.RawMessage
			if err := cl.call(methods[i%len(methods)], params, &res); err != nil && strings.Contains(err.Error(), "deadline") {
				mu.Lock()
				unanswered++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if unanswered > 0 {
		t.Errorf("%d of 100 concurrent requests unanswered", unanswered)
	}
	cl.shutdown()
	deadline = time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before+2 {
		t.Errorf("%d goroutines after shutdown, %d before", g, before)
	}
}

func utf16Count(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
