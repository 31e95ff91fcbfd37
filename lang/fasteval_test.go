package lang

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fastTestVars are the variables the fast paths are compared under: known
// strings, and the values they must decline (sensitive, unknown, null, a
// number, an object).
func fastTestVars() map[string]cty.Value {
	obj := cty.ObjectVal(map[string]cty.Value{
		"REGISTRY":   cty.StringVal("registry.example.com/acme"),
		"GO_VERSION": cty.StringVal("1.23"),
		"name":       cty.StringVal("app"),
		"é":          cty.StringVal("é"),
		"acute":      cty.StringVal("\u0301"), // "e${var.acute}" is "é" in NFC
		"secret":     cty.StringVal("hunter2").Mark(sensitiveMark),
		"unknown":    cty.UnknownVal(cty.String),
		"null":       cty.NullVal(cty.String),
		"port":       cty.NumberIntVal(8080),
	})
	vars := map[string]cty.Value{"target_platform": cty.ObjectVal(map[string]cty.Value{
		"os": cty.StringVal("linux"), "arch": cty.StringVal("amd64"),
	})}
	for _, name := range []string{"var", "local", "matrix", "item"} {
		vars[name] = obj
	}
	vars["nested"] = cty.ObjectVal(map[string]cty.Value{"o": obj, "m": cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")})})
	vars["labels"] = cty.ObjectVal(map[string]cty.Value{
		"vendor": cty.StringVal("acme"), "org.opencontainers.image.title": cty.StringVal("app"),
	})
	return vars
}

// TestFastPathsAreHCLs checks fastString, fastStrList and fastStrMap
// against HCL's evaluation of every expression of the test files, parsed
// and instrumented as Load parses them: where a fast path answers, HCL
// gives the same strings without diagnostics, and charges the budget the
// same.
func TestFastPathsAreHCLs(t *testing.T) {
	extra := []byte(`a = "${var.REGISTRY}/x:${var.GO_VERSION}"
b = ["${var.name}", "é${var.é}", "e${var.acute}", var.name, "${var.secret}", "${var.unknown}x", "x${var.null}", "${var.port}x"]
c = { A = var.name, "B" = "x${var.name}", (var.name) = "y", var.name = "z", D = var.port, E = var.secret }
d = { A = "1", A = "2" }
e = { "é" = "x" }
f = "${var.name}"
g = "%{ if true }x%{ endif }${var.name}"
h = {}
i = []
j = "x${target_platform.os}-${target_platform.arch}"
k = "${var.missing}x"
l = { a.b = "x" }
m1 = merge(labels, { "org.opencontainers.image.title" = "svc-${var.name}" })
m2 = merge({ A = "1" }, { A = "2", B = "${var.GO_VERSION}x" }, labels)
m3 = merge(var, { A = "x" })
m4 = merge()
m5 = merge(labels, null)
m6 = merge(labels.vendor)
m7 = merge(labels, { A = var.port })
m8 = merge(labels, [var.name])
n1 = "${nested.o.name}-${nested.m.k}"
n2 = nested.o.name
n3 = nested.m.k
n4 = "${nested.o["name"]}"
n5 = nested.o.name.x
r1 = "go${replace(var.GO_VERSION, ".", "")}"
r2 = "test-1-${var.name}-go${replace(var.GO_VERSION, ".", "")}"
r3 = replace(var.REGISTRY, "/", "_")
r4 = "${replace(var.name, "", "-")}x"
r5 = "${replace("e${var.name}", "e", var.acute)}x"
r6 = "${replace(var.port, ".", "")}x"
r7 = "${replace(var.secret, "h", "")}x"
r8 = "${replace(var.name, "p", var.unknown)}x"
r9 = "${replace(var.name, "p")}x"
r10 = "${replace(var.name, "p", "q", "r")}x"
r11 = "${replace(var.é, "é", "e")}x${replace("é", "e", "")}"
r12 = "${upper(var.name)}x"
`)
	taken, tmpl, merged, traversed, replaced := 0, 0, 0, 0, 0
	for _, src := range testSources(t, extra) {
		f, _ := Parse(src, "build.hcl")
		hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
			x, ok := n.(hclsyntax.Expression)
			if !ok {
				return nil
			}
			fastBud, hclBud := newBudget(1<<40), newBudget(1<<40)
			calls := map[string]bool{"merge": true, "replace": true, "upper": true}
			fastFuncs := meteredCalls(fastBud, calls)
			merge, replace := fastFuncs["merge"], fastFuncs["replace"]
			// The context the fast paths read is a child, as a target's is.
			fastCtx := (&hcl.EvalContext{Functions: fastFuncs}).NewChild()
			fastCtx.Variables = fastTestVars()
			hclCtx := &hcl.EvalContext{Variables: fastTestVars(), Functions: meteredCalls(hclBud, calls)}
			check := func(what string, got any, ok bool, convert func(cty.Value) (any, bool)) {
				if !ok {
					return
				}
				want, diags := x.Value(hclCtx)
				w, ok := convert(want)
				switch {
				case len(diags) > 0:
					t.Errorf("%v: %s answers %q, HCL has diagnostics %v", x.Range(), what, got, diags)
				case !ok || !want.IsWhollyKnown() || want.ContainsMarked():
					t.Errorf("%v: %s answers %q, HCL's value is %#v", x.Range(), what, got, want)
				case !equalAny(got, w):
					t.Errorf("%v: %s is %q, HCL %q", x.Range(), what, got, w)
				case fastBud.used.Load() != hclBud.used.Load():
					t.Errorf("%v: %s charges %d, HCL %d", x.Range(), what, fastBud.used.Load(), hclBud.used.Load())
				}
				taken++
				if c, ok := x.(*hclsyntax.FunctionCallExpr); ok && c.Name == "merge" {
					merged++
				}
				if hclBud.used.Load() > 0 {
					tmpl++
				}
			}
			if st, ok := x.(*hclsyntax.ScopeTraversalExpr); ok {
				if got, ok := fastTraverse(st.Traversal, fastCtx); ok {
					want, diags := st.Traversal.TraverseAbs(hclCtx)
					if len(diags) > 0 || !got.RawEquals(want) {
						t.Errorf("%v: fastTraverse is %#v, HCL %#v %v", x.Range(), got, want, diags)
					}
					traversed++
				}
			}
			asString := func(v cty.Value) (any, bool) {
				if v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
					return nil, false
				}
				return v.AsString(), true
			}
			s, ok := fastString(x, fastCtx, fastBud)
			check("fastString", s, ok, asString)
			if !ok {
				s, ok = fastStringCalls(x, fastCtx, fastBud, &replace)
				check("fastStringCalls", s, ok, asString)
				if ok {
					replaced++
				}
			}
			l, ok := fastStrList(x, fastCtx, fastBud)
			check("fastStrList", l, ok, func(v cty.Value) (any, bool) {
				if !v.Type().IsTupleType() {
					return nil, false
				}
				out := []string{}
				for it := v.ElementIterator(); it.Next(); {
					_, e := it.Element()
					if e.Type() != cty.String || e.IsNull() || !e.IsKnown() {
						return nil, false
					}
					out = append(out, e.AsString())
				}
				return out, true
			})
			m, ok := fastStrMap(x, fastCtx, fastBud, &merge)
			check("fastStrMap", m, ok, func(v cty.Value) (any, bool) {
				if !v.Type().IsObjectType() {
					return nil, false
				}
				out := map[string]string{}
				for it := v.ElementIterator(); it.Next(); {
					k, e := it.Element()
					if e.Type() != cty.String || e.IsNull() || !e.IsKnown() {
						return nil, false
					}
					out[k.AsString()] = e.AsString()
				}
				return out, true
			})
			return nil
		})
	}
	if taken < 1000 || tmpl < 30 || merged < 2 || traversed < 20 || replaced < 6 {
		t.Fatalf("only %d expressions compared, %d of them charged, %d merges, %d traversals, %d with replace", taken, tmpl, merged, traversed, replaced)
	}
	if testing.Verbose() {
		t.Logf("%d expressions compared, %d of them charged, %d merges, %d traversals, %d with replace", taken, tmpl, merged, traversed, replaced)
	}
}

