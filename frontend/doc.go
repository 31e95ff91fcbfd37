// Package frontend is the BuildKit gateway frontend for buildlang: it reads
// the build files from the client's dockerfile local, checks them with lang,
// compiles the requested target with compiler and solves it per platform.
//
// It stays thin on purpose: BuildKit's frontend/dockerui implements the
// conventions every frontend user knows (the context and dockerfile locals,
// filename, build-arg:*, platform, target, context:NAME, no-cache,
// cache-from, subrequests, multi-platform results), so this package only
// maps them onto buildlang's options and model. Each platform's output is
// solved and the result assembled by compiler/solve, which buildlang build
// uses too, so both give the same images, configs and attestations.
package frontend
