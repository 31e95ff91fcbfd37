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
// --dry-run prints), from what compiler.Output.Needs reports; Run builds a
// plan and returns a Report per target.
//
// Consent (consent.go): the build asks the daemon only for the
// entitlements Options.Allow grants, and a build file reads or writes on
// the host only inside the build context, what the command line names,
// or what Allow grants, as docker buildx bake --allow. NewPlan reports
// anything else as a diagnostic at its line naming the --allow flag, and
// does not read a refused file; Check refuses to start such a plan.
//
// Pushes are done by BuildKit's image exporter, which uploads layers and
// configs first and the manifest (or index) last, under the tag: a push that
// fails part way leaves the tag where it was. A retried push repeats the
// whole solve, whose steps come from the cache.
package builder