func equalAny(a, b any) bool {
	switch a := a.(type) {
	case string:
		return a == b
	case []string:
		b, ok := b.([]string)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	case map[string]string:
		b, ok := b.(map[string]string)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if bv, ok := b[k]; !ok || bv != v {
				return false
			}
		}
		return true
	}
	return false
}

// TestFastMergeIsTheMeteredOne checks that fastStrMap reads a merge call
// only when the context's merge is the metered one it was given.
func TestFastMergeIsTheMeteredOne(t *testing.T) {
	f, _ := Parse([]byte(`a = merge(labels, { A = "x" })`), "build.hcl")
	a := f.Body.(*hclsyntax.Body).Attributes["a"].Expr
	bud := newBudget(1 << 40)
	metered := meteredCalls(bud, map[string]bool{"merge": true})
	merge := metered["merge"]
	plain := meteredCalls(bud, nil)
	for _, tc := range []struct {
		name  string
		funcs map[string]function.Function
		merge *function.Function
		want  bool
	}{
		{"metered", metered, &merge, true},
		{"not metered", plain, &merge, false},
		{"no merge given", metered, nil, false},
	} {
		ctx := &hcl.EvalContext{Variables: fastTestVars(), Functions: tc.funcs}
		if m, ok := fastStrMap(a, ctx, bud, tc.merge); ok != tc.want {
			t.Errorf("%s: fastStrMap is %v, %v; want answered %v", tc.name, m, ok, tc.want)
		}
	}
}

