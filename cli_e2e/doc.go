// Package cli_e2e tests `buildlang build`, the real binary, against the
// BuildKit daemon and registry of hack/e2e-env (see hack/README.md): pushes
// with semver tags, parallel groups, daemonless mode, cache export and
// import across fresh daemons, secrets, multi-platform indexes, push
// retries and atomicity, and Ctrl-C. With CI=true the tests fail, rather
// than skip, when the environment is not up.
package cli_e2e
