// Package locker makes build.lock: Collect lists every tagged image a build
// reads (bases, image() copies and bind mounts) with the platforms it is
// pulled for, and Update resolves them to digests through their registries
// and merges the result with the existing lock file, refreshing only what
// it is asked to.
//
// It sits beside the lock file's model (package lock) rather than in it so
// that readers of build.lock — the language, the language server, the
// frontend — never link a registry client.
package locker
