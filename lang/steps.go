package lang

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// step evaluates one step block for a target spec whose image config (and
// so shell) is already known.
// shell runs the string commands of run steps: the target's, or the last
// set step's before this one.
func (e *evaluator) step(td *decoder, sd *stepDecl, spec *TargetSpec, shell []string) Step {
	d := &decoder{ctx: td.ctx, what: sd.block.Type + " step", bud: td.bud, merge: td.merge}
	defer func() { td.add(d.diags...) }()
	for _, s := range StepSchemas {
		if s.Type == string(sd.kind) {
			d.required(s, sd.content.Attributes, sd.block.DefRange, sd.block.Body)
		}
	}
	a := sd.content.Attributes
	st := Step{Kind: sd.kind, Range: blockRange(sd.block)}
	switch sd.kind {
	case StepRun:
		st.Run = e.runStep(d, sd, spec, shell)
	case StepCopy:
		c := &CopyStep{
			From:           Source{Kind: SourceContext, Range: sd.block.DefRange},
			Src:            d.strList(a["src"]),
			Dest:           d.str(a["dest"]),
			Include:        d.strList(a["include"]),
			Exclude:        d.strList(a["exclude"]),
			Chown:          d.str(a["chown"]),
			Link:           d.boolean(a["link"], false),
			Unpack:         d.boolean(a["unpack"], false),
			Parents:        d.boolean(a["parents"], false),
			FollowSymlinks: d.boolean(a["follow_symlinks"], true),
		}
		c.Chmod, c.ChmodSymbolic = d.chmod(a["chmod"])
		if a["from"] != nil {
			c.From = d.source(a["from"], false)
		}
		if a["src"] != nil && c.Src != nil && len(c.Src) == 0 {
			d.add(InvalidValue("src", "src must name at least one path; use [\".\"] for everything.", a["src"].Expr.Range()))
		}
		d.confined(a["src"], c.Src, c.From, false)
		d.confined(a["include"], c.Include, c.From, true)
		d.confined(a["exclude"], c.Exclude, c.From, true)
		checkCopyOptions(d, c, a)
		st.Copy = c
	case StepFile:
		st.File = &FileStep{Path: d.str(a["path"]), Content: d.str(a["content"]), Mode: d.mode(a["mode"]), Chown: d.str(a["chown"])}
	case StepMkdir:
		st.Mkdir = &MkdirStep{Path: d.str(a["path"]), Mode: d.mode(a["mode"]), Chown: d.str(a["chown"])}
	case StepRemove:
		st.Remove = &RemoveStep{Paths: d.strList(a["paths"])}
	case StepSymlink:
		st.Symlink = &SymlinkStep{Path: d.str(a["path"]), Target: d.str(a["target"])}
	case StepSet:
		st.Set = &SetStep{Env: d.strMap(a["env"]), Workdir: d.str(a["workdir"]), User: d.str(a["user"]), Shell: d.strList(a["shell"])}
		if sa := a["shell"]; sa != nil && st.Set.Shell != nil && len(st.Set.Shell) == 0 {
			d.add(InvalidValue("shell", "shell must name a program, like [\"/bin/bash\", \"-c\"].", sa.Expr.Range()))
		}
		if len(a) == 0 {
			d.add(EmptySetStep(sd.block.DefRange))
		}
	}
	return st
}

