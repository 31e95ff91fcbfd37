// Package trust holds the cross-cutting tests of issue #7: a build file is
// code from a repository that may not be yours, so buildlang must never
// crash on it, never leak a secret through it, never let it reach outside
// the build context, and always give the same LLB for the same input.
//
//   - corpus_test.go, lsp_test.go: the hostile corpus (trust/corpus and
//     lang/testdata/bad) through check and compile, and through the
//     language server, each case within bounds on the bytes and objects
//     it allocates (corpus.Cost: counts, so load cannot fail them); the
//     frontend's path is frontend/corpus_test.go; BenchmarkCorpus
//     measures the corpus's speed against a realistic check;
//   - secrets_test.go, cli_test.go: marker values for secrets and sensitive
//     variables appear nowhere in LLB, image configs, diagnostics, language
//     server answers, or `buildlang build`'s output and metadata;
//   - confinement_test.go: copies cannot leave the build context, symlinks
//     included, on a real BuildKit;
//   - entitlements_test.go: privileged steps and what BuildKit says of
//     them; the frontend image runs without network;
//   - determinism_test.go: golden digests of every case's LLB, and 100
//     compiles per sampled case;
//   - load_test.go: concurrent builds through the frontend, the language
//     server under edits and concurrent requests;
//   - fuzz_test.go: FuzzCompile.
//
// End-to-end tests use the environment of hack/e2e-env (internal/e2eenv)
// and skip without it. hack/bench-trust runs the load tests at full size
// (TRUST_FULL=1) and every fuzz target of this work.
package trust
