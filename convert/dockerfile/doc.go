// Package dockerfile converts a Dockerfile to buildlang target blocks. It
// reads the Dockerfile with BuildKit's own parser and instructions and
// expands words with BuildKit's shell lexer, so each instruction means what
// it means to the Dockerfile frontend; what buildlang cannot say faithfully
// becomes a comment at that spot and a Warning with the Dockerfile's line.
package dockerfile
