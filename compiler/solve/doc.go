// Package solve is the one place a build's compiled outputs become a
// gateway result, for the frontend and for `buildlang build` alike: each
// platform's output is solved on the gateway, an SBOM attached when asked,
// and the per-platform refs, image configs, epochs and platform list
// assembled by dockerui's result builder, as the Dockerfile frontend
// assembles them (Build). It also turns a cache policy's entries into
// BuildKit's cache options (CacheEntry), for the builder's solves and the
// frontend's registry imports, and a warning diagnostic into a gateway
// warning with the build file's lines (Warning), as both send theirs.
//
// It sits below frontend and builder (frontend must not import builder)
// and needs only compiler, lang/lint, attest and BuildKit's gateway side.
package solve
