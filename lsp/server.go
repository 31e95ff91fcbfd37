package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
)

// Options configure a server. The zero value is ready to use.
type Options struct {
	// Env selects the environment, as --env does; "" selects "default".
	Env string
	// Vars set variables, as --var does.
	Vars map[string]string
	// HostEnv looks up host environment variables for variables and
	// secrets that name one with `env`, as the CLI does; nil means none.
	HostEnv func(string) (string, bool)
	// Allow is what the user granted, as the CLI's --allow: a variable's
	// host environment variable is read only with env=NAME; set but not
	// granted, it is reported (as check reports it) and not read.
	Allow lang.Allow
	// DiagnosticsDelay is how long the server waits for more edits before
	// it computes diagnostics, when edits come faster than that; an edit
	// after a quiet period is diagnosed at once. 0 means 50ms; negative
	// means no delay.
	DiagnosticsDelay time.Duration
}

func (o Options) langOptions() lang.Options {
	return lang.Options{Env: o.Env, Vars: o.Vars, HostEnv: o.HostEnv, Allow: o.Allow}
}

func (o Options) delay() time.Duration {
	switch {
	case o.DiagnosticsDelay == 0:
		return 50 * time.Millisecond
	case o.DiagnosticsDelay < 0:
		return 0
	}
	return o.DiagnosticsDelay
}

// Serve runs a language server on a connection (stdio for `buildlang lsp`,
// one end of a pipe in tests) until the connection closes or the client
// sends exit. It returns nil after an orderly shutdown and exit.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &Server{
		opts:      opts,
		docs:      map[string]*document{},
		diagCh:    make(chan struct{}, 1),
		published: map[string]bool{},
		cancels:   map[string]context.CancelFunc{},
		ctx:       ctx,
	}
	s.cfg = defaultConfig(opts, s.logf)
	s.snap = &snapshot{docs: map[string]*document{}, cfg: s.cfg, opts: opts}
	conn := jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(rwc, jsonrpc2.VSCodeObjectCodec{}), s)
	s.mu.Lock()
	s.conn = conn
	s.mu.Unlock()
	s.wg.Add(1)
	go s.diagnosticsLoop()
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	cancel()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.shutdown {
		return fmt.Errorf("the connection closed without shutdown")
	}
	return nil
}

// Server is a buildlang language server on one connection.
type Server struct {
	opts Options
	cfg  *config
	ctx  context.Context
	wg   sync.WaitGroup // in-flight requests and the diagnostics loop

	mu          sync.Mutex
	conn        *jsonrpc2.Conn
	docs        map[string]*document // open documents by path
	snap        *snapshot            // the current snapshot
	nextSnap    uint64
	initialized bool
	shutdown    bool
	snippets    bool // the client accepts snippets in completions
	cancels     map[string]context.CancelFunc

	// diagnostics
	diagCh     chan struct{}
	lastChange time.Time
	quiet      bool            // the last change came after a quiet period
	published  map[string]bool // paths diagnostics were published for
}

type handlerFunc func(ctx context.Context, s *Server, snap *snapshot, params json.RawMessage) (any, error)

// handle adapts a typed handler.
func handle[P, R any](f func(ctx context.Context, s *Server, snap *snapshot, p *P) (R, error)) handlerFunc {
	return func(ctx context.Context, s *Server, snap *snapshot, raw json.RawMessage) (any, error) {
		var p P
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &p); err != nil {
				return nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: err.Error()}
			}
		}
		return f(ctx, s, snap, &p)
	}
}

// requests maps each method to its handler; each lives in a file named
// after it, as in gopls.
var requests = map[string]handlerFunc{
	"textDocument/completion":          handle(completion),
	"textDocument/hover":               handle(hover),
	"textDocument/definition":          handle(definition),
	"textDocument/references":          handle(references),
	"textDocument/prepareRename":       handle(prepareRename),
	"textDocument/rename":              handle(rename),
	"textDocument/documentSymbol":      handle(documentSymbols),
	"textDocument/formatting":          handle(formatting),
	"textDocument/semanticTokens/full": handle(semanticTokens),
	"textDocument/codeAction":          handle(codeActions),
	"textDocument/foldingRange":        handle(foldingRanges),
	"textDocument/inlayHint":           handle(inlayHints),
	"textDocument/signatureHelp":       handle(signatureHelp),
	"textDocument/codeLens":            handle(codeLens),
	"textDocument/documentLink":        handle(documentLinks),
	"workspace/symbol":                 handle(workspaceSymbols),
	"textDocument/selectionRange":      handle(selectionRanges),
	"textDocument/rangeFormatting":     handle(rangeFormatting),
}

