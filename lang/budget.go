package lang

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/walk"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// Evaluation is metered, so a small file cannot ask for hours of work or
// gigabytes of memory: a for expression over a million elements, a string
// doubled by thirty locals, setproduct of ten lists. Every build (every
// Load) has a budget of Limits.MaxEvalCost units, charged as it evaluates:
//
//   - each element a for expression iterates over:          costIteration
//   - each call of a user function:                          costCall
//   - each evaluation of a target for a platform:            costResolve
//   - what functions take and return, and what templates
//     interpolate: a byte of string 1, a collection element  costElement
//
// Some functions are charged for the size of their result before they run
// (range, setproduct, replace, indent, format...), since it can be far
// larger than their arguments. When the budget runs out, the expression
// being evaluated fails with one "Too many evaluation steps" error and
// everything evaluated after it is unknown, which later checks skip.
//
// The hooks are function calls: stdlib and user functions are wrapped,
// and Parse wraps the collection of each for expression, each interpolated
// part of a template, and each operand of an arithmetic or comparison
// operator in a call to an internal function (named so no build file can
// call it), since HCL has no other way in. The wrappers are
// hclsyntax.FunctionCallExpr nodes, so walkers see every original node
// below them; a wrapper's range is its argument's, its name range empty.
const (
	costIteration = 1000
	costCall      = 1000
	costResolve   = 1000
	costElement   = 100

	// maxNumberLen bounds the length of a string read as a number, and of
	// a run of digits anywhere in a file: parsing a number takes time
	// quadratic in its length (a million digits take seconds), and cty
	// keeps 512 bits (about 155 digits) anyway.
	maxNumberLen = 1000
)

// The internal functions the instrumented syntax calls.
const (
	guardFor    = "$for"    // a for expression's collection: iterations
	guardPart   = "$part"   // an interpolated part of a template: bytes
	guardNumber = "$number" // an operand read as a number: length
)

// budget is one build's evaluation budget; safe for concurrent use (the
// language server resolves targets on every core).
type budget struct {
	limit int64
	used  atomic.Int64
}

func newBudget(limit int) *budget { return &budget{limit: int64(limit)} }

// charge spends n units, failing once the budget is spent; after that
// every charge fails.
func (b *budget) charge(n int64) error {
	if b == nil {
		return nil
	}
	if b.used.Add(n) > b.limit {
		b.used.Store(math.MaxInt64 / 2) // stay spent, without overflowing
		return budgetError{limit: b.limit}
	}
	return nil
}

// spent reports that a charge has failed (and every later one will).
func (b *budget) spent() bool { return b != nil && b.used.Load() > b.limit }

// mark is what has been spent so far, for rewind.
func (b *budget) mark() int64 {
	if b == nil {
		return 0
	}
	return b.used.Load()
}

// rewind makes the budget as it was at mark m, refunding what was spent
// after it (even the charge that failed), so work done since can be done
// again in another order.
func (b *budget) rewind(m int64) {
	if b != nil {
		b.used.Store(m)
	}
}

// budgetError is the error of an evaluation stopped by the budget.
type budgetError struct{ limit int64 }

func (e budgetError) Error() string {
	return fmt.Sprintf("this build's evaluation went over its budget of %d units", e.limit)
}

// numberError is the error of a string too long to read as a number.
type numberError struct{ length int }

func (e numberError) Error() string {
	return fmt.Sprintf("a string of %d characters cannot be read as a number; numbers are at most %d characters long", e.length, maxNumberLen)
}

// valueCost is what a value weighs: its strings' bytes and its elements.
// Walking costs as much as what it charges, so it is bounded too.
func valueCost(v cty.Value) int64 {
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() {
		return 1
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return int64(len(v.AsString())) + 1
	case t.IsPrimitiveType() || t.IsCapsuleType():
		return 1
	}
	var n int64 = 1
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		n += costElement + valueCost(e)
	}
	return n
}

