// Command syft-scanner is the SBOM generator of the offline e2e
// environment: syft (github.com/anchore/syft, as a library) behind
// BuildKit's SBOM scanner protocol (moby/buildkit
// docs/attestations/sbom-protocol.md), as docker/buildkit-syft-scanner
// puts it, which is not served by the Go module proxy and whose image
// cannot be pulled here. hack/e2e-env builds it from this module (its own
// go.mod, so that syft's dependencies enter neither the main module nor
// hack/tools) and pushes it as localhost:5000/test/sbom-scanner and, for
// the daemon's docker.io mirror, as BuildKit's default generator
// docker/buildkit-syft-scanner:stable-1.
//
// The protocol: $BUILDKIT_SCAN_SOURCE is the result's root filesystem and
// each directory in $BUILDKIT_SCAN_SOURCE_EXTRAS (optional) another one
// (the stages, with BUILDKIT_SBOM_SCAN_STAGE). Each is scanned as a
// directory that is its own root (symlinks resolve inside it) and written
// to $BUILDKIT_SCAN_DESTINATION/NAME.spdx.json, NAME being the
// directory's base name: an in-toto statement whose predicate
// (https://spdx.dev/Document) is syft's SPDX JSON.
//
// It catalogs as docker/buildkit-syft-scanner does: syft's image
// catalogers, its file catalogers and the sbom cataloger, and file
// metadata for the files packages own. The generator's parameters
// (--attest type=sbom,KEY=VALUE) reach it as BUILDKIT_SCAN_KEY:
// SELECT_CATALOGERS (syft's cataloger expression, comma-separated)
// replaces the selection and FILE_METADATA (none, owned-by-package or
// all) the file selection.
package main
