// Package e2e tests buildlang end to end against a real BuildKit: the
// buildkitd (OCI worker, linux/amd64 native and linux/arm64 under qemu),
// the registry mirroring docker.io and the frontend image built from this
// working tree, all brought up offline by hack/e2e-env (see hack/README.md).
// Every test drives BuildKit the way users do, with buildctl or the BuildKit
// Go client, and asserts on what BuildKit produced: exported filesystems and
// OCI layouts, progress output, errors and result metadata.
//
// Run it with
//
//	hack/e2e-env up   # as root; a no-op when already up
//	go test ./e2e/...
//
// After changing frontend/ or cmd/buildlang-frontend, run
// `hack/e2e-env push-frontend` first: the tests use the pushed image
// (`--opt source=org/buildlang`, `# syntax=org/buildlang`), not the code
// in the test binary. Without the environment the tests skip; with CI=true
// they fail instead (internal/e2eenv.Require).
//
// What the tests prove:
//
//   - TestDockerfileParity: each case of testdata/parity builds a
//     Dockerfile with BuildKit's Dockerfile frontend and its buildlang twin
//     on the same buildkitd, concurrently, and internal/imgdiff finds their
//     images equal (file tree and config). The device case runs on a
//     buildkitd of its own with a fake CDI device (e2eenv.CDIDaemon), both builds
//     granted the device entitlement. TestParityLineRatio counts the
//     twins' lines against the Dockerfiles' (no BuildKit needed).
//   - TestOCILayoutContext: a named context from an OCI layout on the
//     client, as buildx sends it (--oci-layout, context:NAME=oci-layout://),
//     gives a target built from it the image's files and config.
//   - TestOnbuildRefused: a base whose config has ONBUILD triggers (made
//     by a target's onbuild, pushed to the registry) has them run by the
//     Dockerfile frontend and is refused by buildlang, with the error at
//     build.hcl's from line through the frontend and the CLI.
//   - TestSyntaxAndGateway: a build file starting with
//     "# syntax=org/buildlang" builds through dockerfile.v0 (the syntax
//     forwarding path) and through gateway.v0 with source=org/buildlang;
//     every kind of step shows in the exported filesystem.
//   - TestFrontendOptions: --target of a group fails listing its members, a
//     matrix target's base name lists its instances, an instance name builds;
//     build-arg:NAME sets variables; env=prod and build-arg:BUILDLANG_ENV=prod
//     select the environment; --local foo=DIR --opt context:foo=local:foo
//     feeds contexts.foo (and a missing one says how to pass it); --no-cache
//     runs a cached step again.
//   - TestMultiPlatformOCI, TestResultMetadata: a linux/amd64 + linux/arm64
//     image in an OCI layout and in the frontend's result metadata: both
//     platforms, each config's os/arch, entrypoint, cmd, env, user, workdir,
//     labels, ports and history; RUN steps' uname -m per platform.
//   - TestCrossCompilation: a builder target on build_platform makes an
//     artifact per target platform natively (uname -m is x86_64 for both)
//     while the artifacts' names and contents follow target_platform.
//   - TestSecret: a --secret is readable in its steps (as a file and as an
//     env var) and its value is in no blob of the OCI layout (decompressed
//     too), config, history, provenance (which records the LLB the frontend
//     solved), `buildlang compile --format llb` output or progress output.
//   - TestCacheMount, TestCacheReuse: a cache mount persists between builds;
//     an identical build is fully CACHED; changing one context file re-runs
//     only the steps that depend on it.
//   - TestRunErrorSource, TestCheckErrorSource: a failing run step shows
//     build.hcl and its lines; a check error names file:line:col and its
//     suggestion.
//   - TestSubrequests: frontend.targets, frontend.outline and frontend.lint
//     through the Go client, as buildx --call asks them. TestBuildx runs
//     buildx itself (built by hack/e2e-env from hack/buildx): `buildx build
//     --call targets|outline|check`, and a build with --build-arg
//     BUILDLANG_ENV and --build-context.
//   - TestFrontendHonoursOrWarns: through buildx, annotations reach the
//     manifest; a cache policy's export and local import are warnings
//     under --call check and in the build naming --cache-to/--cache-from;
//     lint findings are printed during the build; a linux/amd64-only base
//     built for linux/arm64 is a base-image-platform warning.
//   - TestFrontendBaseImagePlatformPolicy: under a policy with
//     base_platform = true that base is an error at its from line (the
//     frontend run in the test's process through the Go client).
//   - TestFrontendPolicyNetworkHost, TestFrontendPolicyNetworkHostInNamedContext:
//     under a policy denying network = "host" the frontend refuses such a
//     step at its line, also one inside a named context the client sends
//     as LLB (input:, in the test's process); without the policy BuildKit
//     refuses it for want of the network.host entitlement.
//   - TestExamples: every example that builds offline (below).
//
// # Which examples are built
//
// The e2e registry holds one base image, busybox, and nothing else can be
// pulled. TestExamples loads each examples/*/build.hcl, compiles its default
// targets without a daemon and lists the sources their LLB reads. An example
// is built, each default target through the frontend, when every source is
// docker.io/library/busybox (latest or 1.35) or a local directory (the context or a
// named context); otherwise it is skipped with a log line naming the images
// and remote sources it would pull. No marker is needed in the examples: the
// rule follows from what they read. Run steps get no network beyond the
// machine's, so an example that downloads at build time fails rather than
// being skipped.
//
// Tests run in parallel and make their steps unique with a random nonce
// where a cache hit from an earlier run would hide what they check; they
// never prune BuildKit's cache (hack/bench-frontend does). The package takes
// about 15 seconds on a 2-core machine, with BuildKit's cache warm or empty.
package e2e
