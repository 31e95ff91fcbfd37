package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/org/buildlang/convert/hclgen"
	"github.com/zclconf/go-cty/cty"
)

// Warning is something of the Dockerfile the conversion does not express
// faithfully. The output has a comment at the same spot.
type Warning struct {
	File    string
	Line    int
	Message string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
}

// Options tune a conversion.
type Options struct {
	// Filename names the Dockerfile in warnings and comments.
	Filename string
	// Prefix is put before the target names of stages other than the one
	// built, so that several Dockerfiles can share one build file.
	Prefix string
	// Name is the name of the target of the stage built; by default the
	// stage's own name, or "app" for an unnamed one.
	Name string
	// Target is the stage built when no target is named, as
	// `docker buildx build --target`; by default the last.
	Target string
	// Args are build arguments set by the caller (a bake target's args):
	// an ARG of that name takes this value instead of becoming a variable.
	Args map[string]hclgen.Str
	// FinalArgs are like Args, for the stage built only (bake's args that
	// use a matrix key: the stages it builds on are not matrix targets).
	FinalArgs map[string]hclgen.Str
	// Labels are added to the built stage's, over them (bake's labels).
	Labels []hclgen.KV
	// Contexts are named build contexts (bake's contexts): a FROM,
	// COPY --from or --mount from= of that name reads this source.
	Contexts map[string]hclwrite.Tokens
	// Context is the source of the files COPY, ADD and bind mounts read
	// from the build context; nil is buildlang's context.
	Context hclwrite.Tokens
	// Config is called with the target of the stage built, to add
	// attributes (a bake target's tags, platforms, ...).
	Config func(body *hclwrite.Body)
}

// Result says what a conversion made.
type Result struct {
	// Default is the name of the target of the stage built by default.
	Default string
	// Targets are the names of all targets made, in stage order.
	Targets  []string
	Warnings []Warning
}

// defaultPath is the PATH the Dockerfile frontend gives a stage on scratch
// and what nearly every base image sets.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// platformArgs are the Dockerfile's predefined platform ARGs and the
// buildlang expressions that have their values.
var platformArgs = map[string]string{
	"TARGETPLATFORM": "target_platform.string",
	"TARGETOS":       "target_platform.os",
	"TARGETARCH":     "target_platform.arch",
	"TARGETVARIANT":  "target_platform.variant",
	"BUILDPLATFORM":  "build_platform.string",
	"BUILDOS":        "build_platform.os",
	"BUILDARCH":      "build_platform.arch",
	"BUILDVARIANT":   "build_platform.variant",
}

// proxyArgs reach every run step in buildlang without a declaration, as
// in Dockerfiles.
var proxyArgs = map[string]bool{}

func init() {
	for _, p := range []string{"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"} {
		proxyArgs[p], proxyArgs[strings.ToLower(p)] = true, true
	}
}

// Convert reads a Dockerfile with BuildKit's parser and adds its stages
// to f as targets, with the variables and secrets they need.
func Convert(f *hclgen.File, src []byte, opts Options) (*Result, error) {
	if opts.Filename == "" {
		opts.Filename = "Dockerfile"
	}
	if bytes.Contains(src, []byte(phOpen)) || bytes.Contains(src, []byte(phClose)) {
		return nil, fmt.Errorf("%s: holds the private-use characters U+E000 or U+E001, which the converter uses internally; remove them", opts.Filename)
	}
	ast, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, located(opts.Filename, err)
	}
	stages, metaArgs, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		return nil, located(opts.Filename, err)
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("%s: no FROM instruction: a Dockerfile needs at least one stage", opts.Filename)
	}
	c := &converter{
		f: f, opts: opts, res: &Result{},
		lex:     shell.NewLex(ast.EscapeToken),
		stageOf: map[string]int{},
		globals: newVals(),
	}
	c.directives(src)
	c.nameStages(stages)
	c.metaArgs(metaArgs)
	c.countBases(stages)
	built := c.stageIndex(c.res.Default)
	for i := range stages {
		if i > built {
			// after the stage built: never part of this build
			break
		}
		c.stage(i, &stages[i])
	}
	c.res.Targets = c.res.Targets[:built+1]
	if c.err != nil {
		return nil, c.err
	}
	for _, v := range c.varOrder {
		if !c.vars[v].used {
			if c.vars[v].global {
				c.f.Header = append(c.f.Header, fmt.Sprintf("ARG %s (%s line %d) is not used by any stage, so it is not a variable.", v, opts.Filename, c.vars[v].line))
			}
			continue
		}
		if got := c.f.DeclareBlock("variable "+v, c.vars[v].block); got != c.vars[v].block {
			c.warn(c.vars[v].line, "ARG %s is also a variable of another file of this build; they are one variable here", v)
		}
	}
	if len(c.f.Targets) > 1 && opts.Prefix == "" {
		g := hclwrite.NewBlock("group", []string{"default"})
		g.Body().SetAttributeRaw("targets", hclgen.RawList([]string{"target." + c.res.Default}))
		c.f.Groups = append(c.f.Groups, g)
	}
	return c.res, nil
}