func (e *evaluator) runStep(d *decoder, sd *stepDecl, spec *TargetSpec, shell []string) *RunStep {
	a := sd.content.Attributes
	r := &RunStep{
		Env:      d.strMap(a["env"]),
		Workdir:  d.str(a["workdir"]),
		User:     d.str(a["user"]),
		Network:  spec.Network,
		Security: d.enum(a["security"], SecurityModes),
		NoCache:  d.boolean(a["no_cache"], false),
	}
	if r.Security == "sandbox" {
		r.Security = ""
	}
	if na := a["network"]; na != nil {
		r.Network = normalizeNetwork(d.enum(na, NetworkModes))
	}
	if sa := a["script"]; sa != nil {
		if a["command"] != nil {
			d.add(CommandAndScript(sa.NameRange))
		}
		if text, ok := e.rawHeredoc(sa.Expr); ok {
			if shell == nil {
				shell = DefaultShell
			}
			r.Shell = true
			r.Args = append(append(make([]string, 0, len(shell)+1), shell...), text)
		} else {
			d.add(ScriptNotHeredoc(sa.Expr.Range()))
		}
	} else if a["command"] == nil && !misspelt(sd.block.Body, RunSchema, "command") {
		d.add(MissingAttribute("run step", "command", sd.block.DefRange))
	}
	if ca := a["command"]; ca != nil && a["script"] == nil {
		v := d.value(ca)
		switch {
		case v == cty.NilVal:
		case v.Type() == cty.String:
			if shell == nil {
				shell = DefaultShell
			}
			r.Shell = true
			r.Args = append(append(make([]string, 0, len(shell)+1), shell...), v.AsString())
		case !v.Type().IsListType() && !v.Type().IsTupleType():
			d.add(WrongType(`The "command" attribute`, "a string (run by the shell) or a list of strings (run as argv)", typeName(v), ca.Expr.Range()))
		default:
			r.Args = d.strListValue(ca, v)
			if r.Args != nil && len(r.Args) == 0 {
				d.add(InvalidValue("command", "An argv command needs at least the program to run.", ca.Expr.Range()))
			}
		}
	}
	r.PlatformArgs = platformArgs(r.Args, spec.Platform, e.build.BuildPlatform)
	ssh := 0
	mounts := sd.mounts
	if ma := a["mounts"]; ma != nil {
		mounts = append(e.listedMounts(d, ma, sd.mountCalls), sd.mounts...)
	}
	if len(mounts) > 0 {
		r.Mounts = make([]Mount, 0, len(mounts))
	}
	for _, md := range mounts {
		if md.kind == "dynamic" {
			for _, x := range e.expandDynamic(d, md) {
				if m, ok := e.mount(x.d, x.md, &ssh); ok {
					r.Mounts = append(r.Mounts, m)
				}
				d.add(x.d.diags...)
			}
			continue
		}
		if m, ok := e.mount(d, md, &ssh); ok {
			r.Mounts = append(r.Mounts, m)
		}
	}
	if len(r.Mounts) == 0 {
		r.Mounts = nil // none, as when no mount was declared
	}
	return r
}

// mount evaluates a mount block; false when it names no declared secret or ssh.
func (e *evaluator) mount(d *decoder, md *mountDecl, sshCount *int) (Mount, bool) {
	label := md.block.Labels[0]
	a := md.content.Attributes
	md2 := &decoder{what: string(md.kind) + " mount"}
	md2.required(RunSchema.Block(string(md.kind)), a, md.block.DefRange, md.block.Body)
	d.add(md2.diags...)
	m := Mount{Kind: md.kind, Target: label, Range: blockRange(md.block), Mode: d.mode(a["mode"]),
		UID: d.integer(a["uid"], -1), GID: d.integer(a["gid"], -1)}
	switch md.kind {
	case MountCache:
		m.CacheID = d.str(a["id"])
		if m.CacheID == "" {
			m.CacheID = label
		}
		m.Sharing = d.enum(a["sharing"], SharingModes)
		if m.Sharing == "" {
			m.Sharing = "shared"
		}
		if fa := a["from"]; fa != nil {
			src := d.source(fa, false)
			m.From = &src
		}
		m.Source = d.str(a["source"])
		if m.Source != "" && m.From == nil {
			d.add(InvalidValue("source", "source is a path inside the cache's from; set from too, like from = target.deps.", a["source"].Expr.Range()))
		}
		if m.From != nil && m.Source != "" {
			d.confined(a["source"], []string{m.Source}, *m.From, false)
		}
		m.ReadOnly = d.boolean(a["readonly"], false)
	case MountSecret:
		sec := e.build.Secret(label)
		if sec == nil {
			d.add(UnknownReference("secret", label, e.decls.secrets.order, md.block.LabelRanges[0]))
			return Mount{}, false
		}
		m.ID = sec.ID
		m.Env = d.str(a["env"])
		m.Target = d.str(a["target"])
		if m.Target == "" && m.Env == "" {
			m.Target = "/run/secrets/" + sec.ID
		}
		m.Required = d.boolean(a["required"], sec.Required)
	case MountSSH:
		var ssh *SSH
		for _, s := range e.build.SSH {
			if s.Name == label {
				ssh = s
			}
		}
		if ssh == nil {
			d.add(UnknownReference("ssh", label, e.decls.ssh.order, md.block.LabelRanges[0]))
			return Mount{}, false
		}
		m.ID = ssh.ID
		m.Target = d.str(a["target"])
		if m.Target == "" {
			m.Target = fmt.Sprintf("/run/buildkit/ssh_agent.%d", *sshCount)
		}
		*sshCount++
		m.Required = d.boolean(a["required"], ssh.Required)
	case MountTmpfs:
		m.Size = int64(d.integer(a["size"], 0))
	case MountDevice:
		m.ID, m.Target = label, ""
		m.Required = d.boolean(a["required"], false)
		if label == "" {
			d.add(InvalidValue("device", "A device needs a CDI name, like device \"vendor.com/gpu=all\" {}.", md.block.LabelRanges[0]))
		}
		return m, true
	case MountBind:
		if fa := a["from"]; fa != nil {
			src := d.source(fa, false)
			m.From = &src
		}
		m.Source = d.str(a["source"])
		if m.From != nil && m.Source != "" {
			d.confined(a["source"], []string{m.Source}, *m.From, false)
		}
		m.ReadWrite = d.boolean(a["readwrite"], false)
	}
	if !validMountPath(m.Target) && !(md.kind == MountSecret && m.Env != "") {
		d.add(InvalidValue("mount path", fmt.Sprintf("%q is not an absolute path; mount paths start with /.", m.Target), md.block.LabelRanges[0]))
	}
	return m, true
}

