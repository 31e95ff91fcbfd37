package lang

import (
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang/internal/par"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// evaluator holds everything Load learned that Resolve needs later.
type evaluator struct {
	opts   Options
	limits Limits
	decls  *declarations
	build  *Build
	// outputRanges holds, by *TargetSpec, where each of its own Outputs is
	// written ([]hcl.Range), for checkOutputDests.
	outputRanges sync.Map
	// cacheExportRanges holds, by *CachePolicy, where each of its Export
	// entries is written ([]hcl.Range), for checkCacheExports.
	cacheExportRanges sync.Map

	funcs  map[string]function.Function // as the build's expressions see them
	scopes map[string]*scope            // by environment name
	refs   map[string]cty.Value

	targetDecls map[string]*targetDecl   // by block name
	mountSets   map[string]*mountSetDecl // by name
	instances   map[string]*Target       // by instance name

	budget    *budget
	loadDiags hcl.Diagnostics              // those of reading and collecting the files, before evaluation
	checked   bool                         // Build.Check finished a lenient load
	baseFuncs map[string]function.Function // metered stdlib and source helpers
	merge     *function.Function           // baseFuncs' merge if metered, for the decoders' fast paths
	replace   *function.Function           // and replace
	userFuncs []*userFunc
	tablesMu  sync.Mutex
	tables    map[int]map[string]function.Function // by call depth

	// targetsMark is the budget spent before any target was evaluated
	// (resolveAll rewinds to it).
	targetsMark int64

	names       []string // Build.names, cached
	nameSets    map[nameSetKey]map[string]bool
	suggestWork int    // names compared for suggestions so far
	namesFor    [2]int // the target and group counts names was made for

	platformValues sync.Map // platform string → stdlib.PlatformValue
	targetContexts sync.Map // targetContextKey → *hcl.EvalContext, see targetContext

	mu       sync.Mutex
	resolved map[resolveKey]*resolveResult
}

type resolveKey struct {
	target   string
	platform string
}

type resolveResult struct {
	spec  *TargetSpec
	diags hcl.Diagnostics
}

// Load reads the named files and their includes, then checks and evaluates
// them. The Build is returned even when there are errors, as complete as
// the errors allow, so the language server can still use it.
func Load(src FileSource, filenames []string, opts Options) (*Build, hcl.Diagnostics) {
	limits := opts.Limits.withDefaults()
	bud := newBudget(limits.MaxEvalCost)
	l := &loader{src: src, limits: limits, files: map[string]*hcl.File{}, budget: bud, calls: map[string]bool{}}
	var diags hcl.Diagnostics
	for _, f := range filenames {
		diags = append(diags, l.load(f, nil)...)
	}
	b := &Build{Files: l.files, FileOrder: l.order, BuildPlatform: opts.BuildPlatform, Proxy: proxyVars(opts.Vars)}
	if b.BuildPlatform.OS == "" {
		b.BuildPlatform = ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	}
	if !opts.NoLock && len(filenames) > 0 {
		var ldiags hcl.Diagnostics
		b.Lock, ldiags = l.readLock(filenames[0])
		diags = append(diags, ldiags...)
	}
	decls, ddiags := collect(l.bodies)
	diags = append(diags, ddiags...)
	decls.calls = l.calls

	e := newEvaluator(b, opts, limits, decls, bud)
	e.loadDiags = diags[:len(diags):len(diags)]
	diags = append(diags, e.run()...)
	return b, sortDiagnostics(dedupe(limitDiagnostics(diags, limits)), l.order)
}

// newEvaluator makes the evaluator of b: declarations are evaluated into
// b, charging bud.
func newEvaluator(b *Build, opts Options, limits Limits, decls *declarations, bud *budget) *evaluator {
	e := &evaluator{
		opts: opts, limits: limits, decls: decls, build: b, budget: bud,
		scopes:      map[string]*scope{},
		targetDecls: map[string]*targetDecl{},
		instances:   map[string]*Target{},
		resolved:    map[resolveKey]*resolveResult{},
	}
	b.eval = e
	return e
}

// run evaluates in the order the spec documents (spec/language.md,
// "Evaluation order").
func (e *evaluator) run() hcl.Diagnostics {
	var diags hcl.Diagnostics
	diags = append(diags, e.declareFunctions()...)
	diags = append(diags, e.declarePolicies()...)
	diags = append(diags, e.declareEnvironments()...)
	sel, sdiags := e.selectEnvironment()
	diags = append(diags, sdiags...)
	e.build.Env = sel

	// Names of everything referable, so scopes can hold reference values.
	e.refs = e.staticRefs()
	root, rdiags := e.scope(sel)
	diags = append(diags, rdiags...)
	e.build.Variables = root.variables
	e.build.Locals = root.locals
	diags = append(diags, e.unknownVarOverrides()...)

	diags = append(diags, e.declareSecrets(root)...)
	diags = append(diags, e.declareSSH(root)...)
	diags = append(diags, e.declareCaches(root)...)
	diags = append(diags, e.declareMountSets(root)...)
	diags = append(diags, e.declareTargets(root)...)
	e.refs["target"] = e.targetRefs()
	diags = append(diags, e.checkReferences()...)
	diags = append(diags, e.declareGroups(root)...)
	diags = append(diags, e.checkSets()...)
	diags = append(diags, e.linkTargets()...)
	e.targetsMark = e.budget.mark()
	if e.opts.Lenient {
		return diags
	}
	// Targets are evaluated even after errors elsewhere, so check reports
	// every error at once. This does not cascade: a value an error left
	// undefined (a missing variable, a local in a cycle) is unknown, and
	// unknown values are skipped silently; a target in a dependency cycle
	// has no default platforms; HCL's errors about a reference
	// checkReferences explained are dropped by dedupe.
	diags = append(diags, e.resolveAll()...)
	return diags
}

// resolveAll evaluates every target for each of its default platforms, so
// `check` reports every error a build of any target could hit.
//
// Targets are evaluated on every core: evaluation only reads the scopes'
// contexts, Resolve's cache is locked, and the evaluation budget and user
// function depth are safe for concurrent use. Diagnostics are gathered in
// target order, so the result does not depend on scheduling.
//
// Nor does the evaluation budget's: which target runs out of a budget that
// targets evaluated in parallel share depends on who got there first. So
// when it ran out, the budget is rewound to what it was before any target
// was evaluated, the targets' results are dropped, and they are evaluated
// again one after the other in source order, as on one core: the same
// targets fit, and the same one reports the budget. The bound holds (the
// second pass spends at most the budget again, and only files over it
// pay for one); a file within budget is evaluated once, on every core.
func (e *evaluator) resolveAll() hcl.Diagnostics {
	type job struct {
		name     string
		platform ocispecs.Platform
		at       hcl.Range
		spec     *TargetSpec
		diags    hcl.Diagnostics
	}
	var jobs []*job
	for _, t := range e.build.Targets {
		for _, p := range t.DefaultPlatforms {
			jobs = append(jobs, &job{name: t.Name, platform: p, at: t.DeclRange})
		}
	}
	e.mu.Lock()
	inOrder := len(e.resolved) == 0 && (runtime.GOMAXPROCS(0) == 1 || len(jobs) <= 1)
	e.mu.Unlock()
	resolveOne := func(i int) {
		jobs[i].spec, jobs[i].diags = resolveJob(e.build, jobs[i].name, jobs[i].platform)
	}
	// A bug that panics is one target's internal error, not a crash.
	panics := par.Each(len(jobs), resolveOne)
	if e.budget.spent() && !inOrder && e.targetsMark <= e.budget.limit {
		e.budget.rewind(e.targetsMark)
		e.mu.Lock()
		e.resolved = map[resolveKey]*resolveResult{}
		e.mu.Unlock()
		panics = par.InOrder(len(jobs), resolveOne)
	}
	for _, p := range panics {
		j := jobs[p.Index]
		j.spec, j.diags = nil, hcl.Diagnostics{InternalError(fmt.Sprintf("evaluate target %q for %s", j.name, platformString(j.platform)), p.Value, j.at)}
	}
	var diags hcl.Diagnostics
	specs := map[string]*TargetSpec{} // each target's first platform's: outputs rarely vary by platform
	for _, j := range jobs {
		diags = append(diags, j.diags...)
		if specs[j.name] == nil && j.spec != nil {
			specs[j.name] = j.spec
		}
	}
	return append(diags, e.checkTogether(specs)...)
}

// resolveJob is how resolveAll evaluates a target; tests replace it.
var resolveJob = (*Build).Resolve

// Check finishes the checking of a Build loaded with Options.Lenient:
// given the diagnostics that Load returned, it evaluates every target for
// each of its default platforms and returns what a Load without Lenient
// would have returned. The language server loads leniently once per edit,
// for its features, and calls Check for the diagnostics `buildlang check`
// reports. Targets already resolved (concurrently, say) are not evaluated
// again.
func (b *Build) Check(loadDiags hcl.Diagnostics) hcl.Diagnostics {
	b.eval.checked = true
	diags := append(loadDiags[:len(loadDiags):len(loadDiags)], b.eval.resolveAll()...)
	return sortDiagnostics(dedupe(limitDiagnostics(diags, b.eval.limits)), b.FileOrder)
}

// dedupe drops diagnostics repeated with the same summary and subject (a
// target evaluated for two platforms reports an error once), and HCL's own
// generic errors about a reference checkReferences already explained.
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		sev     hcl.DiagnosticSeverity
		summary string
		r       hcl.Range
	}
	explained := map[string][]hcl.Range{} // by file, sorted by start
	for _, d := range diags {
		if info := DiagInfoOf(d); info != nil && info.reference && d.Subject != nil {
			explained[d.Subject.Filename] = append(explained[d.Subject.Filename], *d.Subject)
		}
	}
	for _, rs := range explained {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Byte < rs[j].Start.Byte })
	}
	seen := map[key]bool{}
	out := diags[:0:0]
	for _, d := range diags {
		info := DiagInfoOf(d)
		ours := info != nil && info.reference
		if !ours && d.Subject != nil && isGenericHCLReferenceError(d.Summary) && overlapsAny(*d.Subject, explained) {
			continue
		}
		k := key{d.Severity, d.Summary, rangeOr(d.Subject, "")}
		if d.Subject != nil && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

// sortDiagnostics orders diagnostics by file (in load order) and position,
// those without a range (about options: --env, --var) first. hclsyntax keeps
// attributes in maps, so without this the order would vary between runs.
func sortDiagnostics(diags hcl.Diagnostics, fileOrder []string) hcl.Diagnostics {
	index := make(map[string]int, len(fileOrder))
	for i, f := range fileOrder {
		index[f] = i
	}
	file := func(r *hcl.Range) int {
		if i, ok := index[r.Filename]; ok {
			return i
		}
		return len(fileOrder) // files that failed to load, after the others
	}
	for _, d := range diags {
		// HCL's recovery after a syntax error can leave a zero range (a
		// call with no closing parenthesis); no range beats a wrong one.
		if d.Subject != nil && d.Subject.Filename == "" {
			d.Subject = nil
		}
		if d.Context != nil && d.Context.Filename == "" {
			d.Context = nil
		}
		if DiagInfoOf(d) == nil {
			d.Extra = &DiagInfo{Kind: KindHCL, wrapped: d.Extra}
		}
	}
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			if fa, fb := file(a), file(b); fa != fb {
				return fa < fb
			}
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return diags
}

func isGenericHCLReferenceError(summary string) bool {
	switch summary {
	case "Unsupported attribute", "Unknown variable", "Invalid index", "Variables not allowed", "Error in function call":
		return true
	}
	return false
}

// overlapsAny says whether r overlaps one of the ranges of its file, which
// are sorted by start: the ones starting before r ends are candidates,
// the latest first (reference errors' ranges do not nest, so a few
// suffice; a file with 30,000 of them must not take n² steps).
func overlapsAny(r hcl.Range, byFile map[string][]hcl.Range) bool {
	rs := byFile[r.Filename]
	i := sort.Search(len(rs), func(i int) bool { return rs[i].Start.Byte >= r.End.Byte })
	for j := i - 1; j >= 0 && j >= i-64; j-- {
		if r.Overlaps(rs[j]) {
			return true
		}
	}
	// An empty r at the start of a range overlaps it too.
	return i < len(rs) && r.Overlaps(rs[i])
}

// Target returns the target (or matrix instance) with the given name.
func (b *Build) Target(name string) *Target { return b.eval.instances[name] }

// Group returns the group with the given name, or nil.
func (b *Build) Group(name string) *Group {
	for _, g := range b.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Secret returns the secret block with the given name, or nil.
func (b *Build) Secret(name string) *Secret {
	for _, s := range b.Secrets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Cache returns the cache policy with the given name, or nil.
func (b *Build) Cache(name string) *CachePolicy {
	for _, c := range b.Caches {
		if c.Name == name {
			return c
		}
	}
	return nil
}
