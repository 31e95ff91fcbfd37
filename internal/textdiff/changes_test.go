package textdiff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChanges(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want []Change
	}{
		{"a\nb\n", "a\nb\n", nil},
		{"a\nb\nc\n", "a\nB\nc\n", []Change{{1, 2, "B\n"}}},
		{"a\nc\n", "a\nb\nc\n", []Change{{1, 1, "b\n"}}},
		{"a\nb\nc\nd\n", "a\nc\n", []Change{{1, 2, ""}, {3, 4, ""}}},
		{"a\nb", "a\nb\n", []Change{{1, 2, "b\n"}}},
	} {
		got := Changes(tc.a, tc.b)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Changes(%q, %q) (-want +got):\n%s", tc.a, tc.b, diff)
		}
		// Applying the changes to a gives b.
		lines := strings.SplitAfter(tc.a, "\n")
		var out strings.Builder
		at := 0
		for _, c := range got {
			out.WriteString(strings.Join(lines[at:c.Start], ""))
			out.WriteString(c.New)
			at = c.End
		}
		out.WriteString(strings.Join(lines[at:], ""))
		if out.String() != tc.b {
			t.Errorf("applying Changes(%q, %q) gives %q", tc.a, tc.b, out.String())
		}
	}
}