func argsCost(args []cty.Value) int64 {
	var n int64
	for _, a := range args {
		n += valueCost(a)
	}
	return n
}

// guardFunctions are the internal functions of the instrumented syntax,
// charging b.
func guardFunctions(b *budget) map[string]function.Function {
	pass := func(check func(v cty.Value) error) function.Function {
		return function.New(&function.Spec{
			Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType,
				AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
			Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				if err := check(args[0]); err != nil {
					return cty.DynamicVal, err
				}
				return args[0], nil
			},
		})
	}
	return map[string]function.Function{
		guardFor: pass(func(v cty.Value) error {
			v, _ = v.Unmark()
			if v.IsNull() || !v.IsKnown() || !v.CanIterateElements() {
				return nil // the for expression reports it
			}
			return b.charge(int64(v.LengthInt())*costIteration + 1)
		}),
		guardPart:   pass(func(v cty.Value) error { return b.charge(valueCost(v)) }),
		guardNumber: pass(checkNumberString),
	}
}

// leadingDigits is the length of the run of digits a string value starts
// with (after a sign): what parsing it as a number reads before failing.
func leadingDigits(v cty.Value) int {
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return 0
	}
	s := v.AsString()
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	n := 0
	for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.') {
		n++
	}
	return n
}

// checkNumberString fails for a string too long to be read as a number.
func checkNumberString(v cty.Value) error {
	v, _ = v.Unmark()
	if !v.IsNull() && v.IsKnown() && v.Type() == cty.String && len(v.AsString()) > maxNumberLen {
		return numberError{len(v.AsString())}
	}
	return nil
}

// meterFunction wraps f, the function called name, to charge b: the size
// of its arguments before it runs (a function's result is at most a few
// times the size of its arguments, except for those sizeBefore knows), and
// the size of its result after. Arguments for number parameters must not be
// strings too long to read as numbers.
func meterFunction(name string, f function.Function, b *budget) function.Function {
	params := f.Params()
	vp := f.VarParam()
	paramType := func(i int) cty.Type {
		if i < len(params) {
			return params[i].Type
		}
		if vp != nil {
			return vp.Type
		}
		return cty.DynamicPseudoType
	}
	// Collection parameters take anything in the wrapper, which converts
	// the arguments itself: cty converts a tuple of n elements to a list
	// in n² steps (HCL converts arguments before the call), so large ones
	// take fastConvert's way.
	collection := func(t cty.Type) bool { return t.IsListType() || t.IsSetType() || t.IsMapType() }
	dynamic := func(p function.Parameter) function.Parameter {
		if !collection(p.Type) {
			return p
		}
		return function.Parameter{Name: p.Name, Description: p.Description, Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}
	}
	var wparams []function.Parameter
	for _, p := range params {
		wparams = append(wparams, dynamic(p))
	}
	var wvp *function.Parameter
	if vp != nil {
		p := dynamic(*vp)
		wvp = &p
	}
	prepare := func(args []cty.Value) ([]cty.Value, error) {
		out := args
		for i, a := range args {
			t := paramType(i)
			if !collection(t) {
				continue
			}
			v, ok := fastConvert(a, t)
			if !ok {
				var err error
				if v, err = convert.Convert(a, t); err != nil {
					return nil, function.NewArgError(i, err)
				}
			}
			if len(out) > 0 && &out[0] == &args[0] {
				out = append([]cty.Value(nil), args...)
			}
			out[i] = v
		}
		return out, nil
	}
	cheap := readOnly[name]
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      wparams,
		VarParam:    wvp,
		Type: func(args []cty.Value) (cty.Type, error) {
			args, err := prepare(args)
			if err != nil {
				return cty.NilType, err
			}
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for i, a := range args {
				if paramType(i) == cty.Number {
					if err := checkNumberString(a); err != nil {
						return cty.DynamicVal, function.NewArgError(i, err)
					}
				}
			}
			var pre int64 = 1
			if !cheap {
				pre += argsCost(args)
			}
			if err := b.charge(pre + sizeBefore(name, args)); err != nil {
				return cty.DynamicVal, err
			}
			if err := checkBefore(name, args); err != nil {
				return cty.DynamicVal, err
			}
			args, err := prepare(args)
			if err != nil {
				return cty.DynamicVal, err
			}
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			if err := b.charge(valueCost(v)); err != nil {
				return cty.DynamicVal, err
			}
			return v, nil
		},
	})
}

