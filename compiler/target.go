package compiler

import (
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
	t.img = newImage(base, t.n.platform, epoch)
	applyStepConfig(t.img, &t.spec.Image, epoch)
	t.wd = t.img.Config.WorkingDir
	if t.wd == "" {
		t.wd = "/"
	}
	t.user = t.img.Config.User
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
	default:
		return t.fileStep(index, s, st)
	}
}

// ignoreCache says whether a step must not come from the cache.
func (t *targetBuild) ignoreCache(step bool) bool {
	return step || t.spec.NoCache || t.c.req.NoCache
}
