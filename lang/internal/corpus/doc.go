// Package corpus gathers the repository's build files for tests that hold
// a fast path to the library code it stands in for: every build file in
// lang's and golden's test cases (txtar archives) and in the examples.
package corpus
