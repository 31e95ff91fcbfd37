package dockerfile

import (
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/moby/buildkit/frontend/dockerfile/dfgitutil"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/org/buildlang/convert/hclgen"
	"github.com/zclconf/go-cty/cty"
)

// run converts RUN: the command (shell or exec form, heredocs), the ARGs
// in scope, --mount, --network, --security and --device.
func (s *stageConv) run(c *instructions.RunCommand, sc *scope) {
	ln := sc.line
	blk := s.steps.AppendNewBlock("run", nil)
	b := blk.Body()

	var extra *vals
	// ARGs reach run steps as environment variables. Those in scope at the
	// first run step are the target's args; ones declared later are the
	// env of the steps after them.
	if s.runArgs == nil {
		s.runArgs = s.args.clone()
		for _, k := range s.runArgs.keys {
			for _, p := range s.runArgs.m[k] {
				s.c.markUsed(p.Expr)
			}
		}
	} else {
		extra = newVals()
		for _, k := range s.args.keys {
			v := s.args.m[k]
			if old, ok := s.runArgs.m[k]; ok && old.String() == v.String() {
				continue
			}
			if _, isEnv := s.env.m[k]; isEnv {
				continue
			}
			extra.set(k, v)
			for _, p := range v {
				s.c.markUsed(p.Expr)
			}
		}
	}

	switch {
	case !c.PrependShell:
		b.SetAttributeRaw("command", hclgen.Lits(c.CmdLine))
	case len(c.Files) > 0:
		s.heredocRun(c, b, ln)
	default:
		// A shell-form RUN is one line: run "COMMAND" {}, the short form.
		blk.SetLabels([]string{strings.Join(c.CmdLine, " ")})
	}
	if extra != nil && len(extra.keys) > 0 {
		b.SetAttributeRaw("env", strMap(extra))
	}
	if n := instructions.GetNetwork(c); n != "" && n != instructions.NetworkDefault {
		b.SetAttributeValue("network", cty.StringVal(n))
	}
	if sec := instructions.GetSecurity(c); sec != "" && sec != instructions.SecuritySandbox {
		b.SetAttributeValue("security", cty.StringVal(sec))
	}
	for _, m := range instructions.GetMounts(c) {
		s.mount(b, m, ln)
	}
	for _, d := range instructions.GetDevices(c) {
		db := b.AppendNewBlock("device", []string{s.c.decode(d.Name).String()}).Body()
		if d.Required {
			db.SetAttributeValue("required", cty.True)
		}
	}
}

// heredocRun converts RUN with heredocs as the Dockerfile frontend runs
// them: a single heredoc is the script (run by its shebang's interpreter
// when it has one); anything else is handed to the shell whole.
func (s *stageConv) heredocRun(c *instructions.RunCommand, b *hclwrite.Body, ln int) {
	if len(c.CmdLine) == 1 && parser.MustParseHeredoc(c.CmdLine[0]) != nil {
		f := c.Files[0]
		data := f.Data
		if f.Chomp {
			data = parser.ChompHeredocContent(data)
		}
		if !strings.HasPrefix(data, "#!") {
			b.SetAttributeRaw("command", hclgen.Lit(data).Tokens())
			return
		}
		// A script with a shebang: the Dockerfile frontend mounts it as an
		// executable file and runs it. A helper target holds the file.
		s.helpers++
		helper := fmt.Sprintf("%s-script-%d", s.name, s.helpers)
		hb := hclwrite.NewBlock("target", []string{helper})
		hb.Body().SetAttributeValue("description", cty.StringVal(fmt.Sprintf("The heredoc script of %s line %d.", s.c.opts.Filename, ln)))
		fb := hb.Body().AppendNewBlock("file", nil).Body()
		fb.SetAttributeValue("path", cty.StringVal("/"+f.Name))
		fb.SetAttributeValue("content", cty.StringVal(data))
		fb.SetAttributeValue("mode", cty.StringVal("0755"))
		s.c.f.Targets = append(s.c.f.Targets, hb)
		b.SetAttributeRaw("command", hclgen.Lits([]string{"/dev/pipes/" + f.Name}))
		bb := b.AppendNewBlock("bind", []string{"/dev/pipes"}).Body()
		bb.SetAttributeRaw("from", hclgen.Raw("target."+helper))
		return
	}
	full := c.CmdLine[0]
	for _, f := range c.Files {
		full += "\n" + f.Data + f.Name
	}
	b.SetAttributeRaw("command", hclgen.Lit(full).Tokens())
}

