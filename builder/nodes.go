package builder

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/buildxstore"
	"github.com/org/buildlang/lang"
)

// This file is a multi-node build's nodes (--node): several BuildKit
// daemons, each target built on the one that runs its platforms natively.

// Node is one BuildKit endpoint of a multi-node build.
type Node struct {
	Name    string
	Connect ConnectOptions
	// Platforms are the ones the user declared it for (platforms=): it
	// is preferred for them over a node that only lists them.
	Platforms []ocispecs.Platform
}

// ParseNode reads --node NAME=ADDR[,platforms=P1,P2...][,tlscacert=FILE]
// [,tlscert=FILE][,tlskey=FILE][,servername=NAME]. A comma-separated part
// without "=" after platforms= is another platform, as in
// platforms=linux/amd64,linux/arm64.
func ParseNode(s string) (Node, error) {
	parts := strings.Split(s, ",")
	name, addr, ok := strings.Cut(parts[0], "=")
	if !ok || name == "" || addr == "" {
		return Node{}, fmt.Errorf("--node %q: write NAME=ADDR[,platforms=linux/arm64,...], e.g. --node arm=tcp://10.0.0.5:1234,platforms=linux/arm64", s)
	}
	if err := lang.CheckNodeAddress(addr); err != nil {
		return Node{}, fmt.Errorf("--node %s: %w", name, err)
	}
	n := Node{Name: name, Connect: ConnectOptions{Addr: addr}}
	inPlatforms := false
	for _, part := range parts[1:] {
		k, v, hasVal := strings.Cut(part, "=")
		if !hasVal && inPlatforms {
			k, v = "platforms", part
		}
		inPlatforms = false
		switch k {
		case "platforms":
			p, err := platforms.Parse(v)
			if err != nil {
				return Node{}, fmt.Errorf("--node %s: platform %q: %w", name, v, err)
			}
			n.Platforms = append(n.Platforms, platforms.Normalize(p))
			inPlatforms = true
		case "tlscacert":
			n.Connect.TLSCACert = v
		case "tlscert":
			n.Connect.TLSCert = v
		case "tlskey":
			n.Connect.TLSKey = v
		case "servername":
			n.Connect.TLSServerName = v
		default:
			return Node{}, fmt.Errorf("--node %s: unknown option %q; use platforms, tlscacert, tlscert, tlskey or servername", name, part)
		}
	}
	return n, nil
}

// EnvNodes are an environment's nodes (its nodes attribute, checked by
// lang), with TLS files relative to the file that declares it.
func EnvNodes(env *lang.Environment) []Node {
	dir := fileDir(env.DeclRange.Filename)
	file := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	var out []Node
	for _, n := range env.Nodes {
		out = append(out, Node{Name: n.Name, Platforms: n.Platforms, Connect: ConnectOptions{
			Addr: n.Address, TLSCACert: file(n.TLS.CACert), TLSCert: file(n.TLS.Cert), TLSKey: file(n.TLS.Key), TLSServerName: n.TLS.ServerName,
		}})
	}
	return out
}

// BuilderNodes are the nodes of the buildx builder named name (--builder),
// read from buildx's builder store (getenv finds it: $BUILDX_CONFIG,
// $DOCKER_CONFIG).
func BuilderNodes(name string, getenv func(string) string) ([]Node, error) {
	dir, err := buildxstore.Dir(getenv)
	if err != nil {
		return nil, err
	}
	b, err := buildxstore.Load(dir, name)
	if err != nil {
		return nil, err
	}
	var out []Node
	for _, n := range b.Nodes {
		a, err := b.Endpoint(n, nil)
		if err != nil {
			return nil, fmt.Errorf("--builder %s: %w", name, err)
		}
		out = append(out, Node{Name: n.Name, Platforms: n.Platforms, Connect: ConnectOptions{
			Addr: a.Addr, TLSCACert: a.TLSCACert, TLSCert: a.TLSCert, TLSKey: a.TLSKey, TLSServerName: a.TLSServerName,
		}})
	}
	return out, nil
}

// LiveNode is a node that answered, with its workers' platforms (the
// first worker's first platform is the one it runs natively).
type LiveNode struct {
	Node
	Conn    *Connection
	Workers []ocispecs.Platform
}

