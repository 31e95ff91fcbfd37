package builder

import (
	"maps"
	"slices"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// This file is which node builds what in a multi-node build: whole targets
// and, for an image pushed by tag, parts (some of its platforms), with a
// target that feeds another built where its result is needed.

// Assignment is what each node builds: whole targets, and parts of split
// images (Options.Parts).
type Assignment struct {
	Whole map[*LiveNode][]string
	Parts map[*LiveNode]map[string][]ocispecs.Platform
}

// Work are the targets a node builds, whole or as parts, in the order given.
func (a *Assignment) Work(n *LiveNode, order []string) []string {
	var out []string
	for _, t := range order {
		if _, part := a.Parts[n][t]; (part || slices.Contains(a.Whole[n], t)) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// NewAssignment is an empty Assignment.
func NewAssignment() *Assignment {
	return &Assignment{Whole: map[*LiveNode][]string{}, Parts: map[*LiveNode]map[string][]ocispecs.Platform{}}
}

// AddWhole has n build all of t's platforms.
func (a *Assignment) AddWhole(n *LiveNode, t string) { a.Whole[n] = append(a.Whole[n], t) }

// AddPart has n build platforms ps of t, pushed by digest.
func (a *Assignment) AddPart(n *LiveNode, t string, ps ...ocispecs.Platform) {
	if a.Parts[n] == nil {
		a.Parts[n] = map[string][]ocispecs.Platform{}
	}
	a.Parts[n][t] = append(a.Parts[n][t], ps...)
}

// Assign chooses the nodes of a build's targets (in request order), given
// each one's platforms. A target whose platforms split (split says it may:
// an image pushed by tag, see Splittable) has each platform built on the
// node that runs it best, as a part; other targets go whole to one node
// (Schedule).
//
// A target that feeds another requested one (b's Deps, followed through
// targets not requested) is built where its result is needed: on the
// node that builds its first dependent for that platform, when that node
// runs the platform. Its dependent's solve holds its steps, so the node
// builds them once, for both; on another node they would be built twice.
// The dependents are placed first, by platform and load, as independent
// targets are.
func Assign(b *lang.Build, nodes []*LiveNode, targets []string, plats map[string][]ocispecs.Platform, split func(target string) bool) (*Assignment, error) {
	return assign(b, nodes, targets, plats, split, nil)
}

// assign is Assign with the targets other nodes already build (placed:
// target → platform → node, none of targets), which the targets that
// feed them join as they join a requested dependent.
func assign(b *lang.Build, nodes []*LiveNode, targets []string, plats map[string][]ocispecs.Platform, split func(target string) bool, placed map[string]map[string]*LiveNode) (*Assignment, error) {
	a := NewAssignment()
	feeds := feeding(b, slices.Concat(targets, sortedKeys(placed)))
	// where[t][platform] is the node building t for that platform.
	where := maps.Clone(placed)
	if where == nil {
		where = map[string]map[string]*LiveNode{}
	}
	load := map[*LiveNode]int{}
	for _, t := range dependentsFirst(targets, feeds) {
		at := map[string]*LiveNode{} // platform → node, from t's dependents
		for _, d := range feeds[t] {
			for p, n := range where[d] {
				if at[p] == nil {
					at[p] = n
				}
			}
		}
		where[t] = map[string]*LiveNode{}
		place := func(p ocispecs.Platform) (*LiveNode, error) {
			if n := at[platforms.FormatAll(p)]; n != nil && n.fit(p) >= 0 {
				return n, nil
			}
			s, err := scheduleWithLoad(nodes, t, []ocispecs.Platform{p}, load)
			return s, err
		}
		ps := plats[t]
		if len(ps) > 1 && split(t) {
			byNode := map[*LiveNode][]ocispecs.Platform{}
			var order []*LiveNode
			for _, p := range ps {
				n, err := place(p)
				if err != nil {
					return nil, err
				}
				if byNode[n] == nil {
					order = append(order, n)
				}
				byNode[n] = append(byNode[n], p)
				where[t][platforms.FormatAll(p)] = n
			}
			if len(order) > 1 {
				for _, n := range order {
					a.AddPart(n, t, byNode[n]...)
					load[n]++
				}
				continue
			}
		}
		// Whole: the node its dependents are on for all its platforms, if
		// one runs them all, else the best by platform and load.
		var n *LiveNode
		if len(at) > 0 {
			n = at[platforms.FormatAll(ps[0])]
			for _, p := range ps {
				if n == nil || at[platforms.FormatAll(p)] != n || n.fit(p) < 0 {
					n = nil
					break
				}
			}
		}
		if n == nil {
			var err error
			if n, err = scheduleWithLoad(nodes, t, ps, load); err != nil {
				return nil, err
			}
		}
		a.AddWhole(n, t)
		load[n]++
		for _, p := range ps {
			where[t][platforms.FormatAll(p)] = n
		}
	}
	return a, nil
}

// scheduleWithLoad is Schedule of one target, ties going to the node with
// the least load so far.
func scheduleWithLoad(nodes []*LiveNode, t string, ps []ocispecs.Platform, load map[*LiveNode]int) (*LiveNode, error) {
	byLoad := slices.Clone(nodes)
	slices.SortStableFunc(byLoad, func(x, y *LiveNode) int { return load[x] - load[y] })
	s, err := Schedule(byLoad, []string{t}, map[string][]ocispecs.Platform{t: ps})
	if err != nil {
		return nil, err
	}
	return s[t], nil
}

// feeding maps each requested target to the requested targets that read
// it, directly or through targets not requested, in request order.
func feeding(b *lang.Build, targets []string) map[string][]string {
	requested := map[string]bool{}
	for _, t := range targets {
		requested[t] = true
	}
	out := map[string][]string{}
	for _, d := range targets {
		seen := map[string]bool{}
		var walk func(name string)
		walk = func(name string) {
			t := b.Target(name)
			if t == nil {
				return
			}
			for _, dep := range t.Deps {
				if seen[dep] {
					continue
				}
				seen[dep] = true
				if requested[dep] && dep != d {
					if !slices.Contains(out[dep], d) {
						out[dep] = append(out[dep], d)
					}
					continue
				}
				walk(dep)
			}
		}
		walk(d)
	}
	for k := range out {
		slices.SortStableFunc(out[k], func(x, y string) int { return slices.Index(targets, x) - slices.Index(targets, y) })
	}
	return out
}

// dependentsFirst orders targets so each comes after the requested
// targets it feeds, keeping the request order otherwise. A cycle (lang
// refuses them) would leave the rest in request order.
func dependentsFirst(targets []string, feeds map[string][]string) []string {
	var out []string
	done := map[string]bool{}
	for len(out) < len(targets) {
		progress := false
		for _, t := range targets {
			if done[t] {
				continue
			}
			ready := true
			for _, d := range feeds[t] {
				if !done[d] && slices.Contains(targets, d) { // others are placed already
					ready = false
					break
				}
			}
			if ready {
				out = append(out, t)
				done[t] = true
				progress = true
			}
		}
		if !progress {
			for _, t := range targets {
				if !done[t] {
					out = append(out, t)
					done[t] = true
				}
			}
		}
	}
	return out
}
