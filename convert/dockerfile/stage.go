package dockerfile

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/org/buildlang/convert/hclgen"
	"github.com/zclconf/go-cty/cty"
)

// stageConv converts one stage. Steps are written in order; ENV, USER,
// WORKDIR and SHELL between them become set steps, and the ones before the
// first step target attributes.
type stageConv struct {
	c     *converter
	index int
	name  string
	body  *hclwrite.Body // the target's body
	steps *hclwrite.Body // steps, appended to body at the end
	image *hclwrite.Body // image config attributes, last

	env, args *vals
	runArgs   *vals // the target's args: those in scope at the first run step
	shell     []string
	pending   *setStep
	stepped   bool // a step was written
	fromImage bool
	labels    []hclgen.KV
	expose    []hclwrite.Tokens
	volumes   []hclgen.Str
	onbuild   []string
	helpers   int
	hoisted   bool
	// baseLabel is the image FROM names literally (or scratch), written
	// as the target's second label: target "app" "alpine:3.20" {.
	baseLabel string
}

type setStep struct {
	env                 *vals
	user, workdir       hclgen.Str
	hasUser, hasWorkdir bool
	shell               []string
}

func (c *converter) stage(i int, st *instructions.Stage) {
	s := &stageConv{
		c: c, index: i, name: c.names[i],
		body:  hclwrite.NewEmptyFile().Body(),
		steps: hclwrite.NewEmptyFile().Body(),
		image: hclwrite.NewEmptyFile().Body(),
		env:   newVals(), args: newVals(),
		shell: []string{"/bin/sh", "-c"},
	}
	c.building = i == c.stageIndex(c.res.Default)
	if !c.building {
		for k := range c.opts.FinalArgs {
			for _, cmd := range st.Commands {
				if a, ok := cmd.(*instructions.ArgCommand); ok && slices.ContainsFunc(a.Args, func(kv instructions.KeyValuePairOptional) bool { return kv.Key == k }) {
					c.warn(line(a), "ARG %s is set by a matrix only in the stage built; this stage, which it builds on, takes its default", k)
				}
			}
		}
	}
	blk := hclwrite.NewBlock("target", []string{s.name})
	if st.DocComment != "" {
		blk.Body().SetAttributeValue("description", cty.StringVal(st.DocComment))
	}
	s.from(st)
	if s.baseLabel != "" {
		blk.SetLabels([]string{s.name, s.baseLabel})
	}
	for _, cmd := range st.Commands {
		s.command(cmd)
	}
	s.flush()
	s.finishImage()
	c.envs = append(c.envs, s.env)
	c.shells = append(c.shells, s.shell)

	out := blk.Body()
	appendBody(out, s.body)
	if s.runArgs != nil && len(s.runArgs.keys) > 0 {
		out.SetAttributeRaw("args", strMap(s.runArgs))
	}
	appendBody(out, s.steps)
	appendBody(out, s.image)
	if c.opts.Config != nil && i == c.stageIndex(c.res.Default) {
		c.opts.Config(out)
	}
	c.f.Targets = append(c.f.Targets, blk)
}

func (c *converter) stageIndex(name string) int {
	for i, n := range c.names {
		if n == name {
			return i
		}
	}
	return -1
}

// appendBody moves what src holds to the end of dst.
func appendBody(dst, src *hclwrite.Body) {
	toks := src.BuildTokens(nil)
	if len(toks) > 0 {
		dst.AppendUnstructuredTokens(toks)
	}
}

func strMap(v *vals) hclwrite.Tokens {
	kvs := make([]hclgen.KV, len(v.keys))
	for i, k := range v.keys {
		kvs[i] = hclgen.KV{Key: k, Value: v.m[k].Tokens()}
	}
	return hclgen.Map(kvs)
}

func (s *stageConv) scope(cmd instructions.Command) *scope {
	return &scope{c: s.c, env: s.env, args: s.args, line: line(cmd), assumePath: s.fromImage}
}