// ConnectNodes connects to every node at once; a node that does not answer
// is skipped with a warning on log. It fails only when none answers.
func ConnectNodes(ctx context.Context, nodes []Node, log io.Writer) ([]*LiveNode, error) {
	live := make([]*LiveNode, len(nodes))
	errs := make([]error, len(nodes))
	done := make(chan int)
	for i, n := range nodes {
		go func() {
			defer func() { done <- i }()
			co := n.Connect
			c, err := dial(ctx, co.Addr, co, 10*time.Second)
			if err != nil {
				errs[i] = err
				return
			}
			ln := &LiveNode{Node: n, Conn: &Connection{Client: c, Addr: co.Addr}}
			ws, err := c.ListWorkers(ctx)
			if err != nil {
				c.Close()
				errs[i] = err
				return
			}
			for _, w := range ws {
				for _, p := range w.Platforms {
					ln.Workers = append(ln.Workers, platforms.Normalize(p))
				}
			}
			live[i] = ln
		}()
	}
	for range nodes {
		<-done
	}
	var out []*LiveNode
	for i, n := range nodes {
		if live[i] == nil {
			fmt.Fprintf(log, "WARNING: node %s (%s) is down, building without it: %v\n", n.Name, n.Connect.Addr, firstLine(errs[i].Error()))
			continue
		}
		out = append(out, live[i])
	}
	if len(out) == 0 {
		var names []string
		for _, n := range nodes {
			names = append(names, n.Name+" ("+n.Connect.Addr+")")
		}
		return nil, fmt.Errorf("no node answers: %s", strings.Join(names, ", "))
	}
	return out, nil
}

