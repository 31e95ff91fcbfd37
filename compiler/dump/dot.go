package dump

import (
	"fmt"
	"strings"
)

// Dot renders a graph for Graphviz: one node per op labeled with its
// vertex name (or kind), edges from inputs to users, results as boxes.
func Dot(g *Graph) string {
	var b strings.Builder
	b.WriteString("digraph llb {\n  rankdir=BT;\n  node [shape=box, fontname=monospace];\n")
	for _, o := range g.Ops {
		label := kind(o.Op)
		if o.Meta != nil && o.Meta.Description["llb.customname"] != "" {
			label = o.Meta.Description["llb.customname"]
		}
		fmt.Fprintf(&b, "  %s [label=%q];\n", o.ID, o.ID+" "+label)
	}
	for _, o := range g.Ops {
		for _, in := range o.Inputs {
			fmt.Fprintf(&b, "  %s -> %s;\n", in.ID, o.ID)
		}
	}
	for i, r := range g.Results {
		fmt.Fprintf(&b, "  result%d [label=%q, shape=ellipse];\n", i+1, r.Name)
		if r.Op != nil {
			fmt.Fprintf(&b, "  %s -> result%d;\n", r.Op.ID, i+1)
		}
	}
	b.WriteString("}\n")
	return b.String()
}