func (s *stageConv) mount(b *hclwrite.Body, m *instructions.Mount, ln int) {
	d := s.c.decode
	target := d(m.Target)
	label, ok := target.IsLit()
	if !ok && m.Target != "" {
		s.note(b, ln, "the mount target %s uses a variable; a mount's path is a block label, so it is %q here", target, label)
		label = target.String()
	}
	switch m.Type {
	case instructions.MountTypeCache:
		mb := b.AppendNewBlock("cache", []string{label}).Body()
		if m.CacheID != "" && m.CacheID != m.Target {
			mb.SetAttributeRaw("id", d(m.CacheID).Tokens())
		}
		if m.CacheSharing != "" && m.CacheSharing != instructions.MountSharingShared {
			mb.SetAttributeValue("sharing", cty.StringVal(string(m.CacheSharing)))
		}
		if m.From != "" {
			mb.SetAttributeRaw("from", s.stageRef(m.From))
		}
		if m.Source != "" {
			mb.SetAttributeRaw("source", d(m.Source).Tokens())
		}
		if m.ReadOnly {
			mb.SetAttributeValue("readonly", cty.True)
		}
		fileInfo(mb, m, 0o755)
	case instructions.MountTypeBind:
		mb := b.AppendNewBlock("bind", []string{label}).Body()
		if m.From == "" && s.c.opts.Context != nil {
			mb.SetAttributeRaw("from", s.c.opts.Context)
		} else if m.From == "" {
			mb.SetAttributeRaw("from", hclgen.Raw("context"))
		} else {
			mb.SetAttributeRaw("from", s.stageRef(m.From))
		}
		if m.Source != "" {
			mb.SetAttributeRaw("source", d(m.Source).Tokens())
		}
		if !m.ReadOnly {
			mb.SetAttributeValue("readwrite", cty.True)
		}
	case instructions.MountTypeTmpfs:
		mb := b.AppendNewBlock("tmpfs", []string{label}).Body()
		if m.SizeLimit > 0 {
			mb.SetAttributeValue("size", cty.NumberIntVal(m.SizeLimit))
		}
	case instructions.MountTypeSecret:
		id := m.CacheID
		if m.Source != "" {
			id = m.Source
		}
		if id == "" {
			id = path.Base(m.Target)
		}
		name := s.c.secret("secret", id)
		mb := b.AppendNewBlock("secret", []string{name}).Body()
		if m.Target != "" {
			mb.SetAttributeRaw("target", target.Tokens())
		}
		if m.Env != nil && *m.Env != "" {
			mb.SetAttributeRaw("env", d(*m.Env).Tokens())
		}
		if m.Required {
			mb.SetAttributeValue("required", cty.True)
		}
		fileInfo(mb, m, 0o400)
	case instructions.MountTypeSSH:
		id := m.CacheID
		if id == "" {
			id = "default"
		}
		name := s.c.secret("ssh", id)
		mb := b.AppendNewBlock("ssh", []string{name}).Body()
		if m.Target != "" {
			mb.SetAttributeRaw("target", target.Tokens())
		}
		if m.Required {
			mb.SetAttributeValue("required", cty.True)
		}
		fileInfo(mb, m, 0o600)
	default:
		s.note(b, ln, "--mount=type=%s has no buildlang counterpart; left out", m.Type)
	}
}

func fileInfo(b *hclwrite.Body, m *instructions.Mount, defMode uint64) {
	if m.Mode != nil && *m.Mode != defMode {
		b.SetAttributeValue("mode", cty.StringVal(fmt.Sprintf("%04o", *m.Mode)))
	}
	if m.UID != nil && *m.UID != 0 {
		b.SetAttributeValue("uid", cty.NumberUIntVal(*m.UID))
	}
	if m.GID != nil && *m.GID != 0 {
		b.SetAttributeValue("gid", cty.NumberUIntVal(*m.GID))
	}
}

// secret declares the secret or ssh block a mount names (once per build
// file), optional as in Dockerfiles; it returns the block's name.
func (c *converter) secret(kind, id string) string {
	name := hclgen.Ident(id)
	if c.f.Declared(kind+" "+name) != nil {
		return name
	}
	b := hclwrite.NewBlock(kind, []string{name})
	if name != id {
		b.Body().SetAttributeValue("id", cty.StringVal(id))
	}
	// Dockerfile secret and ssh mounts are optional unless required=true.
	b.Body().SetAttributeValue("required", cty.False)
	c.f.DeclareBlock(kind+" "+name, b)
	return name
}