// Handle implements jsonrpc2.Handler. It runs on the connection's read
// loop, so notifications are applied in order; a request takes the
// snapshot current when it arrives and runs on its own goroutine.
func (s *Server) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	var params json.RawMessage
	if req.Params != nil {
		params = *req.Params
	}
	if req.Notif {
		s.safely(conn, req.Method, func() { s.notification(ctx, conn, req.Method, params) })
		return
	}
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case req.Method == "initialize":
		var res any
		var err error
		s.safely(conn, req.Method, func() { res, err = s.initialize(params) })
		s.reply(ctx, conn, req, res, err)
		return
	case req.Method == "shutdown":
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		s.reply(ctx, conn, req, nil, nil)
		return
	case !initialized:
		s.reply(ctx, conn, req, nil, &jsonrpc2.Error{Code: protocol.CodeServerNotInit, Message: "the server is not initialized"})
		return
	case shutdown:
		s.reply(ctx, conn, req, nil, &jsonrpc2.Error{Code: protocol.CodeInvalidRequest, Message: "the server is shutting down"})
		return
	}
	h := requests[req.Method]
	if h == nil {
		s.reply(ctx, conn, req, nil, &jsonrpc2.Error{Code: protocol.CodeMethodNotFound, Message: "method not supported: " + req.Method})
		return
	}
	snap := s.snapshot()
	rctx, cancel := context.WithCancel(s.ctx)
	id := req.ID.String()
	s.mu.Lock()
	s.cancels[id] = cancel
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.cancels, id)
			s.mu.Unlock()
			cancel()
		}()
		var res any
		var err error
		s.safely(conn, req.Method, func() { res, err = h(rctx, s, snap, params) })
		if rctx.Err() != nil && err == nil {
			err = &jsonrpc2.Error{Code: protocol.CodeRequestCancelled, Message: "request cancelled"}
		}
		s.reply(rctx, conn, req, res, err)
	}()
}

// errInternal is the response of a handler that panicked.
var errInternal = &jsonrpc2.Error{Code: protocol.CodeInternalError, Message: "internal error in the buildlang language server; see its log"}

// safely runs f, turning a panic into a logged internal error so a bug in
// one handler never takes the server down.
func (s *Server) safely(conn *jsonrpc2.Conn, method string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("internal error in %s: %v\n%s", method, r, debug.Stack())
			fmt.Fprintln(os.Stderr, "buildlang lsp:", msg)
			s.logMessage(conn, protocol.MessageError, msg)
			panicked(method)
		}
	}()
	f()
}

// panicked is replaced in tests to count recovered panics.
var panicked = func(method string) {}

func (s *Server) reply(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request, res any, err error) {
	if res == nil && err == nil && req.Method != "shutdown" && req.Method != "initialize" {
		// A handler that panicked returns neither.
		err = errInternal
	}
	if err != nil {
		rpcErr, ok := err.(*jsonrpc2.Error)
		if !ok {
			rpcErr = &jsonrpc2.Error{Code: protocol.CodeInternalError, Message: err.Error()}
		}
		_ = conn.ReplyWithError(context.Background(), req.ID, rpcErr)
		return
	}
	_ = conn.Reply(context.Background(), req.ID, res)
}

// null is a handler result that is JSON null but not a missing result.
type null struct{}

func (null) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

func (s *Server) logMessage(conn *jsonrpc2.Conn, typ protocol.MessageType, msg string) {
	if conn == nil {
		s.mu.Lock()
		conn = s.conn
		s.mu.Unlock()
	}
	if conn != nil {
		_ = conn.Notify(context.Background(), "window/logMessage", protocol.LogMessageParams{Type: typ, Message: msg})
	}
}

func (s *Server) logf(format string, args ...any) {
	s.logMessage(nil, protocol.MessageError, fmt.Sprintf(format, args...))
}

