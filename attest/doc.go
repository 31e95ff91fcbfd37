// Package attest is the attestations a build asks for and the SBOM scan
// that makes one: FrontendAttrs turns buildx's --sbom, --provenance and
// --attest flags (and a build file's attest settings) into BuildKit's
// attest:* frontend attributes, and Scanner runs the SBOM generator image
// over a solved target as the Dockerfile frontend does
// (frontend/attestations/sbom), so `buildlang build` and the frontend
// attach the same SPDX attestations.
//
// Provenance is not made here: BuildKit's solver records it for any solve
// whose frontend attributes ask for attest:provenance, with the request's
// parameters only for frontend solves. For a client-side build,
// Invocation is the attestation that records them beside it: the build
// files, the environment and the variables (sensitive ones by name only).
package attest
