// Package exports owns the rules for where a build's results and cache go,
// in docker buildx's syntax: output specs (--output, a target's output
// attribute) and cache entries (--cache-from and --cache-to, a cache
// policy's import and export). lang checks build files with it and the
// builder parses command-line flags with it, so `check` refuses exactly
// what a build would.
//
// It depends on nothing but the standard library, so the language server
// can use it without BuildKit's client.
package exports
