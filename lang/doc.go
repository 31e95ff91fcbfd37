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
// The block and attribute schema in schema.go is the single description of
// the language: decoding, spec/ and the language server all read it.
package lang
