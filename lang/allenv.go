package lang

import (
	"github.com/hashicorp/hcl/v2"
)

// CheckEnvironments finishes `check` over every environment: given a Build
// loaded with no Options.Env and the diagnostics Load (or Check) returned
// for it, it evaluates the same files under every other declared
// environment, and returns each problem once. A problem found under some
// of the evaluated environments but not all says which, in its Detail and
// in its DiagInfo's Environments. The Build itself is not changed: its
// features (the language server's, lint) keep the environment Load chose.
//
// When Options.Env named an environment, that narrows the check to it and
// diags are returned as they are. The other environments share one
// evaluation budget (Limits.MaxEvalCost), and at most maxEnvironmentRuns
// are evaluated: a file whose environments would take more is checked
// under as many as fit, and a warning names the others.
func (b *Build) CheckEnvironments(diags hcl.Diagnostics) hcl.Diagnostics {
	e := b.eval
	if e == nil || e.opts.Env != "" {
		return diags
	}
	primary := ""
	if !b.Env.Implicit {
		primary = b.Env.Name
	}
	var others []string
	for _, env := range b.Environments {
		if env.Name != primary {
			others = append(others, env.Name)
		}
	}
	if len(others) == 0 {
		return diags
	}
	runs := []envRun{{name: primary, diags: diags}}
	bud := newBudget(e.limits.MaxEvalCost)
	var unchecked []string
	for i, name := range others {
		if i == maxEnvironmentRuns {
			unchecked = others[i:]
			break
		}
		ds, spent := b.evaluateIn(name, bud)
		if spent {
			unchecked = others[i:]
			break
		}
		runs = append(runs, envRun{name: name, diags: ds})
	}
	out := mergeRuns(runs)
	if len(unchecked) > 0 {
		out = append(out, EnvironmentsNotChecked(unchecked))
	}
	return sortDiagnostics(out, b.FileOrder)
}

// maxEnvironmentRuns bounds the environments CheckEnvironments evaluates
// besides the selected one: each run evaluates every environment block, so
// a file of thousands of them would otherwise take their square.
const maxEnvironmentRuns = 32

type envRun struct {
	name  string
	diags hcl.Diagnostics
}

// evaluateIn evaluates b's files, as read and collected by Load, under the
// environment name, charging bud; spent reports that bud ran out.
func (b *Build) evaluateIn(name string, bud *budget) (diags hcl.Diagnostics, spent bool) {
	e0 := b.eval
	opts := e0.opts
	// A lenient Build that Check finished is checked in full elsewhere too.
	opts.Env, opts.Lenient = name, e0.opts.Lenient && !e0.checked
	nb := &Build{Files: b.Files, FileOrder: b.FileOrder, BuildPlatform: b.BuildPlatform, Lock: b.Lock, Proxy: b.Proxy}
	e := newEvaluator(nb, opts, e0.limits, e0.decls, bud)
	diags = append(e0.loadDiags[:len(e0.loadDiags):len(e0.loadDiags)], e.run()...)
	for _, d := range diags {
		if info := DiagInfoOf(d); info != nil && info.budget {
			return nil, true
		}
	}
	return sortDiagnostics(dedupe(limitDiagnostics(diags, e0.limits)), b.FileOrder), false
}

// mergeRuns is every run's diagnostics once each, in the first run's order
// then the others', those not found in every run marked with the runs
// that found them.
func mergeRuns(runs []envRun) hcl.Diagnostics {
	type key struct {
		sev     hcl.DiagnosticSeverity
		summary string
		r       hcl.Range
		detail  string // only for diagnostics without a range
	}
	keyOf := func(d *hcl.Diagnostic) key {
		k := key{sev: d.Severity, summary: d.Summary}
		if d.Subject != nil {
			k.r = *d.Subject
		} else {
			k.detail = d.Detail
		}
		return k
	}
	var order []key
	first := map[key]*hcl.Diagnostic{}
	envs := map[key][]string{}
	for _, run := range runs {
		for _, d := range run.diags {
			k := keyOf(d)
			if _, ok := first[k]; !ok {
				first[k] = d
				order = append(order, k)
			}
			if es := envs[k]; len(es) == 0 || es[len(es)-1] != run.name {
				envs[k] = append(es, run.name)
			}
		}
	}
	out := make(hcl.Diagnostics, 0, len(order))
	for _, k := range order {
		d := first[k]
		if len(envs[k]) < len(runs) {
			d = inEnvironments(d, envs[k])
		}
		out = append(out, d)
	}
	return out
}
