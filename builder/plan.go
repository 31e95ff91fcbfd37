package builder

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/session"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/solve"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/exports"
)

// Plan is what a build will do: the targets with their platforms, outputs
// and cache, compiled once, and the secrets, SSH agents and local
// directories the client must provide.
type Plan struct {
	Build   *lang.Build
	Targets []*TargetPlan
	// Secrets and SSH are the ones the compiled steps mount, by id.
	Secrets []*SecretPlan
	SSH     []*SSHPlan
	// Locals maps each local directory the build reads (the build context
	// "context", named contexts, local(...)) to the host directory sent.
	Locals map[string]string
	// Images are named contexts provided as docker-image://REF.
	Images map[string]string
	// Remotes are named contexts provided as a git repository or an
	// HTTP(S) download (--build-context NAME=URL), as buildx takes them.
	Remotes map[string]string
	// Layouts are named contexts provided as an OCI image layout on the
	// client (oci-layout://PATH[:TAG][@DIGEST]), sent through the session.
	Layouts   map[string]*ociLayout
	layoutsMu sync.Mutex
	// Entitlements are the ones the steps need (network.host,
	// security.insecure, device or device=NAME for their CDI devices) and
	// the user granted (--allow); the build asks the daemon for them, and
	// the daemon must allow them.
	Entitlements []string

	opts             *Options
	entitlementNeeds []*compiler.Need
	// session sends the local directories to every solve of a connected
	// plan (its id is in the compiled locals); localOpts are the build
	// context's llb.Local options.
	session   *session.Session
	localOpts []llb.LocalOption
	// refusals are what the build file asks for and the user did not grant.
	refusals []refusal
}

// TargetPlan is one requested target.
type TargetPlan struct {
	Name      string
	Platforms []ocispecs.Platform
	Tags      []string
	Outputs   []Output // none means the result stays in BuildKit's cache
	// CachePolicy is the cache policy's name, "" for none or when
	// --cache-from/--cache-to replaced it.
	CachePolicy  string
	CacheImports []client.CacheOptionsEntry
	CacheExports []client.CacheOptionsEntry
	Notes        []string
	// Steps counts its steps across platforms: each platform's own and
	// those of the targets it reads (compiler.Output.Steps).
	Steps int

	// Part is true when this plan builds some of its platforms, pushed
	// by digest, for MergeParts (Options.Parts).
	Part bool

	compiled *compiled
}

// Push reports whether any output pushes.
func (t *TargetPlan) Push() bool { return slices.ContainsFunc(t.Outputs, Output.Push) }

// SecretPlan is a secret the build mounts.
type SecretPlan struct {
	ID       string
	Required bool     // some mount needs it
	Targets  []string // targets whose steps mount it
	Steps    []string // vertex names of those steps
	Decl     *lang.Secret
	Source   *SecretSource // nil: not provided
	From     string        // "--secret" or `secret "NAME" block`
	Problem  string        // why the source cannot be read, if it cannot
	value    []byte
}

// SSHPlan is an SSH agent the build forwards.
type SSHPlan struct {
	ID       string
	Required bool
	Targets  []string
	Source   *SSHSource // nil: not provided
	From     string
	Problem  string
}

