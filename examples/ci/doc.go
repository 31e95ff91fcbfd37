// Package ci holds CI recipes for buildlang (github-actions.yml,
// gitlab-ci.yml) and the project they build (build.hcl). Its test runs
// each recipe's shell steps, in order, against the e2e BuildKit daemon and
// registry (hack/e2e-env), with the CI services' actions replaced by what
// they do, so the recipes keep working.
package ci