// from converts FROM: another stage, scratch, or an image (possibly named
// by ARGs), and --platform. scratch and an image named literally are the
// target's base label; the others its from attribute.
func (s *stageConv) from(st *instructions.Stage) {
	c := s.c
	ln := 0
	if len(st.Location) > 0 {
		ln = st.Location[0].Start.Line
	}
	sc := &scope{c: c, env: newVals(), args: c.globalScope(), line: ln}
	base := c.expandStr(st.BaseName, sc)
	lit, isLit := base.IsLit()
	switch {
	case isLit && strings.EqualFold(lit, "scratch"):
		s.baseLabel = "scratch"
	case isLit && c.opts.Contexts[lit] != nil:
		s.body.SetAttributeRaw("from", c.opts.Contexts[lit])
		s.fromImage = true
	case isLit && c.hasStage(lit, s.index):
		p := c.stageOf[strings.ToLower(lit)]
		s.body.SetAttributeRaw("from", hclgen.Raw("target."+c.names[p]))
		s.env = c.envs[p].clone()
		s.shell = c.shells[p]
	case isLit && c.bases[lit] > 1:
		s.body.SetAttributeRaw("from", hclgen.Raw("local."+c.f.Local(baseName(lit), lit)))
		s.fromImage = true
	case isLit:
		s.baseLabel = lit
		s.fromImage = true
	default:
		s.body.SetAttributeRaw("from", base.Tokens())
		s.fromImage = true
	}
	if st.Platform != "" {
		p := c.expandStr(st.Platform, sc)
		switch {
		case len(p) == 1 && p[0].Expr == "build_platform.string":
			s.body.SetAttributeRaw("platform", hclgen.Raw("build_platform"))
		case len(p) == 1 && p[0].Expr == "target_platform.string":
			// the default
		default:
			s.body.SetAttributeRaw("platform", p.Tokens())
		}
	}
}

func (c *converter) hasStage(name string, before int) bool {
	i, ok := c.stageOf[strings.ToLower(name)]
	return ok && i < before
}

// stageRef is a --from (COPY, RUN --mount) as a source: a stage by name or
// index, or an image.
func (s *stageConv) stageRef(from string) hclwrite.Tokens {
	c := s.c
	if n, err := strconv.Atoi(from); err == nil && n >= 0 && n < s.index {
		return hclgen.Raw("target." + c.names[n])
	}
	if c.hasStage(from, s.index) {
		return hclgen.Raw("target." + c.names[c.stageOf[strings.ToLower(from)]])
	}
	if src := c.opts.Contexts[from]; src != nil {
		return src
	}
	return hclwrite.TokensForFunctionCall("image", hclgen.Lit(from).Tokens())
}

func (s *stageConv) comments(cmd instructions.Command, body *hclwrite.Body) {
	type commented interface{ Comments() []string }
	if cc, ok := cmd.(commented); ok {
		for _, l := range cc.Comments() {
			hclgen.Comment(body, strings.TrimSpace(l))
		}
	}
}