type converter struct {
	f    *hclgen.File
	opts Options
	res  *Result
	lex  *shell.Lex

	names   []string       // target name of each stage
	stageOf map[string]int // stage name (lower case) → index
	envs    []*vals        // each stage's ENV, for the stages built on it
	shells  [][]string     // each stage's SHELL at its end
	globals *vals          // ARGs before the first FROM

	err      error          // the first error that makes the Dockerfile invalid
	quiet    bool           // no warnings (a pre-pass)
	bases    map[string]int // image → stages FROM it
	building bool           // converting the stage built
	exprs    []string       // expressions placeholders stand for
	vars     map[string]*variable
	varOrder []string
}

type variable struct {
	block  *hclwrite.Block
	def    string
	line   int
	used   bool
	global bool
}

// vals is an ordered set of named values (ENV or ARGs in scope).
type vals struct {
	keys []string
	m    map[string]hclgen.Str
}

func newVals() *vals { return &vals{m: map[string]hclgen.Str{}} }

func (v *vals) set(k string, s hclgen.Str) {
	if _, ok := v.m[k]; !ok {
		v.keys = append(v.keys, k)
	}
	v.m[k] = s
}

func (v *vals) clone() *vals {
	n := newVals()
	for _, k := range v.keys {
		n.set(k, v.m[k])
	}
	return n
}

// fail records an error the Dockerfile frontend would refuse the
// Dockerfile for (a bad flag, an unknown mount type).
func (c *converter) fail(line int, err error) {
	if c.err == nil {
		c.err = fmt.Errorf("%s:%d: %v", c.opts.Filename, line, err)
	}
}

func (c *converter) warn(line int, format string, args ...any) string {
	msg := fmt.Sprintf(format, args...)
	if c.quiet {
		return msg
	}
	c.res.Warnings = append(c.res.Warnings, Warning{File: c.opts.Filename, Line: line, Message: msg})
	return fmt.Sprintf("%s line %d: %s", c.opts.Filename, line, msg)
}

// note warns and leaves the warning as a comment in body.
func (c *converter) note(body *hclwrite.Body, line int, format string, args ...any) {
	hclgen.Comment(body, "convert: "+c.warn(line, format, args...))
}

// directives handles the parser directives BuildKit reads: syntax and
// escape need nothing in buildlang; check (lint settings) has no
// counterpart.
func (c *converter) directives(src []byte) {
	if _, _, loc, ok := parser.ParseDirective("check", src); ok {
		line := 1
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		c.f.Header = append(c.f.Header, "convert: "+c.warn(line, "the # check directive (Dockerfile lint settings) has no buildlang counterpart; buildlang check runs its own rules (suppress one with # lint:ignore RULE)"))
	}
}

// nameStages gives each stage a target name: its own name, the caller's
// Name for the stage built, or one made from its base image.
func (c *converter) nameStages(stages []instructions.Stage) {
	last := len(stages) - 1
	if c.opts.Target != "" {
		last = -1
		for i, st := range stages {
			if strings.EqualFold(st.Name, c.opts.Target) {
				last = i
			}
		}
		if last < 0 {
			c.warn(1, "target stage %q not found; building the last stage", c.opts.Target)
			last = len(stages) - 1
		}
	}
	taken := map[string]bool{}
	for _, st := range stages {
		if st.Name != "" {
			taken[hclgen.Ident(c.opts.Prefix+st.Name)] = true
		}
	}
	c.names = make([]string, len(stages))
	for i, st := range stages {
		if st.Name != "" {
			c.stageOf[strings.ToLower(st.Name)] = i
		}
		var name string
		switch {
		case i == last && c.opts.Name != "":
			name = c.opts.Name
		case st.Name != "":
			name = hclgen.Ident(c.opts.Prefix + st.Name)
		case i == last:
			name = "app"
		default:
			name = c.opts.Prefix + baseName(st.BaseName)
		}
		if st.Name == "" || i == last && c.opts.Name != "" {
			name = hclgen.Ident(name)
			for n := 2; taken[name]; n++ {
				name = hclgen.Ident(fmt.Sprintf("%s-%d", strings.TrimSuffix(name, "-"+strconv.Itoa(n-1)), n))
			}
			taken[name] = true
		}
		c.names[i] = name
	}
	c.res.Default = c.names[last]
	c.res.Targets = c.names
}