// copy converts COPY: sources from the context, a stage (by name or
// index) or an image; heredocs become file steps.
func (s *stageConv) copy(c *instructions.CopyCommand, sc *scope) {
	from := s.c.opts.Context
	if c.From != "" {
		from = s.stageRef(c.From)
	}
	s.heredocFiles(c.SourceContents, c.DestPath, c.Chmod, c.Chown, sc.line)
	if len(c.SourcePaths) == 0 {
		return
	}
	b := s.copyBlock(from, c.SourcePaths, c.DestPath, c.Chown, c.Chmod, c.ExcludePatterns)
	if c.Link {
		b.SetAttributeValue("link", cty.True)
	}
	if c.Parents {
		b.SetAttributeValue("parents", cty.True)
	}
}

func (s *stageConv) copyBlock(from hclwrite.Tokens, srcs []string, dest, chown, chmod string, exclude []string) *hclwrite.Body {
	d := s.c.decode
	blk := s.steps.AppendNewBlock("copy", nil)
	b := blk.Body()
	if from != nil {
		b.SetAttributeRaw("from", from)
	}
	items := make([]hclgen.Str, len(srcs))
	for i, p := range srcs {
		items[i] = d(p)
	}
	// Literal paths are the short form's labels, copy "SRC"... "DEST" {}
	// as in COPY; paths with a variable take the long form.
	if labels, ok := litLabels(append(items, d(dest))); ok {
		blk.SetLabels(labels)
	} else {
		b.SetAttributeRaw("src", hclgen.List(items))
		b.SetAttributeRaw("dest", d(dest).Tokens())
	}
	if len(exclude) > 0 {
		ex := make([]hclgen.Str, len(exclude))
		for i, p := range exclude {
			ex[i] = d(p)
		}
		b.SetAttributeRaw("exclude", hclgen.List(ex))
	}
	if chown != "" {
		b.SetAttributeRaw("chown", d(chown).Tokens())
	}
	if chmod != "" {
		b.SetAttributeRaw("chmod", d(chmod).Tokens())
	}
	return b
}

// litLabels is the text of strs when none holds an expression.
func litLabels(strs []hclgen.Str) ([]string, bool) {
	out := make([]string, len(strs))
	for i, x := range strs {
		lit, ok := x.IsLit()
		if !ok {
			return nil, false
		}
		out[i] = lit
	}
	return out, true
}

// heredocFiles writes COPY/ADD heredocs as file steps.
func (s *stageConv) heredocFiles(files []instructions.SourceContent, dest, chmod, chown string, ln int) {
	d := s.c.decode
	for _, f := range files {
		p := dest
		if strings.HasSuffix(dest, "/") || len(files) > 1 {
			p = strings.TrimSuffix(dest, "/") + "/" + f.Path
		}
		b := s.steps.AppendNewBlock("file", nil).Body()
		b.SetAttributeRaw("path", d(p).Tokens())
		b.SetAttributeRaw("content", d(f.Data).Tokens())
		if chmod != "" {
			if isOctal(chmod) {
				b.SetAttributeValue("mode", cty.StringVal(chmod))
			} else {
				s.note(b, ln, "--chmod=%s on a heredoc: a file step takes an octal mode, so the file keeps 0644", chmod)
			}
		}
		if chown != "" {
			b.SetAttributeRaw("chown", d(chown).Tokens())
		}
	}
}

func isOctal(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '7' {
			return false
		}
	}
	return true
}

