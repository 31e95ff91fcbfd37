package trust_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/org/buildlang/lsp"
	"github.com/sourcegraph/jsonrpc2"
)

// lspClient drives the language server in-process through its public
// entry point, lsp.Serve, over a net.Pipe, speaking plain JSON (the
// protocol types are internal to lsp).
type lspClient struct {
	t    testing.TB
	conn *jsonrpc2.Conn
	done chan error

	mu      sync.Mutex
	diags   map[string]json.RawMessage // last publishDiagnostics params, by URI
	count   map[string]int             // publishDiagnostics received, by URI
	notify  chan struct{}
	version map[string]int
}

// Handle receives the server's notifications.
func (c *lspClient) Handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) {
	if req.Method != "textDocument/publishDiagnostics" || req.Params == nil {
		return
	}
	var p struct {
		URI string `json:"uri"`
	}
	if json.Unmarshal(*req.Params, &p) != nil {
		return
	}
	c.mu.Lock()
	c.diags[p.URI] = append(json.RawMessage(nil), *req.Params...)
	c.count[p.URI]++
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func startLSP(t testing.TB, opts lsp.Options) *lspClient {
	t.Helper()
	a, b := net.Pipe()
	c := &lspClient{t: t, done: make(chan error, 1), diags: map[string]json.RawMessage{}, count: map[string]int{},
		notify: make(chan struct{}, 1), version: map[string]int{}}
	go func() { c.done <- lsp.Serve(context.Background(), a, opts) }()
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(b, jsonrpc2.VSCodeObjectCodec{}), c)
	var init json.RawMessage
	if err := c.call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &init); err != nil {
		t.Fatal(err)
	}
	if err := c.conn.Notify(context.Background(), "initialized", struct{}{}); err != nil {
		t.Fatal(err)
	}
	return c
}

// shutdown ends the session and requires the server to exit cleanly.
func (c *lspClient) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.conn.Call(ctx, "shutdown", nil, nil); err != nil {
		c.t.Errorf("shutdown: %v", err)
	}
	_ = c.conn.Notify(ctx, "exit", nil)
	select {
	case err := <-c.done:
		if err != nil {
			c.t.Errorf("server: %v", err)
		}
	case <-ctx.Done():
		c.t.Errorf("server did not exit")
	}
	c.conn.Close()
}

func (c *lspClient) call(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.conn.Call(ctx, method, params, result)
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

func (c *lspClient) open(uri, text string) {
	c.mu.Lock()
	c.version[uri] = 1
	c.mu.Unlock()
	if err := c.conn.Notify(context.Background(), "textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "buildlang", "version": 1, "text": text}}); err != nil {
		c.t.Fatal(err)
	}
}

// change replaces the range [start, end) (LSP positions) with text.
func (c *lspClient) change(uri string, start, end lspPos, text string) error {
	c.mu.Lock()
	c.version[uri]++
	v := c.version[uri]
	c.mu.Unlock()
	return c.conn.Notify(context.Background(), "textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": v},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": start, "end": end}, "text": text}}})
}

type lspPos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start lspPos `json:"start"`
	End   lspPos `json:"end"`
}

type lspDiagnostic struct {
	Range    lspRange `json:"range"`
	Severity int      `json:"severity"`
	Message  string   `json:"message"`
	Code     any      `json:"code"`
}

// waitDiagnostics waits for more than after publishDiagnostics for uri
// and returns the last.
func (c *lspClient) waitDiagnostics(uri string, after int, timeout time.Duration) ([]lspDiagnostic, error) {
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		n, raw := c.count[uri], c.diags[uri]
		c.mu.Unlock()
		if n > after {
			var p struct {
				Diagnostics []lspDiagnostic `json:"diagnostics"`
			}
			err := json.Unmarshal(raw, &p)
			return p.Diagnostics, err
		}
		select {
		case <-c.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			return nil, fmt.Errorf("no diagnostics for %s within %s", uri, timeout)
		}
	}
}

func (c *lspClient) published(uri string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[uri]
}
