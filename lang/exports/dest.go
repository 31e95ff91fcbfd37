package exports

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// CheckPush refuses an image output that pushes but has no name when its
// target has no tags (an image output is named by them): there is nothing
// to push to. lang reports it at the output entry, the builder for
// --output and --push.
func CheckPush(o Output, tags []string) error {
	if o.Type == OutputImage && o.Push() && o.Attrs["name"] == "" && len(tags) == 0 {
		return fmt.Errorf("cannot push: it has no tags; add tags = [...] to it or give the image a name: type=image,name=REF,push=true")
	}
	return nil
}

// TargetDest replaces {target} in an output's dest with the target's
// name, so that targets built together write apart.
func TargetDest(dest, target string) string { return strings.ReplaceAll(dest, "{target}", target) }

// Write is one file or directory a target's output writes.
type Write struct {
	Target string
	// Dest is the output's dest with {target} replaced: "-" for standard
	// output, else a path, compared cleaned (Clean says how).
	Dest string
}

// Collision is two targets built together writing the same dest.
type Collision struct {
	First, Second Write
}

func (c Collision) Error() string {
	return fmt.Sprintf("targets %q and %q would both write %s; with several targets, put {target} in the output's dest, e.g. dest=out/{target}.tar", c.First.Target, c.Second.Target, c.Second.Dest)
}

// Collisions lists the writes, in order, that write a dest an earlier
// write of another target writes too (one target writing a dest twice is
// its own affair). clean makes dests comparable: the builder makes them
// absolute host paths (filepath.Abs), lang slash paths relative to the
// build's directory (CleanSlash). "-" is compared as it is.
func Collisions(writes []Write, clean func(string) string) []Collision {
	first := map[string]Write{}
	var out []Collision
	for _, w := range writes {
		if w.Dest == "" {
			continue
		}
		key := w.Dest
		if key != "-" {
			key = clean(key)
		}
		if f, ok := first[key]; !ok {
			first[key] = w
		} else if f.Target != w.Target {
			out = append(out, Collision{First: f, Second: w})
		}
	}
	return out
}

// CleanSlash cleans a slash-separated path, for Collisions.
func CleanSlash(p string) string { return path.Clean(p) }

// CleanAbs makes a host path absolute, for Collisions.
func CleanAbs(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	return abs
}