// add converts ADD: URLs become http sources, git URLs git sources, and
// local files copies that extract archives.
func (s *stageConv) add(c *instructions.AddCommand, sc *scope) {
	ln := sc.line
	s.heredocFiles(c.SourceContents, c.DestPath, c.Chmod, c.Chown, ln)
	var local []string
	for _, src := range c.SourcePaths {
		raw := s.c.decode(src).String()
		if g, isGit, err := dfgitutil.ParseGitRef(raw); err == nil && isGit && !g.IndistinguishableFromLocal {
			ref := g.Remote
			if g.Ref != "" || g.SubDir != "" {
				ref += "#" + g.Ref
				if g.SubDir != "" {
					ref += ":" + g.SubDir
				}
			}
			args := []hclwrite.Tokens{hclgen.Lit(ref).Tokens()}
			if c.Checksum != "" {
				args = append(args, hclgen.Lit(c.Checksum).Tokens())
			}
			b := s.copyBlock(hclwrite.TokensForFunctionCall("git", args...), []string{"."}, c.DestPath, c.Chown, c.Chmod, c.ExcludePatterns)
			if c.KeepGitDir != nil && *c.KeepGitDir || g.KeepGitDir != nil && *g.KeepGitDir {
				s.note(b, ln, "ADD --keep-git-dir: buildlang's git sources do not keep the .git directory")
			}
			if c.Link {
				b.SetAttributeValue("link", cty.True)
			}
			continue
		}
		if u, err := url.Parse(raw); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			args := []hclwrite.Tokens{s.c.decode(src).Tokens()}
			if c.Checksum != "" {
				args = append(args, hclgen.Lit(c.Checksum).Tokens())
			}
			name := path.Base(u.Path)
			if name == "/" || name == "." || name == "" {
				name = "__unnamed__"
				s.note(s.steps, ln, "ADD %s: the URL has no file name; the Dockerfile frontend names it from the response, here it is %q", raw, name)
			}
			b := s.copyBlock(hclwrite.TokensForFunctionCall("http", args...), []string{name}, c.DestPath, c.Chown, c.Chmod, c.ExcludePatterns)
			if c.Unpack != nil && *c.Unpack {
				b.SetAttributeValue("unpack", cty.True)
			}
			if c.Link {
				b.SetAttributeValue("link", cty.True)
			}
			continue
		}
		local = append(local, src)
	}
	if len(local) == 0 {
		return
	}
	b := s.copyBlock(s.c.opts.Context, local, c.DestPath, c.Chown, c.Chmod, c.ExcludePatterns)
	if c.Unpack == nil || *c.Unpack {
		b.SetAttributeValue("unpack", cty.True)
	}
	if c.Link {
		b.SetAttributeValue("link", cty.True)
	}
	if c.Checksum != "" {
		s.note(b, ln, "ADD --checksum applies to URLs and git sources only; ignored for %s", strings.Join(local, " "))
	}
}

// argv is a CMD or ENTRYPOINT as the image stores it: the shell form runs
// through the stage's shell.
func (s *stageConv) argv(c instructions.ShellDependantCmdLine) []string {
	if c.PrependShell {
		return append(append([]string{}, s.shell...), strings.Join(c.CmdLine, " "))
	}
	return c.CmdLine
}

func (s *stageConv) label(k, v hclgen.Str, ln int) {
	key, ok := k.IsLit()
	if !ok {
		s.note(s.image, ln, "the label name %s uses a variable; map keys are written as they are here", k)
		key = k.String()
	}
	for i, kv := range s.labels {
		if kv.Key == key {
			s.labels[i].Value = v.Tokens()
			return
		}
	}
	s.labels = append(s.labels, hclgen.KV{Key: key, Value: v.Tokens()})
}

func (s *stageConv) healthcheck(c *instructions.HealthCheckCommand) {
	s.c.comment(s.image, c)
	h := c.Health
	// One line, as HEALTHCHECK is: the block's one-line form.
	kvs := []hclgen.KV{{Key: "test", Value: hclgen.Lits(h.Test)}}
	dur := func(name string, d time.Duration) {
		if d > 0 {
			kvs = append(kvs, hclgen.KV{Key: name, Value: hclwrite.TokensForValue(cty.StringVal(d.String()))})
		}
	}
	dur("interval", h.Interval)
	dur("timeout", h.Timeout)
	dur("start_period", h.StartPeriod)
	dur("start_interval", h.StartInterval)
	if h.Retries > 0 {
		kvs = append(kvs, hclgen.KV{Key: "retries", Value: hclwrite.TokensForValue(cty.NumberIntVal(int64(h.Retries)))})
	}
	s.image.SetAttributeRaw("healthcheck", hclgen.Line(kvs))
}

// finishImage writes the config collected over the stage.
func (s *stageConv) finishImage() {
	if s.c.building {
	next:
		for _, kv := range s.c.opts.Labels {
			for i := range s.labels {
				if s.labels[i].Key == kv.Key {
					s.labels[i].Value = kv.Value
					continue next
				}
			}
			s.labels = append(s.labels, kv)
		}
	}
	if len(s.labels) > 0 {
		s.image.SetAttributeRaw("labels", hclgen.Map(s.labels))
	}
	if len(s.expose) > 0 {
		s.image.SetAttributeRaw("expose", listOf(s.expose))
	}
	if len(s.volumes) > 0 {
		s.image.SetAttributeRaw("volumes", hclgen.List(s.volumes))
	}
	if len(s.onbuild) > 0 {
		s.image.SetAttributeRaw("onbuild", hclgen.Lits(s.onbuild))
	}
}

func listOf(items []hclwrite.Tokens) hclwrite.Tokens {
	return hclwrite.TokensForTuple(items)
}