// readOnly are the functions whose work does not grow with the size of
// their arguments beyond reading them once, and whose results are small:
// they are charged for their result only.
var readOnly = map[string]bool{
	"length": true, "element": true, "index": true, "contains": true, "lookup": true,
	"hasindex": true, "sethaselement": true, "coalesce": true, "startswith": true,
	"endswith": true, "strcontains": true, "strlen": true, "md5": true, "sha1": true,
	"sha256": true, "sha512": true,
}

// fastConvert converts a large tuple to a list or set, or a large object
// to a map, whose elements all have the element type wanted, in linear
// time; cty's own conversion unifies the element types in quadratic time
// (40,000 strings take seconds). It declines anything else.
func fastConvert(v cty.Value, want cty.Type) (cty.Value, bool) {
	if v.IsNull() || !v.IsKnown() || v.IsMarked() {
		return v, false
	}
	t := v.Type()
	var elems []cty.Type
	switch {
	case (want.IsListType() || want.IsSetType()) && t.IsTupleType():
		elems = t.TupleElementTypes()
	case want.IsMapType() && t.IsObjectType():
		for _, at := range t.AttributeTypes() {
			elems = append(elems, at)
		}
	default:
		return v, false
	}
	if len(elems) < 64 {
		return v, false // cty is quick enough, and its errors are better
	}
	et := want.ElementType()
	if et == cty.DynamicPseudoType {
		et = elems[0]
	}
	if !et.IsPrimitiveType() {
		return v, false
	}
	for _, e := range elems {
		if !e.Equals(et) {
			return v, false
		}
	}
	if v.ContainsMarked() {
		return v, false
	}
	switch {
	case want.IsListType():
		return cty.ListVal(v.AsValueSlice()), true
	case want.IsSetType():
		return cty.SetVal(v.AsValueSlice()), true
	}
	return cty.MapVal(v.AsValueMap()), true
}