// baseName is a short name for a stage from its base: the image's last
// path element without tag ("golang" for golang:1.23-alpine).
func baseName(ref string) string {
	if strings.Contains(ref, "$") || ref == "" || strings.EqualFold(ref, "scratch") {
		return "stage"
	}
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		ref = ref[i+1:]
	}
	ref, _, _ = strings.Cut(ref, ":")
	return ref
}

// Placeholders stand for expressions inside the words BuildKit's shell
// lexer expands, so that expansion is BuildKit's own.
// They are private-use characters, which a Dockerfile that the converter
// accepts does not hold.
const phOpen, phClose = "\ue000", "\ue001"

func (c *converter) encode(s hclgen.Str) string {
	var b strings.Builder
	for _, p := range s {
		if p.Expr == "" {
			b.WriteString(p.Lit)
			continue
		}
		b.WriteString(phOpen + strconv.Itoa(len(c.exprs)) + phClose)
		c.exprs = append(c.exprs, p.Expr)
	}
	return b.String()
}

func (c *converter) decode(s string) hclgen.Str {
	var out hclgen.Str
	lit := func(t string) {
		if t != "" {
			out = append(out, hclgen.Part{Lit: t})
		}
	}
	for {
		i := strings.Index(s, phOpen)
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], phClose)
		n, err := -1, error(nil)
		if j > 0 {
			n, err = strconv.Atoi(s[i+len(phOpen) : i+j])
		}
		if j < 0 || err != nil || n < 0 || n >= len(c.exprs) {
			lit(s[:i+len(phOpen)])
			s = s[i+len(phOpen):]
			continue
		}
		lit(s[:i])
		out = append(out, hclgen.Part{Expr: c.exprs[n]})
		c.markUsed(c.exprs[n])
		s = s[i+j+len(phClose):]
	}
	lit(s)
	if len(out) == 0 {
		out = hclgen.Str{{}}
	}
	return out
}

func (c *converter) markUsed(expr string) {
	if v, ok := strings.CutPrefix(expr, "var."); ok && c.vars[v] != nil {
		c.vars[v].used = true
	}
}

// scope is what a word is expanded with: the stage's ENV over its ARGs.
type scope struct {
	c          *converter
	env, args  *vals
	line       int
	assumePath bool
}

func (s *scope) Get(k string) (string, bool) {
	if v, ok := s.env.m[k]; ok {
		return s.c.encode(v), true
	}
	if v, ok := s.args.m[k]; ok {
		return s.c.encode(v), true
	}
	if k == "PATH" {
		if s.assumePath {
			s.c.warn(s.line, "$PATH is taken to be the default %s; if the base image sets another PATH, write it here", defaultPath)
		}
		return defaultPath, true
	}
	return "", false
}

func (s *scope) Keys() []string {
	return append(slices.Clone(s.env.keys), s.args.keys...)
}

// expand expands a word as the Dockerfile frontend does, warning about
// variables it cannot know. The result holds placeholders; decode it.
func (c *converter) expand(word string, sc *scope, raw bool) (string, error) {
	lex := c.lex
	if raw {
		l := *shell.NewLex('\\')
		l.SkipProcessQuotes = true
		lex = &l
	}
	res, err := lex.ProcessWordWithMatches(word, sc)
	if err != nil {
		return "", err
	}
	for v := range res.Unmatched {
		c.warn(sc.line, "$%s is not set by this Dockerfile; it is empty here (if the base image sets it, write its value)", v)
	}
	return res.Result, nil
}

func (c *converter) expandStr(word string, sc *scope) hclgen.Str {
	s, err := c.expand(word, sc, false)
	if err != nil {
		c.warn(sc.line, "cannot expand %q: %v; kept as written", word, err)
		return hclgen.Lit(word)
	}
	return c.decode(s)
}