func (s *stageConv) command(cmd instructions.Command) {
	sc := s.scope(cmd)
	ln := sc.line
	if _, isArg := cmd.(*instructions.ArgCommand); !isArg {
		if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
			if err := ex.Expand(func(w string) (string, error) { return s.c.expand(w, sc, false) }); err != nil {
				s.c.fail(ln, err)
				return
			}
		}
		if ex, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
			if err := ex.ExpandRaw(func(w string) (string, error) { return s.c.expand(w, sc, true) }); err != nil {
				s.c.fail(ln, err)
				return
			}
		}
	}
	d := s.c.decode
	switch c := cmd.(type) {
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			if proxyArgs[kv.Key] {
				continue // buildlang passes proxies to every run step
			}
			s.args.set(kv.Key, s.c.argValue(kv, sc, s.c.globals, false))
		}
	case *instructions.EnvCommand:
		p := s.set(false, false, false)
		for _, kv := range c.Env {
			v := d(kv.Value)
			s.env.set(kv.Key, v)
			p.env.set(kv.Key, v)
		}
	case *instructions.UserCommand:
		p := s.set(true, false, false)
		p.user, p.hasUser = d(c.User), true
	case *instructions.WorkdirCommand:
		p := s.set(false, true, false)
		p.workdir, p.hasWorkdir = d(c.Path), true
	case *instructions.ShellCommand:
		p := s.set(false, false, true)
		p.shell = c.Shell
		s.shell = c.Shell
	case *instructions.RunCommand:
		s.step(cmd)
		s.run(c, sc)
	case *instructions.CopyCommand:
		s.step(cmd)
		s.copy(c, sc)
	case *instructions.AddCommand:
		s.step(cmd)
		s.add(c, sc)
	case *instructions.CmdCommand:
		s.c.comment(s.image, cmd)
		s.image.SetAttributeRaw("cmd", hclgen.Lits(s.argv(c.ShellDependantCmdLine)))
	case *instructions.EntrypointCommand:
		s.c.comment(s.image, cmd)
		s.image.SetAttributeRaw("entrypoint", hclgen.Lits(s.argv(c.ShellDependantCmdLine)))
	case *instructions.ExposeCommand:
		for _, p := range c.Ports {
			v := s.c.expandStr(p, sc)
			if lit, ok := v.IsLit(); ok {
				if n, err := strconv.Atoi(strings.TrimSuffix(lit, "/tcp")); err == nil {
					s.expose = append(s.expose, hclwrite.TokensForValue(cty.NumberIntVal(int64(n))))
					continue
				}
			}
			s.expose = append(s.expose, v.Tokens())
		}
	case *instructions.VolumeCommand:
		for _, v := range c.Volumes {
			s.volumes = append(s.volumes, d(v))
		}
	case *instructions.LabelCommand:
		for _, kv := range c.Labels {
			s.label(d(kv.Key), d(kv.Value), ln)
		}
	case *instructions.MaintainerCommand:
		s.image.SetAttributeRaw("author", hclgen.Lit(c.Maintainer).Tokens())
	case *instructions.StopSignalCommand:
		s.image.SetAttributeRaw("stop_signal", d(c.Signal).Tokens())
	case *instructions.HealthCheckCommand:
		s.healthcheck(c)
	case *instructions.OnbuildCommand:
		s.onbuild = append(s.onbuild, c.Expression)
	default:
		s.note(s.steps, ln, "%s has no buildlang counterpart; left out", strings.ToUpper(cmd.Name()))
	}
}

func (c *converter) comment(body *hclwrite.Body, cmd instructions.Command) {
	(&stageConv{c: c}).comments(cmd, body)
}

func (s *stageConv) note(body *hclwrite.Body, line int, format string, args ...any) {
	s.c.note(body, line, format, args...)
}

// set returns the pending set step for an ENV, USER, WORKDIR or SHELL,
// starting a new one where merging would change the order: a user after a
// workdir (a set makes its workdir after switching user), or a second
// value of the same field.
func (s *stageConv) set(user, workdir, shell bool) *setStep {
	p := s.pending
	if p != nil && (user && (p.hasUser || p.hasWorkdir) || workdir && p.hasWorkdir || shell && p.shell != nil) {
		s.flush()
		p = nil
	}
	if p == nil {
		p = &setStep{env: newVals()}
		s.pending = p
	}
	return p
}

// step is called before a step is written: it writes the pending set.
func (s *stageConv) step(cmd instructions.Command) {
	s.flush()
	s.stepped = true
	s.comments(cmd, s.steps)
}

// flush writes the pending set: as target attributes when no step came
// before it, otherwise as a set step.
func (s *stageConv) flush() {
	p := s.pending
	if p == nil {
		return
	}
	s.pending = nil
	var attrs *hclwrite.Body
	if !s.stepped && !s.hoisted {
		attrs, s.hoisted = s.body, true
	} else {
		blk := hclwrite.NewBlock("set", nil)
		s.steps.AppendBlock(blk)
		attrs = blk.Body()
	}
	if len(p.env.keys) > 0 {
		attrs.SetAttributeRaw("env", strMap(p.env))
	}
	if p.hasUser {
		attrs.SetAttributeRaw("user", p.user.Tokens())
	}
	if p.hasWorkdir {
		attrs.SetAttributeRaw("workdir", p.workdir.Tokens())
	}
	if p.shell != nil {
		attrs.SetAttributeRaw("shell", hclgen.Lits(p.shell))
	}
}