// sizeBefore is what a function whose result can be much larger than its
// arguments will produce, charged before it runs; 0 for the others.
func sizeBefore(name string, args []cty.Value) int64 {
	known := func(v cty.Value) (cty.Value, bool) {
		v, _ = v.Unmark()
		return v, !v.IsNull() && v.IsKnown()
	}
	str := func(i int) (string, bool) {
		if i >= len(args) {
			return "", false
		}
		v, ok := known(args[i])
		if !ok || v.Type() != cty.String {
			return "", false
		}
		return v.AsString(), true
	}
	num := func(i int) (float64, bool) {
		if i >= len(args) {
			return 0, false
		}
		v, ok := known(args[i])
		if !ok || v.Type() != cty.Number {
			return 0, false
		}
		f, _ := v.AsBigFloat().Float64()
		return f, true
	}
	length := func(i int) int64 {
		v, ok := known(args[i])
		if !ok || !v.CanIterateElements() {
			return 0
		}
		return int64(v.LengthInt())
	}
	sat := func(f float64) int64 {
		if f != f || f > 1e15 {
			return 1e15
		}
		if f < 0 {
			return 0
		}
		return int64(f)
	}
	switch name {
	case "range":
		// range(limit), range(start, limit), range(start, limit, step)
		var start, limit, step float64 = 0, 0, 1
		ok := true
		switch len(args) {
		case 1:
			limit, ok = num(0)
		case 2, 3:
			var ok1, ok2 bool
			start, ok1 = num(0)
			limit, ok2 = num(1)
			ok = ok1 && ok2
			if len(args) == 3 {
				var ok3 bool
				step, ok3 = num(2)
				ok = ok && ok3
			}
		}
		if !ok || step == 0 {
			return 0
		}
		return sat((limit-start)/step) * costElement
	case "setproduct":
		total := big.NewInt(1)
		for i := range args {
			total.Mul(total, big.NewInt(length(i)))
			if total.Cmp(big.NewInt(1e15)) > 0 {
				return 1e15
			}
		}
		return total.Int64() * int64(len(args)+1) * costElement
	case "replace", "regex_replace":
		s, ok1 := str(0)
		with, ok2 := str(2)
		if !ok1 || !ok2 {
			return 0
		}
		// At most one replacement per character, and one at the end.
		n := int64(utf8.RuneCountInString(s)) + 1
		if sub, ok := str(1); ok && name == "replace" && sub != "" {
			n = int64(strings.Count(s, sub))
		}
		return n * int64(len(with))
	case "indent":
		spaces, ok1 := num(0)
		s, ok2 := str(1)
		if !ok1 || !ok2 {
			return 0
		}
		return sat(spaces) * (int64(strings.Count(s, "\n")) + 1)
	case "format", "formatlist":
		s, ok := str(0)
		if !ok {
			return 0
		}
		w := formatWidths(s)
		if name == "formatlist" {
			var n int64 = 1
			for i := 1; i < len(args); i++ {
				n = max(n, length(i))
			}
			return w * n
		}
		return w
	case "chunklist", "flatten", "concat", "merge", "setunion", "zipmap", "distinct", "sort", "reverse", "values", "keys", "compact", "coalescelist", "slice":
		return 0 // linear in their arguments
	}
	return 0
}

// formatWidths is the padding a format string asks for: each width and
// precision (fmt caps each at a million) plus one per verb.
func formatWidths(s string) int64 {
	var total int64
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		var n int64
		for i < len(s) && strings.IndexByte("0123456789.+-# []*", s[i]) >= 0 {
			if s[i] >= '0' && s[i] <= '9' {
				n = min(n*10+int64(s[i]-'0'), 1e6)
			} else {
				total += n
				n = 0
			}
			i++
		}
		total += n + 1
	}
	return total
}

// checkBefore rejects arguments a function would take too long over.
func checkBefore(name string, args []cty.Value) error {
	switch name {
	case "tonumber", "format", "formatlist":
		// These read strings as numbers (%d of a string).
		for i, a := range args {
			if n := leadingDigits(a); n > maxNumberLen {
				return function.NewArgError(i, numberError{n})
			}
		}
		return nil
	case "jsondecode":
	default:
		return nil
	}
	if len(args) == 0 {
		return nil
	}
	v, _ := args[0].Unmark()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return nil
	}
	// The decoder recurses per level, and parses numbers in quadratic time.
	s := v.AsString()
	depth, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '[' || c == '{':
			depth++
			if depth > DefaultLimits.MaxNesting {
				return function.NewArgErrorf(0, "the JSON is nested more than %d levels deep", DefaultLimits.MaxNesting)
			}
		case c == ']' || c == '}':
			depth--
		case c >= '0' && c <= '9':
			digits++
			if digits > maxNumberLen {
				return function.NewArgErrorf(0, "the JSON has a number longer than %d digits", maxNumberLen)
			}
			continue
		}
		digits = 0
	}
	return nil
}

