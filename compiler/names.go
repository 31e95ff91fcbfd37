package compiler

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// Vertex names read like the Dockerfile frontend's, so BuildKit's progress
// output looks familiar: "[app linux/arm64 3/5] RUN go build ./cmd/app".
// They show commands and paths, never env values or secrets.

// platformLabel is the run platform, with "->arch" when the target
// platform differs (cross-compilation), as the Dockerfile frontend shows it.
func platformLabel(run, target ocispecs.Platform) string {
	s := platforms.FormatAll(run)
	if platformKey(run) == platformKey(target) {
		return s
	}
	if run.OS == target.OS {
		arch := target.Architecture
		if target.Variant != "" {
			arch += "/" + target.Variant
		}
		return s + "->" + arch
	}
	return s + "->" + platforms.FormatAll(target)
}

func (t *targetBuild) prefix(index int) string {
	return "[" + t.n.name + " " + t.label + " " + strconv.Itoa(index) + "/" + strconv.Itoa(t.total) + "] "
}

// name names a step's vertex. The name is recorded as one of the node's
// steps when an op takes it (Output.Steps), not when it is made: a source's
// name is made before the source's kind says whether it becomes a vertex.
func (t *targetBuild) name(index int, desc string) llb.ConstraintsOpt {
	return stepName{name: t.prefix(index) + desc, n: t.n}
}

// stepName is llb.WithCustomName that records the name on its node when
// an op is made with it.
type stepName struct {
	name string
	n    *node
}

func (s stepName) opt() llb.ConstraintsOpt {
	s.n.addStep(s.name)
	return llb.WithCustomName(s.name)
}

func (s stepName) SetConstraintsOption(c *llb.Constraints) { s.opt().SetConstraintsOption(c) }
func (s stepName) SetRunOption(e *llb.ExecInfo)            { s.opt().SetRunOption(e) }
func (s stepName) SetLocalOption(l *llb.LocalInfo)         { s.opt().SetLocalOption(l) }
func (s stepName) SetHTTPOption(h *llb.HTTPInfo)           { s.opt().SetHTTPOption(h) }
func (s stepName) SetImageBlobOption(i *llb.ImageBlobInfo) { s.opt().SetImageBlobOption(i) }
func (s stepName) SetImageOption(i *llb.ImageInfo)         { s.opt().SetImageOption(i) }
func (s stepName) SetGitOption(g *llb.GitInfo)             { s.opt().SetGitOption(g) }
func (s stepName) SetOCILayoutOption(o *llb.OCILayoutInfo) { s.opt().SetOCILayoutOption(o) }

// addStep records a vertex name of the node's own steps, once.
func (n *node) addStep(name string) {
	if !slices.Contains(n.steps, name) {
		n.steps = append(n.steps, name)
	}
}

// describeSource names a source as a copy's --from or a FROM line shows it.
func describeSource(s lang.Source) string {
	switch s.Kind {
	case lang.SourceScratch:
		return "scratch"
	case lang.SourceImage:
		return s.Ref
	case lang.SourceTarget:
		return "target." + s.Ref
	case lang.SourceContext:
		return "context"
	case lang.SourceNamedContext:
		return "contexts." + s.Ref
	case lang.SourceGit:
		frag := s.GitRef
		if s.Git != nil && s.Git.Subdir != "" {
			frag += ":" + s.Git.Subdir
		}
		if frag != "" {
			return fmt.Sprintf("git(%s#%s)", s.Ref, frag)
		}
		return fmt.Sprintf("git(%s)", s.Ref)
	case lang.SourceHTTP:
		return fmt.Sprintf("http(%s)", s.Ref)
	case lang.SourceLocal:
		return fmt.Sprintf("local(%s)", s.Ref)
	}
	return string(s.Kind)
}

// runDesc shows a run step as its author wrote it: the script for a shell
// command, the exec form for an argv command.
func runDesc(r *lang.RunStep) string {
	if r.Shell && len(r.Args) > 0 {
		return "RUN " + summarizeScript(r.Args[len(r.Args)-1])
	}
	return "RUN " + jsonList(r.Args)
}

// summarizeScript keeps a multi-line script's first line, as the
// Dockerfile frontend summarizes heredocs.
func summarizeScript(s string) string {
	s = strings.TrimSpace(s)
	first, rest, multi := strings.Cut(s, "\n")
	if multi && strings.TrimSpace(rest) != "" {
		return strings.TrimSpace(first) + " ..."
	}
	return s
}

// copyDesc is a copy step in Dockerfile COPY syntax; it is both the vertex
// name and the history entry.
func copyDesc(c *lang.CopyStep) string {
	var b strings.Builder
	if c.Unpack {
		b.WriteString("ADD") // ADD extracts local archives; COPY never does
	} else {
		b.WriteString("COPY")
	}
	if c.From.Kind != lang.SourceContext {
		b.WriteString(" --from=" + describeSource(c.From))
	}
	if c.Parents {
		b.WriteString(" --parents")
	}
	if c.Link {
		b.WriteString(" --link")
	}
	if c.Chown != "" {
		b.WriteString(" --chown=" + c.Chown)
	}
	if c.Chmod >= 0 {
		fmt.Fprintf(&b, " --chmod=%04o", c.Chmod)
	} else if c.ChmodSymbolic != "" {
		b.WriteString(" --chmod=" + c.ChmodSymbolic)
	}
	for _, s := range c.Src {
		b.WriteString(" " + s)
	}
	b.WriteString(" " + c.Dest)
	return b.String()
}

// fileDesc describes the file-operation steps.
func fileDesc(s lang.Step) string {
	switch {
	case s.File != nil:
		return "FILE " + s.File.Path
	case s.Mkdir != nil:
		return "MKDIR " + s.Mkdir.Path
	case s.Remove != nil:
		return "REMOVE " + strings.Join(s.Remove.Paths, " ")
	case s.Symlink != nil:
		return "SYMLINK " + s.Symlink.Path + " -> " + s.Symlink.Target
	}
	return strings.ToUpper(string(s.Kind))
}
