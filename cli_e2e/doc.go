// Package cli_e2e tests `buildlang build`, the real binary, against the
// BuildKit daemon and registry of hack/e2e-env (see hack/README.md): pushes
// with semver tags, parallel groups, daemonless mode, cache export and
// import across fresh daemons, secrets, multi-platform indexes, push
// retries and atomicity, Ctrl-C, consent (--allow for network.host and
// for a secret outside the context, refused before BuildKit is contacted)
// and the base-image-platform warning (an error under a policy with
// base_platform = true). With CI=true the tests fail, rather
// than skip, when the environment is not up.
package cli_e2e
