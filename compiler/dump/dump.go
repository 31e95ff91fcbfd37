// Package dump renders marshaled LLB definitions as stable, readable text
// (for golden tests and `buildlang compile --format json`) and as Graphviz
// dot. It reads the pb.Definition BuildKit receives, op by op, so what it
// shows is exactly what is sent, not what the compiler meant to send.
package dump

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// Result is one definition to dump, under a name such as "app linux/amd64".
type Result struct {
	Name string
	Def  *pb.Definition
}

// Graph is the union of one or more definitions: ops deduplicated by
// digest, as BuildKit deduplicates them, in a stable topological order.
type Graph struct {
	Ops     []*Op
	Results []GraphResult
	byDgst  map[digest.Digest]*Op
}

// GraphResult is the op a definition's result is (nil for an empty result).
type GraphResult struct {
	Name string
	Op   *Op
}

// Op is one op of a graph with its metadata and build file locations.
type Op struct {
	ID        string // op1, op2, ... in graph order
	Digest    digest.Digest
	Op        *pb.Op
	Inputs    []*Op
	Meta      *pb.OpMetadata
	Locations []string // "build.hcl:12-15"
}

// Load builds the graph of definitions, in order.
func Load(results []Result) (*Graph, error) {
	g := &Graph{byDgst: map[digest.Digest]*Op{}}
	for _, r := range results {
		head, err := g.add(r.Def)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Name, err)
		}
		g.Results = append(g.Results, GraphResult{Name: r.Name, Op: head})
	}
	return g, nil
}

// add adds one definition's ops; Def lists inputs before their users,
// ending with a terminal op whose only input is the result.
func (g *Graph) add(def *pb.Definition) (*Op, error) {
	var head *Op
	for i, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return nil, err
		}
		if i == len(def.Def)-1 && op.Op == nil {
			if len(op.Inputs) > 0 {
				head = g.byDgst[digest.Digest(op.Inputs[0].Digest)]
			}
			break
		}
		dgst := digest.FromBytes(dt)
		if g.byDgst[dgst] != nil {
			continue
		}
		o := &Op{ID: "op" + strconv.Itoa(len(g.Ops)+1), Digest: dgst, Op: &op, Meta: def.Metadata[string(dgst)]}
		for _, in := range op.Inputs {
			dep := g.byDgst[digest.Digest(in.Digest)]
			if dep == nil {
				return nil, fmt.Errorf("op %s reads %s, which comes later", dgst, in.Digest)
			}
			o.Inputs = append(o.Inputs, dep)
		}
		o.Locations = locations(def, dgst)
		g.Ops = append(g.Ops, o)
		g.byDgst[dgst] = o
	}
	return head, nil
}

// locations renders an op's source locations, deduplicated, in order.
func locations(def *pb.Definition, dgst digest.Digest) []string {
	if def.Source == nil || def.Source.Locations[string(dgst)] == nil {
		return nil
	}
	var out []string
	for _, l := range def.Source.Locations[string(dgst)].Locations {
		file := "?"
		if int(l.SourceIndex) < len(def.Source.Infos) {
			file = def.Source.Infos[l.SourceIndex].Filename
		}
		for _, r := range l.Ranges {
			s := fmt.Sprintf("%s:%d", file, r.Start.Line)
			if r.End.Line != r.Start.Line {
				s += fmt.Sprintf("-%d", r.End.Line)
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Text renders a graph: one block per op, then the results.
func Text(g *Graph) string {
	var b strings.Builder
	for _, o := range g.Ops {
		writeOp(&b, o)
	}
	for _, r := range g.Results {
		id := "scratch"
		if r.Op != nil {
			id = r.Op.ID
		}
		fmt.Fprintf(&b, "result %s: %s\n", r.Name, id)
	}
	return b.String()
}

type writer struct {
	b *strings.Builder
}

func (w writer) line(format string, args ...any) {
	w.b.WriteString("  ")
	fmt.Fprintf(w.b, format, args...)
	w.b.WriteByte('\n')
}

func writeOp(b *strings.Builder, o *Op) {
	w := writer{b}
	fmt.Fprintf(b, "%s %s\n", o.ID, kind(o.Op))
	if p := o.Op.Platform; p != nil {
		w.line("platform %s", platformString(p))
	}
	switch op := o.Op.Op.(type) {
	case *pb.Op_Source:
		writeSource(w, op.Source)
	case *pb.Op_Exec:
		writeExec(w, o, op.Exec)
	case *pb.Op_File:
		writeFile(w, o, op.File)
	case *pb.Op_Merge:
		for _, in := range op.Merge.Inputs {
			w.line("merge %s", input(o, in.Input))
		}
	default:
		for i := range o.Inputs {
			w.line("input %s", input(o, int64(i)))
		}
	}
	writeMeta(w, o)
}

func kind(op *pb.Op) string {
	switch op.Op.(type) {
	case *pb.Op_Source:
		return "source"
	case *pb.Op_Exec:
		return "exec"
	case *pb.Op_File:
		return "file"
	case *pb.Op_Merge:
		return "merge"
	case *pb.Op_Diff:
		return "diff"
	case *pb.Op_Build:
		return "build"
	}
	return "unknown"
}

func platformString(p *pb.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// input names an op input by index: the op it is, or scratch for -1.
func input(o *Op, i int64) string {
	if i < 0 || int(i) >= len(o.Inputs) {
		return "scratch"
	}
	s := o.Inputs[i].ID
	if idx := o.Op.Inputs[i].Index; idx != 0 {
		s += fmt.Sprintf("[%d]", idx)
	}
	return s
}

func writeSource(w writer, s *pb.SourceOp) {
	w.line("identifier %s", s.Identifier)
	for _, k := range sortedKeys(s.Attrs) {
		w.line("attr %s=%s", k, s.Attrs[k])
	}
}

func writeMeta(w writer, o *Op) {
	if m := o.Meta; m != nil {
		if name := m.Description["llb.customname"]; name != "" {
			w.line("name %q", name)
		}
		for _, k := range sortedKeys(m.Description) {
			if k != "llb.customname" {
				w.line("description %s=%q", k, m.Description[k])
			}
		}
		if m.IgnoreCache {
			w.line("ignore-cache")
		}
		if pg := m.ProgressGroup; pg != nil {
			w.line("progress-group %q weak=%t", pg.Id, pg.Weak)
		}
	}
	for _, l := range o.Locations {
		w.line("at %s", l)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
