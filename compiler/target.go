package compiler

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// targetBuild compiles one node: its base, then its steps in order.
type targetBuild struct {
	c     *compiler
	n     *node
	spec  *lang.TargetSpec
	run   ocispecs.Platform // where steps run and bases are pulled for
	label string            // the platform as vertex names show it
	total int               // FROM plus steps, for "[app linux/amd64 2/5]"
	img   *dockerspec.DockerOCIImage
	wd    string // working directory of steps
	user  string // user of run steps
	// ownWorkdir makes a new workdir owned by the user. It is off for a
	// target's own workdir when run steps set their own user: before set
	// steps, that was how files ran steps as root before the target's
	// user existed, and they must keep building.
	ownWorkdir bool

	ctxOut   *lazyOutput // this target's view of the main context
	ctxPaths map[string]struct{}
}

func newTargetBuild(c *compiler, n *node) *targetBuild {
	return &targetBuild{
		c: c, n: n, spec: n.spec, run: n.spec.RunPlatform,
		label: platformLabel(n.spec.RunPlatform, n.platform),
		total: len(n.spec.Steps) + 1,
	}
}

func (t *targetBuild) compile() (llb.State, *dockerspec.DockerOCIImage) {
	epoch := t.c.req.Epoch
	st, base := t.from()
	if base != nil && len(base.Config.OnBuild) > 0 {
		t.c.errorf(t.spec.From.Range, "Base image has ONBUILD triggers",
			"%s has %d ONBUILD trigger(s) (%s). The Dockerfile frontend runs them when building FROM it; buildlang does not run Dockerfile instructions, so it refuses rather than build something else. Write the triggers as steps of this target and build from an image without triggers.",
			describeSource(t.spec.From), len(base.Config.OnBuild), strings.Join(base.Config.OnBuild, "; "))
	}
	t.img = newImage(base, t.n.platform, epoch)
	if t.spec.From.Kind == lang.SourceScratch {
		t.img.Config.WorkingDir = "/" // as the Dockerfile frontend's FROM scratch
	}
	ic := &t.spec.Image
	t.ownWorkdir = !stepsSetUser(t.spec.Steps)
	st = t.config(1, &lang.SetStep{Env: ic.Env, Workdir: ic.Workdir, User: ic.User, Shell: ic.Shell}, st, t.spec.Target.DeclRange)
	t.ownWorkdir = true
	for i, s := range t.spec.Steps {
		st = t.step(i+2, s, st)
	}
	applyImageConfig(t.img, &t.spec.Image, epoch)
	t.finishContext()
	return st, t.img
}

func (t *targetBuild) from() (llb.State, *dockerspec.DockerOCIImage) {
	src := t.spec.From
	return t.source(src, use{index: 1, desc: "FROM " + describeSource(src), rng: src.Range, paths: []string{"/"}})
}

func (t *targetBuild) step(index int, s lang.Step, st llb.State) llb.State {
	switch {
	case s.Run != nil:
		return t.runStep(index, s, st)
	case s.Copy != nil:
		return t.copyStep(index, s, st)
	case s.Set != nil:
		return t.config(index, s.Set, st, s.Range)
	default:
		return t.fileStep(index, s, st)
	}
}

// config applies env, user, workdir and shell to the image and the steps
// after it, as a target's attributes do before its steps and a set step
// does where it stands. Each gets a history entry like ENV, USER, WORKDIR
// and SHELL; the user comes before the workdir, which is created owned by
// the user as WORKDIR creates it.
func (t *targetBuild) config(index int, c *lang.SetStep, st llb.State, rng hcl.Range) llb.State {
	img, epoch := t.img, t.c.req.Epoch
	cfg := &img.Config
	if len(c.Env) > 0 {
		var pairs []string
		before := slices.Clone(cfg.Env) // base.env reads the env before this change, as ENV does
		for _, k := range sortedKeys(c.Env) {
			v := expandBaseEnv(c.Env[k], before)
			cfg.Env = addEnv(cfg.Env, k, v)
			pairs = append(pairs, k+"="+v)
		}
		addHistory(img, "ENV "+strings.Join(pairs, " "), false, epoch)
	}
	if c.User != "" {
		cfg.User = c.User
		addHistory(img, "USER "+c.User, false, epoch)
	}
	t.user = cfg.User
	if c.Workdir != "" {
		cfg.WorkingDir = joinPath(cfg.WorkingDir, c.Workdir)
		st = t.makeWorkdir(index, cfg.WorkingDir, st, rng)
	}
	t.wd = cfg.WorkingDir
	if t.wd == "" {
		t.wd = "/"
	}
	if c.Shell != nil {
		cfg.Shell = slices.Clone(c.Shell)
		addHistory(img, "SHELL "+jsonList(c.Shell), false, epoch)
	}
	return st
}

// makeWorkdir creates a working directory as the Dockerfile frontend's
// WORKDIR does: with its parents, mode 0755, owned by the current user;
// the root needs nothing.
func (t *targetBuild) makeWorkdir(index int, wd string, st llb.State, rng hcl.Range) llb.State {
	desc := "WORKDIR " + wd
	if wd == "/" {
		addHistory(t.img, desc, false, t.c.req.Epoch)
		return st
	}
	opts := []llb.MkdirOption{llb.WithParents(true)}
	if t.user != "" && t.ownWorkdir {
		opts = append(opts, llb.WithUser(t.user))
	}
	if e := t.c.req.Epoch; e != nil {
		opts = append(opts, llb.WithCreatedTime(*e))
	}
	copts := []llb.ConstraintsOpt{llb.Platform(t.run), t.name(index, desc), t.c.location(rng)}
	if t.ignoreCache(false) {
		copts = append(copts, llb.IgnoreCache)
	}
	addHistory(t.img, desc, true, t.c.req.Epoch)
	return t.c.blank.WithOutput(st.File(llb.Mkdir(wd, 0o755, opts...), copts...).Output())
}

// stepsSetUser says whether a run step sets its own user.
func stepsSetUser(steps []lang.Step) bool {
	for _, s := range steps {
		if s.Run != nil && s.Run.User != "" {
			return true
		}
	}
	return false
}

// ignoreCache says whether a step must not come from the cache.
func (t *targetBuild) ignoreCache(step bool) bool {
	return step || t.spec.NoCache || t.c.req.NoCache
}
