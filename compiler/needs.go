package compiler

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

// Needs is what an output needs from the client that builds it and from
// the daemon: secrets and ssh agents by id, the local directories it reads
// and the entitlements its steps ask for, each with the steps that need
// it. It covers the output's own steps and those of every target it reads.
// Clients learn what to provide, and what to ask the user's consent for,
// from it rather than from the LLB.
type Needs struct {
	// Secrets and SSH are the mounted ids, in first-use order.
	Secrets, SSH []*Need
	// Entitlements are BuildKit entitlements: network.host,
	// security.insecure.
	Entitlements []*Need
	// Devices are the CDI devices the steps mount, by name, in first-use
	// order; Required when a mount is. Each needs the device entitlement
	// unless buildkitd's CDI spec lets builds use it without.
	Devices []*Need
	// Locals are the llb.Local names the output reads: the main context
	// (Request.Context.Name, default "context") and local("NAME") sources.
	Locals []string
	// NamedContexts are the contexts.NAME names read.
	NamedContexts []string
}

// Need is one secret, ssh agent or entitlement.
type Need struct {
	Name string
	// Required is true when some step fails without it (a secret or ssh
	// mount that is not optional; always true for entitlements).
	Required bool
	Steps    []StepRef
}

// StepRef is a step that needs something.
type StepRef struct {
	Target string    // the target (or matrix instance) the step belongs to
	Name   string    // its vertex name, "[app linux/amd64 2/3] RUN ..."
	Desc   string    // the name without its "[app linux/amd64 2/3] ": "RUN ..."
	Range  hcl.Range // the step in the build file
}

// Entitlement names, as BuildKit and `--allow` spell them (lang's).
const (
	EntitlementNetworkHost      = lang.EntitlementNetworkHost
	EntitlementSecurityInsecure = lang.EntitlementSecurityInsecure
	EntitlementDevice           = lang.EntitlementDevice
)

func (n *Needs) secret(id string, required bool, s StepRef) {
	n.Secrets = addNeed(n.Secrets, id, required, s)
}

func (n *Needs) ssh(id string, required bool, s StepRef) {
	n.SSH = addNeed(n.SSH, id, required, s)
}

func (n *Needs) entitlement(name string, s StepRef) {
	n.Entitlements = addNeed(n.Entitlements, name, true, s)
}

func (n *Needs) device(name string, required bool, s StepRef) {
	n.Devices = addNeed(n.Devices, name, required, s)
}

func (n *Needs) local(name string) {
	if !slices.Contains(n.Locals, name) {
		n.Locals = append(n.Locals, name)
	}
}

func (n *Needs) namedContext(name string) {
	if !slices.Contains(n.NamedContexts, name) {
		n.NamedContexts = append(n.NamedContexts, name)
	}
}

// merge adds o's needs to n.
func (n *Needs) merge(o *Needs) {
	for _, x := range o.Secrets {
		for _, s := range x.Steps {
			n.secret(x.Name, x.Required, s)
		}
	}
	for _, x := range o.SSH {
		for _, s := range x.Steps {
			n.ssh(x.Name, x.Required, s)
		}
	}
	for _, x := range o.Entitlements {
		for _, s := range x.Steps {
			n.entitlement(x.Name, s)
		}
	}
	for _, x := range o.Devices {
		for _, s := range x.Steps {
			n.device(x.Name, x.Required, s)
		}
	}
	for _, l := range o.Locals {
		n.local(l)
	}
	for _, l := range o.NamedContexts {
		n.namedContext(l)
	}
}

func addNeed(ns []*Need, name string, required bool, s StepRef) []*Need {
	i := slices.IndexFunc(ns, func(n *Need) bool { return n.Name == name })
	if i < 0 {
		return append(ns, &Need{Name: name, Required: required, Steps: []StepRef{s}})
	}
	n := ns[i]
	n.Required = n.Required || required
	if !slices.Contains(n.Steps, s) {
		n.Steps = append(n.Steps, s)
	}
	return ns
}

// stepRef names the step index of the target being built.
func (t *targetBuild) stepRef(index int, desc string, rng hcl.Range) StepRef {
	return StepRef{Target: t.n.name, Name: t.prefix(index) + desc, Desc: desc, Range: rng}
}

// runNeeds records what a run step needs: its entitlements, secrets and
// ssh agents.
func (t *targetBuild) runNeeds(index int, s lang.Step) {
	r := s.Run
	ref := t.stepRef(index, runDesc(r), s.Range)
	for _, e := range r.Entitlements() {
		t.n.needs.entitlement(e, ref)
	}
	for _, m := range r.Mounts {
		switch m.Kind {
		case lang.MountSecret:
			t.n.needs.secret(m.ID, m.Required, ref)
		case lang.MountSSH:
			t.n.needs.ssh(m.ID, m.Required, ref)
		case lang.MountDevice:
			t.n.needs.device(m.ID, m.Required, ref)
		}
	}
}

// outputNeeds is what a node needs with every target it reads.
func outputNeeds(n *node) *Needs {
	out := &Needs{}
	walkBuilt(n, func(n *node) { out.merge(&n.needs) })
	return out
}

// outputSteps are the vertex names of a node's steps and of every target
// it reads, each once.
func outputSteps(n *node) []string {
	var out []string
	walkBuilt(n, func(n *node) {
		for _, s := range n.steps {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	})
	return out
}

// walkBuilt calls f once for each node whose LLB n's definition holds: n
// (or the node it shares LLB with) and the targets it reads.
func walkBuilt(n *node, f func(*node)) {
	seen := map[*node]bool{}
	var walk func(*node)
	walk = func(n *node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if n.canon != n {
			walk(n.canon)
			return
		}
		f(n)
		for _, d := range n.deps {
			walk(d)
		}
	}
	walk(n)
}
