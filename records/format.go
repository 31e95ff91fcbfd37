package records

import (
	"fmt"
	"io"
)

// Print writes an explanation as `buildlang why` shows it:
//
//	app linux/amd64: 2 of 5 steps re-ran (record 20261203-121500.123-ab12, compared with 20261203-120900.456-cd34)
//	build.hcl:18: [app linux/amd64 3/5] COPY src /src
//	  copy at build.hcl:18 reads src/main.go, which changed
//	  1 step after it re-ran because it builds on it
func (ex *Explanation) Print(w io.Writer) {
	verb := "re-ran"
	if ex.Predicted {
		verb = "will re-run"
	}
	steps := "steps"
	if ex.Steps == 1 {
		steps = "step"
	}
	fmt.Fprintf(w, "%s %s: %d of %d %s %s", ex.Target, ex.Platform, ex.Missed, ex.Steps, steps, verb)
	switch {
	case ex.Predicted && ex.Previous != "":
		fmt.Fprintf(w, " (compared with record %s)\n", ex.Previous)
	case ex.Previous != "":
		fmt.Fprintf(w, " (record %s, compared with %s)\n", ex.Record, ex.Previous)
	default:
		fmt.Fprintln(w)
	}
	if ex.Note != "" {
		fmt.Fprintf(w, "  %s\n", ex.Note)
	}
	for _, m := range ex.Misses {
		fmt.Fprintf(w, "%s: %s\n", m.At, m.Name)
		for _, c := range m.Causes {
			fmt.Fprintf(w, "  %s\n", c.Message)
		}
		for _, n := range m.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		switch m.Dependents {
		case 0:
		case 1:
			fmt.Fprintf(w, "  1 step after it %s because it builds on it\n", verb)
		default:
			fmt.Fprintf(w, "  %d steps after it %s because they build on it\n", m.Dependents, verb)
		}
	}
}
