// Package par runs independent pieces of lang's work on every core.
//
// `buildlang check` on a large file is a few passes over many independent
// pieces (the chunks of a file, the targets of a build), each one core's
// work for tens of milliseconds. Each spreads such a pass over GOMAXPROCS
// goroutines; callers keep their output deterministic by writing each
// piece's result to its own index and reading them back in order, never in
// the order the pieces finish. A piece that panics does not take the
// process down from a goroutine nobody can recover: Each returns the
// panics, in index order, for the caller to report as internal errors.
package par
