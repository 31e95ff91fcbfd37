// Package lang turns buildlang source files into a checked, evaluated model.
//
// The pipeline is: parse (hclsyntax) → collect declarations from every file
// and its includes → evaluate environments, variables, locals and user
// functions → check references, cycles and platforms → expand matrices →
// evaluate each target per target platform on demand.
//
// Every problem is an hcl.Diagnostic with a source range, made by a named
// constructor of diag.go and carrying a DiagInfo in its Extra (its kind,
// the names involved and the fixes it suggests), which tools read with
// DiagInfoOf instead of parsing the message; nothing in this
// package panics on bad input, prints, or reads the host environment, the
// clock or the network. Diagnostics are converted to other forms (terminal
// text, BuildKit source errors, LSP) only at the edges, by the callers.
//
// The passes over many independent pieces (a large file's chunks, the
// target blocks, the reference check, every target's evaluation) run on
// every core through internal/par; each piece's result is kept by its
// index and read back in source order, so what Load reports does not
// depend on the number of cores or on scheduling (TestCheckSameOnEveryCoreCount),
// and a bug that panics in a target or a block is an InternalError
// diagnostic there, not a crash (a chunk whose parse panics is parsed
// again whole, on the caller's goroutine).
//
// The block and attribute schema in schema.go is the single description of
// the language: decoding, spec/ and the language server all read it.
package lang