// rawHeredoc is a heredoc's text as written in the file: no ${} or %{}
// is evaluated. <<- removes the lines' common indentation, as HCL does.
func (e *evaluator) rawHeredoc(expr hcl.Expression) (string, bool) {
	te, ok := expr.(*hclsyntax.TemplateExpr)
	f := e.build.Files[expr.Range().Filename]
	if !ok || f == nil {
		return "", false
	}
	rng := te.SrcRange
	if rng.End.Byte > len(f.Bytes) || rng.Start.Byte >= rng.End.Byte {
		return "", false
	}
	src := string(f.Bytes[rng.Start.Byte:rng.End.Byte])
	if !strings.HasPrefix(src, "<<") {
		return "", false
	}
	lines := strings.Split(src, "\n")
	if len(lines) < 2 {
		return "", false
	}
	body := lines[1 : len(lines)-1]
	if strings.HasPrefix(src, "<<-") {
		indent := -1
		for _, l := range body {
			if strings.TrimSpace(l) == "" {
				continue
			}
			if n := len(l) - len(strings.TrimLeft(l, " \t")); indent < 0 || n < indent {
				indent = n
			}
		}
		for i, l := range body {
			if len(l) >= indent && indent > 0 {
				body[i] = l[indent:]
			} else {
				body[i] = strings.TrimLeft(l, " \t")
			}
		}
	}
	return strings.Join(body, "\n") + "\n", true
}

// blockRange spans a whole block, header to closing brace.
func blockRange(b *hcl.Block) hcl.Range {
	if body, ok := b.Body.(*hclsyntax.Body); ok {
		return hcl.RangeBetween(b.DefRange, body.SrcRange)
	}
	return b.DefRange
}

func validMountPath(p string) bool { return len(p) > 0 && p[0] == '/' }

// confined reports paths (or, with patterns, include and exclude patterns)
// that climb above the root of the source they are read from with "..".
// Paths are always taken from the source's root: an absolute src in a copy
// from the build context is relative to the context's root, as COPY's is,
// and BuildKit never reads outside the context (a symbolic link in it is
// resolved inside it too). A ".." above the root would be silently taken
// as the root, so it is a mistake, or an attempt to read the host: both
// are errors.
func (d *decoder) confined(a *hcl.Attribute, paths []string, from Source, patterns bool) {
	if a == nil {
		return
	}
	for i, p := range paths {
		if !climbsOut(p) {
			continue
		}
		what := "source's root"
		switch from.Kind {
		case SourceContext:
			what = "build context"
		case SourceNamedContext:
			what = fmt.Sprintf("named context %q", from.Ref)
		case SourceLocal:
			what = fmt.Sprintf("local directory %q", from.Ref)
		}
		kind := "path"
		if patterns {
			kind = "pattern"
		}
		d.add(InvalidValue(kind, fmt.Sprintf("%q leaves the %s: paths are taken from its root, and \"..\" cannot climb above it (an absolute path starts at the root too). Remove the \"..\".", p, what), elemRange(a, i, len(paths))))
	}
}

// climbsOut says whether a slash-separated path, taken from a root,
// climbs above it through "..".
func climbsOut(p string) bool {
	depth := 0
	for _, el := range strings.Split(p, "/") {
		switch el {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// checkCopyOptions reports options of a copy that cannot work together.
// The compiler relies on these checks: it has none of its own.
func checkCopyOptions(d *decoder, c *CopyStep, a hcl.Attributes) {
	if c.Link && ChownByName(c.Chown) {
		d.add(OptionConflict("copy options", fmt.Sprintf("chown %q names a user or group, but a linked copy (link = true) cannot look names up: it is made apart from the target's /etc/passwd. Use numeric ids, like chown = \"65534:65534\", or remove link.", c.Chown), a["chown"].Expr.Range()))
	}
	if c.Link && c.Chmod >= 0 {
		d.add(LinkWithChmod(a["link"].Expr.Range()))
	}
	if c.Parents && len(c.Include) > 0 {
		d.add(OptionConflict("copy options", "A copy with parents = true selects files by its src patterns (\"src/./**/*.go\"), so it cannot take include patterns too; move the include patterns into src, or remove parents.", a["include"].Expr.Range()))
	}
}