// NewPlan compiles the requested targets and works out outputs, cache,
// secrets and local directories. With Options.Connection it is the
// build's one compile, images resolved through that daemon; without, a
// dry run's, images unresolved. Diagnostics come from the compiler and
// consent; err from the options.
func NewPlan(ctx context.Context, b *lang.Build, opts *Options) (*Plan, hcl.Diagnostics, error) {
	opts.setDefaults()
	p := &Plan{Build: b, Locals: map[string]string{}, Images: map[string]string{}, Remotes: map[string]string{}, Layouts: map[string]*ociLayout{}, opts: opts}
	comps, cdiags, err := p.compile(ctx)
	if cdiags.HasErrors() || err != nil {
		p.closeSession()
		return nil, cdiags, err
	}
	// The compiler's warnings are the build's: printed with its own at the
	// end (TargetPlan.compiled.warnings), as a frontend's are.
	var diags hcl.Diagnostics
	byName := map[string]*TargetPlan{}
	secrets := map[string]*SecretPlan{}
	sshs := map[string]*SSHPlan{}
	ents := map[string]*compiler.Need{}
	var devices []string // the CDI devices mounted, in first-use order
	var outputs []*compiler.Output
	for _, c := range comps {
		outputs = append(outputs, c.outputs...)
		for _, o := range c.outputs {
			if t := byName[o.Target]; t == nil {
				t = &TargetPlan{Name: o.Target, compiled: c}
				byName[o.Target] = t
				p.Targets = append(p.Targets, t)
				if err := p.targetSettings(t, o.Spec); err != nil {
					p.closeSession()
					return nil, diags, err
				}
			}
		}
	}
	for _, o := range outputs {
		t := byName[o.Target]

		t.Platforms = append(t.Platforms, o.Platform)
		t.Steps += len(o.Steps)
		for _, s := range o.Needs.Secrets {
			sp := secrets[s.Name]
			if sp == nil {
				sp = &SecretPlan{ID: s.Name}
				secrets[s.Name] = sp
				p.Secrets = append(p.Secrets, sp)
			}
			sp.Required = sp.Required || s.Required
			for _, st := range s.Steps {
				sp.Targets = appendNew(sp.Targets, st.Target)
				sp.Steps = appendNew(sp.Steps, st.Name)
			}
		}
		for _, s := range o.Needs.SSH {
			sp := sshs[s.Name]
			if sp == nil {
				sp = &SSHPlan{ID: s.Name}
				sshs[s.Name] = sp
				p.SSH = append(p.SSH, sp)
			}
			sp.Required = sp.Required || s.Required
			for _, st := range s.Steps {
				sp.Targets = appendNew(sp.Targets, st.Target)
			}
		}
		for _, name := range slices.Concat(o.Needs.Locals, o.Needs.NamedContexts) {
			p.Locals[name] = ""
		}
		for _, d := range o.Needs.Devices {
			devices = appendNew(devices, d.Name)
		}
		for _, e := range o.Needs.Entitlements {
			if ents[e.Name] == nil {
				ents[e.Name] = &compiler.Need{Name: e.Name, Required: true}
			}
			for _, st := range e.Steps {
				if !slices.Contains(ents[e.Name].Steps, st) {
					ents[e.Name].Steps = append(ents[e.Name].Steps, st)
				}
			}
		}
	}
	for _, name := range sortedKeys(ents) {
		p.entitlementNeeds = append(p.entitlementNeeds, ents[name])
	}
	p.checkEntitlements()
	p.grantDevices(devices)
	if err := p.checkOutputCollisions(); err != nil {
		p.closeSession()
		return nil, diags, err
	}
	p.resolveLocals()
	p.resolveSecrets()
	p.resolveSSH()
	for _, r := range p.refusals {
		diags = append(diags, r.diag)
	}
	return p, diags, nil
}

