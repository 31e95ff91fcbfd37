// Package stdlib is the standard library of buildlang: every function that a
// build file can call in an expression.
//
// It combines the generic functions of go-cty's function/stdlib (strings,
// collections, numbers, JSON/CSV, type conversion), HCL's can and try, and
// build helpers written here: semantic versions and image tags, platforms,
// paths and hashes.
//
// Every function is pure and deterministic: none reads the clock, the
// network, the host environment or the file system, so a build file evaluates
// to the same graph on every machine. That is why timestamp(), file(), env()
// and their relatives are deliberately absent.
//
// Each function documents itself through its function.Spec (description and
// parameter descriptions). Docs reads them back for the language server, and
// RenderMarkdown turns them into spec/stdlib.md.
package stdlib
