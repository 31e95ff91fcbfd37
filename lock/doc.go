// Package lock is the model of build.lock, the file that pins every image
// a build reads to the digest its tag pointed to when `buildlang lock` ran:
// reading it (Parse, with diagnostics at the lock file's lines), writing it
// (Format: sorted, stable, one block per image) and looking images up by
// reference (Lookup).
//
// It knows nothing of registries or BuildKit, so the language (lang), the
// language server and the frontend can all read the same file the same
// way; resolving tags to digests is the lock command's business.
package lock