func (s *Server) initialize(raw json.RawMessage) (any, error) {
	var p protocol.InitializeParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: err.Error()}
	}
	var init struct {
		InitializationOptions struct {
			Env  string            `json:"env"`
			Vars map[string]string `json:"vars"`
		} `json:"initializationOptions"`
	}
	_ = json.Unmarshal(raw, &init)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initialized = true
	s.snippets = p.Capabilities.TextDocument.Completion.CompletionItem.SnippetSupport
	if o := init.InitializationOptions; o.Env != "" || o.Vars != nil {
		s.cfg.opts.Env, s.cfg.opts.Vars = o.Env, o.Vars
		s.snap = &snapshot{docs: map[string]*document{}, cfg: s.cfg, opts: s.cfg.opts}
	}
	for _, f := range p.WorkspaceFolders {
		s.cfg.roots = append(s.cfg.roots, uriPath(f.URI))
	}
	if p.RootURI != "" {
		s.cfg.roots = append(s.cfg.roots, uriPath(p.RootURI))
	}
	return protocol.InitializeResult{
		ServerInfo: &protocol.ServerInfo{Name: "buildlang"},
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: protocol.TextDocumentSyncOptions{OpenClose: true, Change: protocol.SyncIncremental,
				Save: &protocol.SaveOptions{}},
			CompletionProvider: &protocol.CompletionOptions{TriggerCharacters: []string{".", "\"", "[", "="}},
			HoverProvider:      true,
			SignatureHelpProvider: &protocol.SignatureHelpOptions{TriggerCharacters: []string{"(", ","},
				RetriggerCharacters: []string{","}},
			DefinitionProvider:         true,
			ReferencesProvider:         true,
			DocumentSymbolProvider:     true,
			CodeActionProvider:         &protocol.CodeActionOptions{CodeActionKinds: []string{protocol.QuickFix}},
			DocumentFormattingProvider: true,
			RenameProvider:             &protocol.RenameOptions{PrepareProvider: true},
			FoldingRangeProvider:       true,
			SemanticTokensProvider:     &protocol.SemanticTokensOptions{Legend: semanticLegend, Full: true},
			InlayHintProvider:          true,

			CodeLensProvider:                &protocol.CodeLensOptions{},
			DocumentLinkProvider:            &protocol.DocumentLinkOptions{},
			WorkspaceSymbolProvider:         true,
			SelectionRangeProvider:          true,
			DocumentRangeFormattingProvider: true,
		},
	}, nil
}

func (s *Server) notification(ctx context.Context, conn *jsonrpc2.Conn, method string, raw json.RawMessage) {
	switch method {
	case "initialized", "$/setTrace":
	case "workspace/didChangeConfiguration":
		didChangeConfiguration(s, raw)
	case "exit":
		conn.Close()
	case "$/cancelRequest":
		var p struct {
			ID jsonrpc2.ID `json:"id"`
		}
		if json.Unmarshal(raw, &p) == nil {
			s.mu.Lock()
			if c := s.cancels[p.ID.String()]; c != nil {
				c()
			}
			s.mu.Unlock()
		}
	case "textDocument/didOpen":
		var p protocol.DidOpenTextDocumentParams
		if err := json.Unmarshal(raw, &p); err != nil {
			s.logf("didOpen: %v", err)
			return
		}
		d := newDocument(p.TextDocument.URI, p.TextDocument.Version, []byte(p.TextDocument.Text))
		s.change(func() { s.docs[d.path] = d })
	case "textDocument/didChange":
		var p protocol.DidChangeTextDocumentParams
		if err := json.Unmarshal(raw, &p); err != nil {
			s.logf("didChange: %v", err)
			return
		}
		path := uriPath(p.TextDocument.URI)
		s.mu.Lock()
		d := s.docs[path]
		s.mu.Unlock()
		if d == nil {
			s.logf("didChange: %s is not open", p.TextDocument.URI)
			return
		}
		nd, err := d.applyChanges(p.TextDocument.Version, p.ContentChanges)
		if err != nil {
			s.logf("didChange %s: %v", p.TextDocument.URI, err)
			return
		}
		s.change(func() { s.docs[path] = nd })
	case "textDocument/didClose":
		var p protocol.DidCloseTextDocumentParams
		if err := json.Unmarshal(raw, &p); err != nil {
			return
		}
		path := uriPath(p.TextDocument.URI)
		s.change(func() { delete(s.docs, path) })
		s.cfg.forget(path)
	case "textDocument/didSave", "workspace/didChangeWatchedFiles":
		// Files on disk may have changed (an included file saved by
		// another editor): take a fresh snapshot.
		s.change(func() {})
	}
}

// change applies an edit to the open documents under the lock, makes the
// next snapshot and schedules diagnostics.
func (s *Server) change(edit func()) {
	s.mu.Lock()
	edit()
	s.nextSnap++
	docs := make(map[string]*document, len(s.docs))
	for p, d := range s.docs {
		docs[p] = d
	}
	s.snap = &snapshot{id: s.nextSnap, docs: docs, cfg: s.cfg, opts: s.cfg.opts}
	now := clock()
	s.quiet = now.Sub(s.lastChange) >= s.opts.delay()
	s.lastChange = now
	s.mu.Unlock()
	select {
	case s.diagCh <- struct{}{}:
	default:
	}
}

// clock is the time edits are stamped with and their delay is measured
// against; tests move it instead of waiting.
var clock = time.Now

// snapshot returns the current snapshot.
func (s *Server) snapshot() *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

// docPath is the path of a request's document.
func docPath(uri protocol.DocumentURI) string { return uriPath(uri) }

// workspaceRelative shortens a path for messages.
func workspaceRelative(roots []string, p string) string {
	for _, r := range roots {
		if rel, err := filepath.Rel(r, p); err == nil && !filepath.IsAbs(rel) && rel[0] != '.' {
			return rel
		}
	}
	return p
}