// targetSettings fills in a target's tags, outputs and cache.
func (p *Plan) targetSettings(t *TargetPlan, spec *lang.TargetSpec) error {
	opts := p.opts
	t.Tags = slices.Clone(spec.Tags)
	dir := fileDir(spec.Target.DeclRange.Filename)

	switch {
	case len(opts.Outputs) > 0:
		for _, o := range opts.Outputs {
			t.Outputs = append(t.Outputs, o.Clone())
		}
	case len(spec.Outputs) > 0:
		for _, s := range spec.Outputs {
			o, err := ParseOutput(s)
			if err != nil {
				return fmt.Errorf("target %q: %w", t.Name, err)
			}
			if d := o.Attrs["dest"]; d != "" && d != "-" && !filepath.IsAbs(d) {
				o.Attrs["dest"] = filepath.Join(dir, d)
			}
			p.checkOutput(t, spec, o)
			t.Outputs = append(t.Outputs, o)
		}
	case len(t.Tags) > 0:
		t.Outputs = []Output{{Type: OutputImage, Attrs: map[string]string{}}}
	}
	if opts.Push {
		if !slices.ContainsFunc(t.Outputs, func(o Output) bool { return o.Type == OutputImage }) && len(t.Tags) > 0 {
			t.Outputs = append(t.Outputs, Output{Type: OutputImage, Attrs: map[string]string{}})
		}
		for i, o := range t.Outputs {
			if o.Type == OutputImage {
				t.Outputs[i].Attrs["push"] = "true"
				if _, ok := opts.Parts[t.Name]; ok {
					t.Outputs[i].Attrs["push-by-digest"] = "true"
					t.Part = true
				}
			}
		}
	}
	var outs []Output
	for _, o := range t.Outputs {
		if o.Type == OutputNone {
			continue
		}
		if o.Type == OutputImage {
			if o.Attrs["name"] == "" {
				o.Attrs["name"] = strings.Join(t.Tags, ",")
			}
			if o.Attrs["push-by-digest"] == "true" {
				o.Attrs["name"] = repositories(o.Attrs["name"])
			}
			if err := exports.CheckPush(o, t.Tags); err != nil {
				return fmt.Errorf("target %q: %w", t.Name, err)
			}
			if o.Attrs["name"] == "" {
				t.Notes = append(t.Notes, "image output without a name: the image stays in BuildKit's cache")
			}
			if _, ok := o.Attrs["registry.insecure"]; !ok && anyLocalRegistry(o.Attrs["name"]) {
				o.Attrs["registry.insecure"] = "true"
			}
		}
		if d := o.Attrs["dest"]; d != "" {
			o.Attrs["dest"] = exports.TargetDest(d, t.Name)
		}
		if o.Type == OutputImage || o.Type == OutputOCI || o.Type == OutputDocker {
			for k, v := range spec.Image.Annotations {
				if _, ok := o.Attrs["annotation."+k]; !ok {
					o.Attrs["annotation."+k] = v
				}
			}
		}
		outs = append(outs, o)
	}
	t.Outputs = outs
	if opts.Push && !t.Push() {
		t.Notes = append(t.Notes, "not pushed: no tags")
	}
	if len(t.Outputs) == 0 {
		t.Notes = append(t.Notes, "no output: the result stays in BuildKit's cache (add tags or output to the target, or pass --output)")
	}

	// Cache: the target's (or environment's) policy, replaced by the flags.
	if pol := p.Build.Cache(spec.Cache); pol != nil {
		pdir := fileDir(pol.DeclRange.Filename)
		t.CachePolicy = pol.Name
		for _, m := range pol.Import {
			e := cacheEntry(m, pdir)
			if len(opts.CacheFrom) == 0 {
				p.checkCache(pol, e, false)
			}
			t.CacheImports = append(t.CacheImports, e)
		}
		for _, m := range pol.Export {
			e := cacheEntry(m, pdir)
			if len(opts.CacheTo) == 0 {
				p.checkCache(pol, e, true)
			}
			t.CacheExports = append(t.CacheExports, e)
		}
	}
	if len(opts.CacheFrom) > 0 {
		t.CacheImports = cloneEntries(opts.CacheFrom)
	}
	if len(opts.CacheTo) > 0 {
		t.CacheExports = cloneEntries(opts.CacheTo)
	}
	if len(opts.CacheFrom) > 0 || len(opts.CacheTo) > 0 {
		t.CachePolicy = ""
	}
	for _, es := range [][]client.CacheOptionsEntry{t.CacheImports, t.CacheExports} {
		for _, e := range es {
			// Targets sharing a local cache directory keep their caches side
			// by side, under their own tag in its index.json.
			if e.Type == "local" && e.Attrs["tag"] == "" && e.Attrs["digest"] == "" {
				e.Attrs["tag"] = cacheTag(t.Name)
			}
			if e.Type == "registry" && e.Attrs["registry.insecure"] == "" && anyLocalRegistry(e.Attrs["ref"]) {
				e.Attrs["registry.insecure"] = "true"
			}
		}
	}
	if ps, ok := opts.Parts[t.Name]; ok && t.Part {
		partCache(t, ps)
	}
	return nil
}