// Close closes every node's connection.
func CloseNodes(nodes []*LiveNode) error {
	var first error
	for _, n := range nodes {
		if err := n.Conn.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// fit says how well a node runs a platform: 0 declared for it
// (platforms=), 1 native (its first worker platform), 2 emulated (another
// worker platform), -1 not at all.
func (n *LiveNode) fit(p ocispecs.Platform) int {
	key := platforms.FormatAll(platforms.Normalize(p))
	has := func(ps []ocispecs.Platform) bool {
		return slices.ContainsFunc(ps, func(q ocispecs.Platform) bool { return platforms.FormatAll(q) == key })
	}
	switch {
	case len(n.Workers) == 0 || !has(n.Workers):
		return -1
	case has(n.Platforms):
		return 0
	case platforms.FormatAll(n.Workers[0]) == key:
		return 1
	}
	return 2
}

// Schedule chooses the node for each target, given its platforms: the one
// that fits its platforms best (declared, then native, then emulated),
// ties going to the node with fewer targets so far, then to the order
// given. A target is built whole on one node. It fails naming the target
// and platform no node can run.
func Schedule(nodes []*LiveNode, targets []string, plats map[string][]ocispecs.Platform) (map[string]*LiveNode, error) {
	out := map[string]*LiveNode{}
	load := map[*LiveNode]int{}
	for _, t := range targets {
		var best *LiveNode
		bestScore := 0
		for _, n := range nodes {
			score := 0
			for _, p := range plats[t] {
				f := n.fit(p)
				if f < 0 {
					score = -1
					break
				}
				score += f
			}
			if score < 0 {
				continue
			}
			if best == nil || score < bestScore || (score == bestScore && load[n] < load[best]) {
				best, bestScore = n, score
			}
		}
		if best == nil {
			return nil, fmt.Errorf("target %q: no node runs %s (nodes: %s)", t, formatPlatforms(plats[t]), nodeList(nodes))
		}
		out[t] = best
		load[best]++
	}
	return out, nil
}

func nodeList(nodes []*LiveNode) string {
	var s []string
	for _, n := range nodes {
		s = append(s, n.Name+" "+formatPlatforms(n.Workers))
	}
	return strings.Join(s, "; ")
}

// PrintNodeSummary writes one line per node of a multi-node build: its
// targets, steps, cached steps and time.
func PrintNodeSummary(w io.Writer, reps []*Report) {
	for _, r := range reps {
		var names []string
		steps, cached := 0, 0
		var took time.Duration
		for _, t := range r.Targets {
			names = append(names, t.Target.Name)
			steps += t.Steps
			cached += t.Cached
			took = max(took, t.Duration)
		}
		fmt.Fprintf(w, "node %s (%s): %s; %d steps (%d cached) in %s\n", r.Node, r.Addr, strings.Join(names, ", "), steps, cached, took.Round(10*time.Millisecond))
	}
}

// Reschedule places the targets and parts of nodes that stopped answering
// (lost, each NodeLost) on the nodes left by Assign's rule: by platform
// and load, and a target that feeds another where its dependent is built
// (another lost one, or one of kept, the results of nodes still
// answering). It gives every name placed. When no node left runs some of
// them it places none and fails with a *StrandedError naming them all.
func Reschedule(b *lang.Build, left []*LiveNode, lost, kept []*TargetResult) (*Assignment, []string, error) {
	stranded := &StrandedError{Left: left}
	var names []string
	plats := map[string][]ocispecs.Platform{}
	part := map[string]bool{}
	for _, t := range lost {
		tp := t.Target
		runs := func(ps ...ocispecs.Platform) bool {
			_, err := scheduleWithLoad(left, tp.Name, ps, nil)
			return err == nil
		}
		ok := runs(tp.Platforms...)
		if tp.Part { // a part may split again over the nodes left
			ok = !slices.ContainsFunc(tp.Platforms, func(p ocispecs.Platform) bool { return !runs(p) })
		}
		if !ok {
			stranded.Targets = append(stranded.Targets, t)
			continue
		}
		if plats[tp.Name] == nil {
			names = append(names, tp.Name)
		}
		plats[tp.Name] = append(plats[tp.Name], tp.Platforms...)
		part[tp.Name] = part[tp.Name] || tp.Part
	}
	if len(stranded.Targets) > 0 {
		return nil, nil, stranded
	}
	placed := map[string]map[string]*LiveNode{}
	for _, t := range kept {
		i := slices.IndexFunc(left, func(n *LiveNode) bool { return n.Name == t.Node })
		if t.NodeLost || i < 0 || plats[t.Target.Name] != nil {
			continue
		}
		if placed[t.Target.Name] == nil {
			placed[t.Target.Name] = map[string]*LiveNode{}
		}
		for _, p := range t.Target.Platforms {
			placed[t.Target.Name][platforms.FormatAll(p)] = left[i]
		}
	}
	a, err := assign(b, left, names, plats, func(t string) bool { return part[t] }, placed)
	if err != nil {
		return nil, nil, err
	}
	// A lost part stays a part (pushed by digest, merged with the
	// others) when one node takes all its platforms.
	for n, ts := range a.Whole {
		a.Whole[n] = slices.DeleteFunc(ts, func(t string) bool {
			if part[t] {
				a.AddPart(n, t, plats[t]...)
			}
			return part[t]
		})
	}
	return a, names, nil
}

// StrandedError says which targets of the nodes that stopped answering no
// node left can build.
type StrandedError struct {
	// Targets are the stranded targets (or parts), as their lost node
	// reported them.
	Targets []*TargetResult
	Left    []*LiveNode
}

// Error names, per lost node and platforms, the targets no node left
// runs, then the nodes left:
//
//	node arm stopped answering, and no node left runs linux/arm64 for targets "app", "db" (nodes left: amd linux/amd64)
func (e *StrandedError) Error() string {
	type key struct{ node, plats string }
	var order []key
	byKey := map[key][]string{}
	for _, t := range e.Targets {
		k := key{t.Node, formatPlatforms(t.Target.Platforms)}
		if byKey[k] == nil {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], t.Target.Name)
	}
	var msgs []string
	for _, k := range order {
		what := "target"
		if len(byKey[k]) > 1 {
			what = "targets"
		}
		msgs = append(msgs, fmt.Sprintf("node %s stopped answering, and no node left runs %s for %s %s", k.node, k.plats, what, quoteJoin(byKey[k])))
	}
	left := "no node left"
	if len(e.Left) > 0 {
		left = "nodes left: " + nodeList(e.Left)
	}
	return strings.Join(msgs, "; ") + " (" + left + ")"
}
