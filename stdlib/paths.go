package stdlib

import (
	"path"
)

// The path helpers use package path, not path/filepath: build paths are
// slash-separated on every host, so the result must not depend on the OS
// that evaluates the build file.
func pathFuncs() []entry {
	return []entry{
		{name: "basename", category: catPaths, fn: stringToString(
			`Returns the last element of a slash-separated path, ignoring trailing slashes: basename("src/app/main.go") is "main.go", basename("/") is "/", basename("") is ".".`,
			"path", "The path.",
			func(p string) (string, error) { return path.Base(p), nil })},
		{name: "dirname", category: catPaths, fn: stringToString(
			`Returns all but the last element of a slash-separated path, cleaned: dirname("src/app/main.go") is "src/app", dirname("main.go") is ".", dirname("/main.go") is "/".`,
			"path", "The path.",
			func(p string) (string, error) { return path.Dir(p), nil })},
	}
}
