// Package builder is buildlang's client-side build driver, behind
// `buildlang build`. A build has one path: connect to BuildKit (Connect; or
// start a private, daemonless buildkitd), load the build files for the
// daemon's platform (the caller's part), compile each requested target
// once for its platforms with the daemon's image resolver (NewPlan with
// Options.Connection), check that the client can provide what the
// compiler says the build needs (compiler.Output.Needs: secrets, SSH
// agents, local directories, entitlements; consent), and solve every
// target concurrently from those compiled outputs (Run; each target's
// platforms solved and assembled by compiler/solve, as the frontend
// does), with BuildKit's progress display, outputs (image push,
// OCI/docker tarballs, local directories), cache imports and exports, and
// retries of pushes that fail with transient registry errors. Steps are counted, and found in
// the progress, by the names the compiler gave them (Output.Steps); the
// package never reads its own LLB back.
//
// NewPlan without a connection works out what would be built without
// contacting BuildKit, images unresolved (what --dry-run prints); Run
// builds a connected plan and returns a Report per target.
//
// Nodes (nodes.go, assign.go, index.go): a multi-node build's nodes come
// from --node (ParseNode), a buildx builder (BuilderNodes, through
// buildxstore) or the environment's nodes (EnvNodes). It connects to
// every node (ConnectNodes skips one that is down), assigns each target
// to the node that runs its platforms best (Assign, Schedule: declared,
// native, emulated, by queried worker platforms; a target that feeds
// another goes to its dependent's node), plans each node's targets on
// it, and runs every plan in one display (RunAll). A pushed image's
// platforms may go to different nodes as parts (Options.Parts), pushed by
// digest and merged into one index per tag (MergeParts) only when every
// part succeeded (each part keeps its cache under a tag of its own,
// partCache); a target whose node stopped answering is marked
// NodeLost and cancels nothing, so the caller can build it elsewhere
// (Reschedule, by Assign's rule; a StrandedError names what no node
// left runs).
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