// instrument wraps the syntax evaluation must be metered at (see the top
// of this file). It is idempotent: wrapped nodes are not wrapped again.
// It adds the name of every function the syntax calls to calls (its own
// wrappers' included), which saves a walk of the syntax for them later.
func instrument(body *hclsyntax.Body, calls map[string]bool) {
	walk.All(body, func(n hclsyntax.Node) {
		switch x := n.(type) {
		case *hclsyntax.FunctionCallExpr:
			calls[x.Name] = true
		case *hclsyntax.ForExpr:
			x.CollExpr = guard(guardFor, x.CollExpr)
		case *hclsyntax.TemplateExpr:
			if len(x.Parts) > 1 {
				for i, p := range x.Parts {
					if _, lit := p.(*hclsyntax.LiteralValueExpr); !lit {
						x.Parts[i] = guard(guardPart, p)
					}
				}
			}
		case *hclsyntax.BinaryOpExpr:
			if numericOp(x.Op) {
				x.LHS = guard(guardNumber, x.LHS)
				x.RHS = guard(guardNumber, x.RHS)
			}
		case *hclsyntax.UnaryOpExpr:
			if x.Op == hclsyntax.OpNegate {
				x.Val = guard(guardNumber, x.Val)
			}
		case *hclsyntax.IndexExpr:
			x.Key = guard(guardNumber, x.Key)
		}
	})
}

func numericOp(op *hclsyntax.Operation) bool {
	switch op {
	case hclsyntax.OpAdd, hclsyntax.OpSubtract, hclsyntax.OpMultiply, hclsyntax.OpDivide, hclsyntax.OpModulo,
		hclsyntax.OpGreaterThan, hclsyntax.OpGreaterThanOrEqual, hclsyntax.OpLessThan, hclsyntax.OpLessThanOrEqual:
		return true
	}
	return false
}

// guard wraps x in a call of an internal function, unless it is one.
func guard(name string, x hclsyntax.Expression) hclsyntax.Expression {
	if c, ok := x.(*hclsyntax.FunctionCallExpr); ok && isGuard(c.Name) {
		return x
	}
	r := x.Range()
	start := hcl.Range{Filename: r.Filename, Start: r.Start, End: r.Start}
	end := hcl.Range{Filename: r.Filename, Start: r.End, End: r.End}
	return &hclsyntax.FunctionCallExpr{
		Name: name, Args: []hclsyntax.Expression{x},
		NameRange: start, OpenParenRange: start, CloseParenRange: end,
	}
}

func isGuard(name string) bool { return name == guardFor || name == guardPart || name == guardNumber }

// limitDiagnostics rewrites the diagnostics of calls a limit stopped into
// the limit's own errors: one "Too many evaluation steps" error for the
// budget (the first; the others only follow from it), and one error per
// operand too long to be a number.
func limitDiagnostics(diags hcl.Diagnostics, limits Limits) hcl.Diagnostics {
	out := diags[:0:0]
	budgetDone := false
	for _, d := range diags {
		if info := DiagInfoOf(d); info != nil && info.budget {
			if !budgetDone {
				out = append(out, d)
			}
			budgetDone = true
			continue
		}
		extra, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d)
		if !ok || extra.FunctionCallError() == nil {
			out = append(out, d)
			continue
		}
		subject := d.Subject
		if c, ok := d.Expression.(*hclsyntax.FunctionCallExpr); ok && isGuard(c.Name) && len(c.Args) == 1 {
			subject = c.Args[0].Range().Ptr()
		}
		var be budgetError
		var ne numberError
		switch err := extra.FunctionCallError(); {
		case errors.As(err, &be):
			if budgetDone {
				continue
			}
			budgetDone = true
			out = append(out, budgetDiagnostic(limits, *subject))
		case errors.As(err, &ne):
			out = append(out, NumberStringTooLong(ne.length, maxNumberLen, *subject))
		default:
			out = append(out, d)
		}
	}
	return out
}

func budgetDiagnostic(limits Limits, subject hcl.Range) *hcl.Diagnostic {
	return BudgetExceeded(limits.MaxEvalCost, subject)
}

// chargeIfFits spends n units if the budget has them, reporting whether
// it did; when it has not, nothing is spent. A nil budget has them all.
func (b *budget) chargeIfFits(n int64) bool {
	if b == nil || n == 0 {
		return true
	}
	for {
		used := b.used.Load()
		if used+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}
