// Package records keeps a small local record of each build of a target for
// one platform, and explains, by comparing two records, why steps missed
// BuildKit's cache (`buildlang why`, `buildlang history`, the language
// server's cache hints).
//
// A Record lists every compiled step with its LLB digest, a content key
// (the step's own op, its inputs' keys and the checksums of the context
// files it reads), its source location, the base image digest it pulled,
// the variables that reach it and whether BuildKit found it in its cache.
// Sensitive variables appear only as a keyed hash (HMAC-SHA256 with a
// per-project random key), never as their value.
//
// A Store keeps records in a project-local state directory
// (.buildlang/records) within a size bound. Explain compares two records.
//
// This package depends on neither BuildKit nor the language: records are
// made by records/collect, on the client side of a build, and read here by
// the CLI and the language server alike.
package records
