// Package trust holds the cross-cutting tests of issue #7: a build file is
// code from a repository that may not be yours, so buildlang must never
// crash on it, never leak a secret through it, never let it reach outside
// the build context, and always give the same LLB for the same input.
//
//   - corpus_test.go: the hostile corpus (trust/corpus, lang/testdata/bad)
//     through check, compile and the language server, each case in bounded
//     time and memory;
//   - secrets_test.go: marker values for secrets and sensitive variables
//     appear nowhere in LLB, image configs, diagnostics or LSP answers;
//   - confinement_test.go: copies cannot leave the build context, symlinks
//     included, on a real BuildKit;
//   - determinism_test.go: golden digests of every case's LLB;
//   - load_test.go: concurrent builds and LSP load;
//   - fuzz_test.go: FuzzCompile.
//
// End-to-end tests use the environment of hack/e2e-env (internal/e2eenv)
// and skip without it. hack/bench-trust runs the load tests at full size.
package trust
