// Package textdiff renders line diffs of two texts as unified diffs, for
// `buildlang fmt -diff` and for tests that compare golden text.
package textdiff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffContext is the number of unchanged lines shown around each change.
const diffContext = 3

// diffLine is one line of a line diff: ' ' kept, '-' removed, '+' added.
type diffLine struct {
	op   byte
	text string // with its "\n", if it has one
}

// Unified renders the changes from a to b as a unified diff (the format
// of diff -u and git diff) with oldName and newName in the ---/+++
// headers; it is "" when a and b are equal.
func Unified(oldName, newName, a, b string) string {
	if a == b {
		return ""
	}
	all := lineDiff(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	// oldLine and newLine number the lines before all[i], from 1.
	oldLine, newLine := 1, 1
	for i := 0; i < len(all); {
		if all[i].op == ' ' {
			oldLine++
			newLine++
			i++
			continue
		}
		// A hunk starts diffContext lines before this change and runs
		// until diffContext lines after a change that is followed by
		// more than 2*diffContext unchanged lines (or the end).
		start := max(i-diffContext, 0)
		for k := start; k < i; k++ {
			oldLine--
			newLine--
		}
		end := i
		for j := i; j < len(all); j++ {
			if all[j].op != ' ' {
				end = j + 1
				continue
			}
			if j-end >= 2*diffContext {
				break
			}
		}
		end = min(end+diffContext, len(all))
		hunk := all[start:end]
		var oldN, newN int
		for _, l := range hunk {
			if l.op != '+' {
				oldN++
			}
			if l.op != '-' {
				newN++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(oldLine, oldN), hunkRange(newLine, newN))
		for _, l := range hunk {
			out.WriteByte(l.op)
			out.WriteString(l.text)
			if !strings.HasSuffix(l.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		oldLine += oldN
		newLine += newN
		i = end
	}
	return out.String()
}

// lineDiff is the line diff from a to b.
func lineDiff(a, b string) []diffLine {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var all []diffLine
	for _, d := range diffs {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, l := range splitLines(d.Text) {
			all = append(all, diffLine{op, l})
		}
	}
	return all
}

// A Change replaces lines [Start, End) of the old text (numbered from 0)
// with New: lines of the new text, each with its "\n" if it has one.
type Change struct {
	Start, End int
	New        string
}

// Changes are the changes from a to b, in order, with no unchanged line
// inside one; none when a and b are equal.
func Changes(a, b string) []Change {
	var out []Change
	line := 0
	var cur *Change
	for _, l := range lineDiff(a, b) {
		if l.op == ' ' {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			line++
			continue
		}
		if cur == nil {
			cur = &Change{Start: line, End: line}
		}
		if l.op == '-' {
			cur.End++
			line++
		} else {
			cur.New += l.text
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// hunkRange formats a hunk's start and length as diff -u does: an empty
// range starts at the line before it.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprintf("%d", start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// splitLines splits s after each "\n"; a last line without one is kept.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// Lines is a unified diff of want and got for test failures: - lines are
// expected, + lines are what the code produced.
func Lines(want, got string) string { return Unified("want", "got", want, got) }