// declare makes (or reuses) the variable of an ARG with a literal default.
func (c *converter) declare(name, def, doc string, line int, global bool) hclgen.Str {
	if c.vars == nil {
		c.vars = map[string]*variable{}
	}
	id := hclgen.Ident(name)
	if v := c.vars[id]; v != nil {
		if v.def != def {
			c.warn(line, "ARG %s has the default %q here but %q at line %d; a variable has one default, so it is %q everywhere", name, def, v.def, v.line, v.def)
		}
		return hclgen.Expr("var." + id)
	}
	b := hclwrite.NewBlock("variable", []string{id})
	if doc != "" {
		b.Body().SetAttributeValue("description", cty.StringVal(doc))
	}
	b.Body().SetAttributeValue("default", cty.StringVal(def))
	c.vars[id] = &variable{block: b, def: def, line: line, global: global}
	c.varOrder = append(c.varOrder, id)
	return hclgen.Expr("var." + id)
}

func line(cmd interface{ Location() []parser.Range }) int {
	if loc := cmd.Location(); len(loc) > 0 {
		return loc[0].Start.Line
	}
	return 0
}

// metaArgs are the ARGs before the first FROM: usable in FROM lines, and
// in stages that declare them again.
func (c *converter) metaArgs(args []instructions.ArgCommand) {
	for i := range args {
		a := &args[i]
		sc := &scope{c: c, env: newVals(), args: c.globalScope(), line: line(a)}
		for _, kv := range a.Args {
			c.globals.set(kv.Key, c.argValue(kv, sc, nil, true))
		}
	}
}

// globalScope is what FROM lines see: the meta ARGs and the predefined
// platform ARGs.
func (c *converter) globalScope() *vals {
	v := newVals()
	for k, e := range platformArgs {
		v.set(k, hclgen.Expr(e))
	}
	for _, k := range c.globals.keys {
		v.set(k, c.globals.m[k])
	}
	return v
}

// argValue is the value an ARG has: the caller's, a predefined platform
// value, the global one it redeclares, or a variable.
func (c *converter) argValue(kv instructions.KeyValuePairOptional, sc *scope, outer *vals, global bool) hclgen.Str {
	if v, ok := c.opts.Args[kv.Key]; ok {
		return v
	}
	if v, ok := c.opts.FinalArgs[kv.Key]; ok && c.building {
		return v
	}
	if e, ok := platformArgs[kv.Key]; ok {
		return hclgen.Expr(e)
	}
	if kv.Value == nil {
		if outer != nil {
			if v, ok := outer.m[kv.Key]; ok {
				return v
			}
		}
		return c.declare(kv.Key, "", kv.DocComment, sc.line, global)
	}
	val := c.expandStr(*kv.Value, sc)
	if lit, ok := val.IsLit(); ok {
		return c.declare(kv.Key, lit, kv.DocComment, sc.line, global)
	}
	c.warn(sc.line, "ARG %s's default refers to other args (%s); a variable's default cannot, so it is that fixed value here and --var %s does not change it", kv.Key, val, kv.Key)
	return val
}

// located prefixes a parse error with the file and, when BuildKit's parser
// knows it, the line: file:line: message, as the Dockerfile frontend says it.
func located(file string, err error) error {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		msg := err.Error()
		var pe interface{ Unwrap() error }
		if errors.As(err, &pe) {
			// instructions' parse error repeats the instruction; keep
			// BuildKit's own message
			msg = le.Unwrap().Error()
		}
		if strings.Contains(msg, "no build stage") {
			msg += ": a Dockerfile starts with FROM (after ARGs and directives)"
		}
		return fmt.Errorf("%s:%d: %s", file, le.Locations[0][0].Start.Line, msg)
	}
	return fmt.Errorf("%s: %w", file, err)
}

// countBases counts the stages built FROM each image, so that an image
// several stages start from is named once, as a local.
func (c *converter) countBases(stages []instructions.Stage) {
	c.quiet = true
	defer func() { c.quiet = false }()
	c.bases = map[string]int{}
	for i, st := range stages {
		sc := &scope{c: c, env: newVals(), args: c.globalScope()}
		lit, ok := c.expandStr(st.BaseName, sc).IsLit()
		if ok && !strings.EqualFold(lit, "scratch") && !c.hasStage(lit, i) && c.opts.Contexts[lit] == nil {
			c.bases[lit]++
		}
	}
}