// TestFastTemplateOverBudget checks that a fast path declines, spending
// nothing, a template its budget cannot pay for: HCL's evaluation then
// reports where the budget runs out.
func TestFastTemplateOverBudget(t *testing.T) {
	f, _ := Parse([]byte(`a = "${var.REGISTRY}/${var.name}"`), "build.hcl")
	a := f.Body.(*hclsyntax.Body).Attributes["a"].Expr
	bud := newBudget(len("registry.example.com/acme") + 1 + len("app")) // one unit short
	ctx := &hcl.EvalContext{Variables: fastTestVars(), Functions: guardFunctions(bud)}
	if s, ok := fastString(a, ctx, bud); ok {
		t.Fatalf("fastString answered %q over budget", s)
	}
	if used := bud.used.Load(); used != 0 {
		t.Fatalf("declining spent %d units", used)
	}
	bud = newBudget(len("registry.example.com/acme") + 1 + len("app") + 1)
	ctx = &hcl.EvalContext{Variables: fastTestVars(), Functions: guardFunctions(bud)}
	if s, ok := fastString(a, ctx, bud); !ok || s != "registry.example.com/acme/app" {
		t.Fatalf("fastString is %q, %v within budget", s, ok)
	}
	if s, ok := fastString(a, ctx, nil); ok {
		t.Fatalf("fastString answered %q with no budget to charge", s)
	}
}

// TestFastReplaceOverBudget checks that a template calling replace is read
// only when the budget can pay for all of it, what HCL's evaluation would
// charge; declining spends nothing, and HCL's evaluation then runs out
// where it would have.
func TestFastReplaceOverBudget(t *testing.T) {
	f, _ := Parse([]byte(`a = "test-1-${var.name}-go${replace(var.GO_VERSION, ".", "")}"`), "build.hcl")
	a := f.Body.(*hclsyntax.Body).Attributes["a"].Expr
	calls := map[string]bool{"replace": true}
	ctxFor := func(bud *budget) (*hcl.EvalContext, *function.Function) {
		fs := meteredCalls(bud, calls)
		replace := fs["replace"]
		return &hcl.EvalContext{Variables: fastTestVars(), Functions: fs}, &replace
	}
	full := newBudget(1 << 20)
	ctx, _ := ctxFor(full)
	if _, diags := a.Value(ctx); diags.HasErrors() {
		t.Fatal(diags)
	}
	cost := int(full.used.Load())

	short := newBudget(cost - 1)
	ctx, replace := ctxFor(short)
	if s, ok := fastStringCalls(a, ctx, short, replace); ok {
		t.Fatalf("fastStringCalls answered %q one unit over budget", s)
	}
	if used := short.used.Load(); used != 0 {
		t.Fatalf("declining spent %d units", used)
	}
	if _, diags := a.Value(ctx); !diags.HasErrors() {
		t.Fatal("HCL's evaluation fits the budget the fast path declined")
	}

	exact := newBudget(cost)
	ctx, replace = ctxFor(exact)
	if s, ok := fastStringCalls(a, ctx, exact, replace); !ok || s != "test-1-app-go123" {
		t.Fatalf("fastStringCalls is %q, %v within budget", s, ok)
	}
	if used := exact.used.Load(); used != int64(cost) {
		t.Fatalf("fastStringCalls charged %d, HCL %d", used, cost)
	}
	// Another context's replace, or none, is left to HCL.
	_, other := ctxFor(newBudget(1 << 20))
	if s, ok := fastStringCalls(a, ctx, exact, other); ok {
		t.Fatalf("fastStringCalls answered %q for a replace that is not ctx's", s)
	}
	if s, ok := fastString(a, ctx, exact); ok {
		t.Fatalf("fastString answered %q without replace", s)
	}
}
