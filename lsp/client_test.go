package lsp

import (
	"context"
	"encoding/json"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
)

// client is a test LSP client talking JSON-RPC to an in-process server
// over an in-memory pipe.
type client struct {
	t    testing.TB
	conn *jsonrpc2.Conn
	done chan error

	mu      sync.Mutex
	diags   map[protocol.DocumentURI]protocol.PublishDiagnosticsParams
	logs    []protocol.LogMessageParams
	notify  chan struct{} // signalled on every notification
	version map[protocol.DocumentURI]int32
	count   map[protocol.DocumentURI]int // diagnostics published, by document
}

func (c *client) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch req.Method {
	case "textDocument/publishDiagnostics":
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(*req.Params, &p); err == nil {
			c.diags[p.URI] = p
			c.count[p.URI]++
		}
	case "window/logMessage":
		var p protocol.LogMessageParams
		if err := json.Unmarshal(*req.Params, &p); err == nil {
			c.logs = append(c.logs, p)
		}
	}
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// startServer starts a server and an initialized client connected to it;
// cleanup shuts both down and checks the server exits cleanly.
func startServer(t testing.TB, opts Options) *client {
	t.Helper()
	a, b := net.Pipe()
	c := &client{t: t, done: make(chan error, 1), diags: map[protocol.DocumentURI]protocol.PublishDiagnosticsParams{},
		notify: make(chan struct{}, 1), version: map[protocol.DocumentURI]int32{}, count: map[protocol.DocumentURI]int{}}
	go func() { c.done <- Serve(context.Background(), a, opts) }()
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(b, jsonrpc2.VSCodeObjectCodec{}), c)
	var init protocol.InitializeResult
	params := map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{
		"textDocument": map[string]any{"completion": map[string]any{"completionItem": map[string]any{"snippetSupport": true}}}}}
	c.call("initialize", params, &init)
	if err := c.conn.Notify(context.Background(), "initialized", struct{}{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.shutdown)
	return c
}

func (c *client) shutdown() {
	if c.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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
	c.conn = nil
}

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	if err := c.tryCall(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) tryCall(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.conn.Call(ctx, method, params, result)
}

func (c *client) open(uri protocol.DocumentURI, text string) {
	c.t.Helper()
	c.mu.Lock()
	c.version[uri] = 1
	c.mu.Unlock()
	err := c.conn.Notify(context.Background(), "textDocument/didOpen", protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: uri, LanguageID: "buildlang", Version: 1, Text: text}})
	if err != nil {
		c.t.Fatal(err)
	}
}

// change sends one incremental change and returns the new version.
func (c *client) change(uri protocol.DocumentURI, changes ...protocol.TextDocumentContentChangeEvent) int32 {
	c.t.Helper()
	c.mu.Lock()
	c.version[uri]++
	v := c.version[uri]
	c.mu.Unlock()
	err := c.conn.Notify(context.Background(), "textDocument/didChange", protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: uri, Version: v},
		ContentChanges: changes})
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

// waitDiagnostics waits until diagnostics for the current version of every
// given document have been published, and returns everything published.
func (c *client) waitDiagnostics(uris ...protocol.DocumentURI) map[protocol.DocumentURI]protocol.PublishDiagnosticsParams {
	c.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		c.mu.Lock()
		ready := true
		for _, u := range uris {
			p, ok := c.diags[u]
			if !ok || p.Version == nil || *p.Version != c.version[u] {
				ready = false
			}
		}
		if ready {
			out := map[protocol.DocumentURI]protocol.PublishDiagnosticsParams{}
			for k, v := range c.diags {
				out[k] = v
			}
			c.mu.Unlock()
			return out
		}
		c.mu.Unlock()
		select {
		case <-c.notify:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			c.t.Fatalf("no diagnostics for %v", uris)
		}
	}
}

// waitFor polls cond until it holds, for at most 30 seconds.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
