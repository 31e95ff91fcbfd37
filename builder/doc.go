// Package builder is buildlang's client-side build driver, behind
// `buildlang build`: it compiles the requested targets, checks that the
// client can provide what they need (secrets, SSH agents, local
// directories), connects to BuildKit — or starts a private, daemonless
// buildkitd — and solves every target and platform concurrently, with
// BuildKit's progress display, outputs (image push, OCI/docker tarballs,
// local directories), cache imports and exports, and retries of pushes that
// fail with transient registry errors.
//
// NewPlan works out what would be built without contacting BuildKit (what
// --dry-run prints); Run builds a plan and returns a Report per target.
//
// Pushes are done by BuildKit's image exporter, which uploads layers and
// configs first and the manifest (or index) last, under the tag: a push that
// fails part way leaves the tag where it was. A retried push repeats the
// whole solve, whose steps come from the cache.
package builder