// partCache gives a part (some platforms of an image, built on one node
// while other nodes build the rest) caches of its own, so the nodes'
// exports do not overwrite each other's: a registry export's tag, or a
// local one's tag in the directory's index, gets the part's platforms
// (app:cache becomes app:cache-linux-arm64), and the part imports that
// before the cache as written. A build of all the platforms on one node
// uses the caches as written.
func partCache(t *TargetPlan, ps []ocispecs.Platform) {
	suffix := strings.NewReplacer("/", "-", ",", "_").Replace(formatPlatforms(ps))
	own := func(e client.CacheOptionsEntry) (client.CacheOptionsEntry, bool) {
		out := client.CacheOptionsEntry{Type: e.Type, Attrs: maps.Clone(e.Attrs)}
		switch e.Type {
		case "local":
			if e.Attrs["digest"] != "" {
				return e, false
			}
			out.Attrs["tag"] = cacheTag(e.Attrs["tag"] + "-" + suffix)
		case "registry":
			named, err := reference.ParseNormalizedNamed(e.Attrs["ref"])
			if err != nil {
				return e, false
			}
			if _, digested := named.(reference.Digested); digested {
				return e, false
			}
			tag := "latest"
			if tagged, ok := named.(reference.Tagged); ok {
				tag = tagged.Tag()
			}
			ref, err := reference.WithTag(reference.TrimNamed(named), cacheTag(tag+"-"+suffix))
			if err != nil {
				return e, false
			}
			out.Attrs["ref"] = reference.FamiliarString(ref)
		default:
			return e, false
		}
		return out, true
	}
	for i, e := range t.CacheExports {
		t.CacheExports[i], _ = own(e)
	}
	var imports []client.CacheOptionsEntry
	for _, e := range t.CacheImports {
		if o, ok := own(e); ok {
			imports = append(imports, o)
		}
		imports = append(imports, e)
	}
	t.CacheImports = imports
}

// repositories are the repositories of a list of references, each once:
// what an image pushed by digest is named (BuildKit refuses tags).
func repositories(refs string) string {
	var out []string
	for _, r := range strings.Split(refs, ",") {
		repo := strings.TrimSpace(r)
		if named, err := reference.ParseNormalizedNamed(repo); err == nil {
			repo = reference.TrimNamed(named).String()
		}
		if !slices.Contains(out, repo) {
			out = append(out, repo)
		}
	}
	return strings.Join(out, ",")
}

// checkOutputCollisions refuses two targets writing the same file or
// directory: --output applies to every target, so its dest needs {target}.
func (p *Plan) checkOutputCollisions() error {
	var writes []exports.Write
	for _, t := range p.Targets {
		for _, o := range t.Outputs {
			writes = append(writes, exports.Write{Target: t.Name, Dest: o.Attrs["dest"]})
		}
	}
	if cs := exports.Collisions(writes, exports.CleanAbs); len(cs) > 0 {
		return cs[0]
	}
	return nil
}

func cacheEntry(m map[string]string, dir string) client.CacheOptionsEntry {
	return client.CacheOptionsEntry(solve.CacheEntry(m, dir))
}

func cloneEntries(es []client.CacheOptionsEntry) []client.CacheOptionsEntry {
	out := make([]client.CacheOptionsEntry, len(es))
	for i, e := range es {
		out[i] = client.CacheOptionsEntry{Type: e.Type, Attrs: maps.Clone(e.Attrs)}
	}
	return out
}

var tagUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

