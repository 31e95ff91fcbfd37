// Package spec holds buildlang's specification, the Markdown files in this
// directory, and keeps it honest:
//
//   - language.md is the normative language reference, written by hand;
//   - dockerfile.md maps Dockerfile instructions to buildlang; its table's
//     rows are checked against its samples (TestDockerfileChapter);
//   - reference.md lists every block and attribute; it is generated from
//     lang.TopSchema by RenderReference (go generate ./spec);
//   - stdlib.md and lint.md are generated from the stdlib and lint packages;
//   - nodes.md describes builds over several BuildKit nodes (--node,
//     --builder, an environment's nodes): scheduling, faults, reports.
//
// The tests check that reference.md is up to date and that every hcl
// sample in spec/*.md and README.md means what the text around it says: it
// loads without errors and is formatted, or, fenced as "hcl error", fails
// with the diagnostics shown after it. Samples extracts the samples, for
// those tests and for lang/format's round-trip tests.
//
//go:generate go run ../internal/gendocs -dir .
package spec
