// Package collect makes build records (package records) on the client
// side of a build: from the LLB definition it solved (ops, source
// locations, ignore-cache flags, base image digests), BuildKit's vertex
// statuses, the host directories sent as local sources (files hashed with
// the filters BuildKit's file sync and copy apply, from fsutil) and the
// build's variables (the ones each step's expressions name).
//
// Without statuses the record is a prediction: `buildlang why --plan`
// compares it with the last record.
package collect