func cacheTag(target string) string {
	s := tagUnsafe.ReplaceAllString(target, "_")
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

// anyLocalRegistry reports whether a comma-separated list of references
// names a registry on this machine (localhost, 127.0.0.1, [::1]), which is
// reached over plain HTTP.
func anyLocalRegistry(refs string) bool {
	for _, r := range strings.Split(refs, ",") {
		host, _, ok := strings.Cut(strings.TrimSpace(r), "/")
		if !ok {
			continue
		}
		h := host
		if i := strings.LastIndex(h, ":"); i >= 0 && !strings.HasSuffix(h, "]") {
			h = h[:i]
		}
		switch strings.Trim(h, "[]") {
		case "localhost", "127.0.0.1", "::1":
			return true
		}
	}
	return false
}

// resolveLocals maps each local the build reads to a directory: the
// build context for "context", else --build-context NAME=....
func (p *Plan) resolveLocals() {
	for name := range p.Locals {
		if name == contextLocal {
			p.Locals[name] = p.opts.ContextDir
			continue
		}
		if src, ok := p.opts.BuildContexts[name]; ok {
			switch kind, ref := contextKindOf(src); kind {
			case contextImage:
				p.Images[name] = ref
				delete(p.Locals, name)
			case contextRemote:
				p.Remotes[name] = src
				delete(p.Locals, name)
			case contextLayout:
				delete(p.Locals, name) // in Layouts since it was compiled
			default:
				p.Locals[name] = src
			}
		}
	}
}

const contextLocal = "context"

// resolveSecrets finds each mounted secret's source: --secret, else the
// secret block's env or src. Values are read now, so a missing one fails
// before anything runs.
func (p *Plan) resolveSecrets() {
	flags := map[string]SecretSource{}
	for _, s := range p.opts.Secrets {
		flags[s.ID] = s
	}
	for _, sp := range p.Secrets {
		for _, d := range p.Build.Secrets {
			if d.ID == sp.ID {
				sp.Decl = d
			}
		}
		if s, ok := flags[sp.ID]; ok {
			sp.Source, sp.From = &s, "--secret"
		} else if sp.Decl != nil && sp.Decl.Var != "" {
			sp.Source, sp.From = &SecretSource{ID: sp.ID, Var: sp.Decl.Var}, fmt.Sprintf("secret %q block", sp.Decl.Name)
		} else if sp.Decl != nil && (sp.Decl.Env != "" || sp.Decl.Src != "") {
			src := SecretSource{ID: sp.ID, Env: sp.Decl.Env}
			if sp.Decl.Src != "" {
				src.File = sp.Decl.Src
				if !filepath.IsAbs(src.File) {
					src.File = filepath.Join(fileDir(sp.Decl.DeclRange.Filename), src.File)
				}
			}
			sp.Source, sp.From = &src, fmt.Sprintf("secret %q block", sp.Decl.Name)
		}
		if sp.Source == nil {
			continue
		}
		if sp.From != "--secret" && !p.secretAllowed(sp) {
			continue // refused: not read
		}
		switch {
		case sp.Source.Var != "":
			v, ok := p.Build.SecretValue(sp.Decl)
			if !ok {
				sp.Problem = fmt.Sprintf("the variable %s has no value", sp.Source.Var)
				continue
			}
			sp.value = v
		case sp.Source.Env != "":
			v, ok := p.opts.LookupEnv(sp.Source.Env)
			if !ok {
				sp.Problem = fmt.Sprintf("the environment variable %s is not set", sp.Source.Env)
				continue
			}
			sp.value = []byte(v)
		default:
			dt, err := os.ReadFile(sp.Source.File)
			if err != nil {
				sp.Problem = fmt.Sprintf("reading %s: %v", sp.Source.File, unwrapPath(err))
				continue
			}
			sp.value = dt
		}
	}
}

func (p *Plan) resolveSSH() {
	flags := map[string]SSHSource{}
	for _, s := range p.opts.SSH {
		flags[s.ID] = s
	}
	for _, sp := range p.SSH {
		var decl *lang.SSH
		for _, d := range p.Build.SSH {
			if d.ID == sp.ID {
				decl = d
			}
		}
		if s, ok := flags[sp.ID]; ok {
			sp.Source, sp.From = &s, "--ssh"
		} else if decl != nil {
			src := SSHSource{ID: sp.ID}
			for _, path := range decl.Paths {
				if !filepath.IsAbs(path) {
					path = filepath.Join(fileDir(decl.DeclRange.Filename), path)
				}
				src.Paths = append(src.Paths, path)
			}
			sp.Source, sp.From = &src, fmt.Sprintf("ssh %q block", decl.Name)
		}
		if sp.Source == nil {
			continue
		}
		if decl != nil && sp.From != "--ssh" && !p.sshAllowed(sp, decl) {
			continue
		}
		if len(sp.Source.Paths) == 0 {
			v, _ := p.opts.LookupEnv("SSH_AUTH_SOCK")
			if v == "" {
				sp.Problem = "SSH_AUTH_SOCK is not set (no ssh agent is running)"
				continue
			}
			if _, err := os.Stat(v); err != nil {
				sp.Problem = fmt.Sprintf("the agent socket SSH_AUTH_SOCK=%s: %v", v, unwrapPath(err))
				continue
			}
		}
		for _, path := range sp.Source.Paths {
			if _, err := os.Stat(path); err != nil {
				sp.Problem = fmt.Sprintf("%s: %v", path, unwrapPath(err))
			}
		}
	}
}

// Check reports what the client cannot provide: required secrets and SSH
// agents without a usable source, and local directories that are missing.
// It is the last thing before a build contacts BuildKit.
func (p *Plan) Check() error {
	if err := p.consentError(); err != nil {
		return err
	}
	for _, t := range p.Targets {
		if _, err := p.attestAttrs(t); err != nil {
			return err
		}
	}
	var problems []string
	for _, sp := range p.Secrets {
		if !sp.Required || (sp.Source != nil && sp.Problem == "") {
			continue
		}
		msg := fmt.Sprintf("secret %q is required by target %s (%s) but ", sp.ID, quoteJoin(sp.Targets), strings.Join(sp.Steps, "; "))
		how := fmt.Sprintf("pass --secret id=%s,src=FILE or --secret id=%s,env=VAR", sp.ID, sp.ID)
		switch {
		case sp.Source == nil && sp.Decl == nil:
			msg += "no secret block declares it and no --secret provides it; " + how + ", or declare secret \"" + sp.ID + "\" { env = \"VAR\" }"
		case sp.Source == nil:
			msg += fmt.Sprintf("its secret %q block names no env or src and no --secret provides it; %s, or set env or src in the block", sp.Decl.Name, how)
		case sp.Source.Env != "":
			msg += fmt.Sprintf("%s (from the %s); set %s, or %s", sp.Problem, sp.From, sp.Source.Env, how)
		default:
			msg += fmt.Sprintf("it cannot be read: %s (from the %s); create the file, or %s", sp.Problem, sp.From, how)
		}
		problems = append(problems, msg)
	}
	for _, sp := range p.SSH {
		if !sp.Required || (sp.Source != nil && sp.Problem == "") {
			continue
		}
		msg := fmt.Sprintf("ssh %q is required by target %s but ", sp.ID, quoteJoin(sp.Targets))
		if sp.Source == nil {
			msg += fmt.Sprintf("nothing forwards it; pass --ssh %s (the agent at $SSH_AUTH_SOCK) or --ssh %s=PATH, or declare ssh %q {}", sp.ID, sp.ID, sp.ID)
		} else {
			msg += fmt.Sprintf("%s (from the %s); start an ssh agent (eval $(ssh-agent) && ssh-add) or pass --ssh %s=PATH", sp.Problem, sp.From, sp.ID)
		}
		problems = append(problems, msg)
	}
	for _, name := range slices.Sorted(maps.Keys(p.Locals)) {
		dir := p.Locals[name]
		if dir == "" {
			problems = append(problems, fmt.Sprintf("the build reads contexts.%s or local(%q), but no directory is given for it; pass --build-context %s=DIR", name, name, name))
			continue
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			what := "build context"
			if name != contextLocal {
				what = fmt.Sprintf("directory for %q", name)
			}
			problems = append(problems, fmt.Sprintf("the %s %s is not a directory", what, dir))
		}
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s", problems[0])
	}
	return fmt.Errorf("the build cannot start:\n  - %s", strings.Join(problems, "\n  - "))
}

func appendNew(xs []string, x string) []string {
	if x == "" || slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

func quoteJoin(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

func fileDir(filename string) string {
	if filename == "" {
		return "."
	}
	return filepath.Dir(filepath.FromSlash(filename))
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func formatPlatforms(ps []ocispecs.Platform) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = platforms.FormatAll(p)
	}
	return strings.Join(s, ",")
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
