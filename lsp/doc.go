// Package lsp is buildlang's language server: `buildlang lsp` runs it over
// stdio for any editor that speaks the Language Server Protocol.
//
// # Library
//
// The transport is github.com/sourcegraph/jsonrpc2: a small, maintained
// JSON-RPC 2.0 implementation with LSP's Content-Length framing
// (VSCodeObjectCodec), no dependencies beyond the standard library, and a
// connection type that serves both ends, so tests drive the real server
// through a real client over net.Pipe. The protocol types (LSP 3.17) are
// declared in internal/protocol, only those the server uses. The
// alternative, go.lsp.dev/protocol with go.lsp.dev/jsonrpc2, stopped at LSP
// 3.16 in 2022 (no inlay hints), pulls in zap and segmentio/encoding, and
// its server dispatch cannot be extended with methods it lacks; gopls's own
// protocol package is internal to x/tools.
//
// # Design
//
// As in gopls, the server keeps immutable snapshots: each change to an
// open document makes a new snapshot holding the open documents' versions;
// the builds are loaded from it lazily, once (lang.Load with
// Options.Lenient, so broken files still have structure), and every request
// arriving after the change shares them. Notifications are applied in
// order on the connection's read loop; each request takes the current
// snapshot when it arrives and runs on its own goroutine. A panic in a
// handler is recovered, logged with window/logMessage and answered with an
// internal error: a bug never takes the server down.
//
// Diagnostics are exactly what `buildlang check` reports: the lenient
// build finished with lang.Build.Check (what a non-lenient load returns;
// targets are resolved on every core), and the lint rules when there are
// no errors, with each lint finding's rule id as the diagnostic's code. A
// test compares them with check on every example and lang check case.
// They are published for every file of a build, included files too. An
// edit after a quiet period is diagnosed at once; faster edits are
// debounced (Options.DiagnosticsDelay).
//
// Speed: each version of a document is parsed once for every load that
// reads it (lang.FileParser), and incrementally (parse.go): only the
// top-level blocks the edit touches are parsed again; those after it are
// reused, their syntax moved to its new position (shift.go). From a block
// with a syntax error on, the document is parsed in one piece, as the
// parser's errors reach past the block. Completion and
// signature help do not wait for the new snapshot's build while the user
// types: they read the document's current text and the latest loaded
// build's declarations.
//
// A build is found from an open document: the document itself, or a
// build.hcl in its directory or above that includes it. Files are read
// from the open documents first, then from disk, with names relative to
// the root file's directory, so includes resolve as they do for the CLI.
//
// Every position goes through one mapper (mapper.go) between byte offsets,
// HCL positions (1-based lines, columns in grapheme clusters) and LSP
// positions (0-based lines, columns in UTF-16 code units). Handlers work in
// byte offsets.
//
// Completion, signature help and semantic tokens read tokens (syntax.go),
// which exist even while the text around the cursor does not parse; hover,
// navigation and rename read the syntax tree and an index of every
// declaration and reference of a build (index.go). The schema is
// lang.TopSchema, function documentation stdlib.Docs and the source
// helpers' Specs: nothing is copied.
//
// Code lenses carry their command as a plain `buildlang` command line
// (code_lens.go), so every client can run them, not only the VS Code
// extension, which registers the commands. Settings changed with
// workspace/didChangeConfiguration apply to the next snapshot: each
// snapshot holds the options its builds load with.
//
// Each LSP method has its own file, named after it.
package lsp
