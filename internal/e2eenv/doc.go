// Package e2eenv connects end-to-end tests to the real BuildKit environment
// started by hack/e2e-env: a buildkitd (built from the BuildKit version in
// go.mod, OCI worker, linux/amd64 and linux/arm64 via qemu binfmt) and a
// plain-HTTP registry on localhost:5000 that mirrors docker.io and holds
// locally made base images (library/busybox:latest, multi-arch).
//
// A test starts with
//
//	env := e2eenv.Require(t)
//
// which returns the addresses once buildkitd has answered a ListWorkers call.
// If it does not answer, the test is skipped, or fails when CI=true, with a
// message saying to run `hack/e2e-env up` (as root). Addresses come from
// BUILDKIT_HOST and BUILDLANG_E2E_REGISTRY, defaulting to the script's
// unix:///run/buildlang-e2e/buildkitd.sock and localhost:5000;
// `eval "$(hack/e2e-env env)"` sets them.
//
// Buildctl runs the buildctl binary that hack/e2e-env built (in .e2e/bin at
// the repository root, or $BUILDLANG_E2E_BIN) against that daemon.
//
// fixtures.go holds what both suites (e2e through the frontend, cli_e2e
// through the CLI) build or read alike, so the two test one project the
// same way: HostNetworkPolicyProject, LayoutDigest.
package e2eenv
