// Package convert holds the converters that bring existing builds over to
// buildlang: convert/dockerfile turns a Dockerfile into target blocks,
// convert/bake turns a docker-bake.hcl (and the Dockerfiles it names) into
// one build file. Both write through convert/hclgen, so their output is
// formatted as `buildlang fmt` formats it.
package convert
