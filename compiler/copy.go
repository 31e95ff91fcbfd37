package compiler

import (
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/util/system"
	"github.com/org/buildlang/lang"
)

// copyStep compiles a copy step into a file op, or with link = true into a
// copy onto scratch merged over the target (COPY --link), so the copy's
// layer does not depend on, and stays cached across, earlier steps.
func (t *targetBuild) copyStep(index int, s lang.Step, st llb.State) llb.State {
	cp := s.Copy
	desc := copyDesc(cp)
	// (lang refuses the options that cannot work together: link with a
	// chown by name, parents with include.)
	srcPaths := make([]string, len(cp.Src))
	for i, p := range cp.Src {
		srcPaths[i] = path.Join("/", p)
	}
	from, _ := t.source(cp.From, use{index: index, desc: desc, rng: cp.From.Range, paths: srcPaths})
	dest := t.dest(cp.Dest)

	var action *llb.FileAction
	for _, src := range cp.Src {
		info := t.copyInfo(cp, src)
		if action == nil {
			action = llb.Copy(from, info.src, dest, &info.CopyInfo)
		} else {
			action = action.Copy(from, info.src, dest, &info.CopyInfo)
		}
	}
	opts := []llb.ConstraintsOpt{llb.Platform(t.run), t.c.location(s.Range)}
	if t.ignoreCache(false) {
		opts = append(opts, llb.IgnoreCache)
	}
	addHistory(t.img, desc, true, t.c.req.Epoch)
	if action == nil {
		return st
	}
	// Like the Dockerfile frontend, a chmod disables link: merging keeps
	// the mode of existing parent directories, not the copied one.
	if !cp.Link || cp.Chmod >= 0 || cp.ChmodSymbolic != "" {
		return t.c.blank.WithOutput(st.File(action, append(opts, t.name(index, desc))...).Output())
	}
	return t.link(index, s, desc, st, action, opts)
}

// link copies onto scratch and merges the result over the target, the two
// vertices in one progress group as COPY --link shows them.
func (t *targetBuild) link(index int, s lang.Step, desc string, st llb.State, action *llb.FileAction, opts []llb.ConstraintsOpt) llb.State {
	group := t.n.name + " " + t.label + " " + strconv.Itoa(index)
	name := t.prefix(index) + desc
	layer := llb.Scratch().File(action, append(opts, t.name(index, desc), llb.ProgressGroup(group, name, true))...)
	merged := llb.Merge([]llb.State{st, layer}, t.c.location(s.Range), t.name(index, "LINK "+desc), llb.ProgressGroup(group, name, false))
	return t.c.blank.WithOutput(merged.Output())
}

type copySrc struct {
	llb.CopyInfo
	src string
}

// copyInfo sets up one source path as the Dockerfile frontend's COPY does:
// wildcards allowed but must match, directories copied by contents, and
// parents kept through an include pattern below the "/./" pivot.
func (t *targetBuild) copyInfo(cp *lang.CopyStep, src string) copySrc {
	ci := copySrc{src: path.Join("/", src), CopyInfo: llb.CopyInfo{
		AllowWildcard:       true,
		AllowEmptyWildcard:  false,
		CreateDestPath:      true,
		FollowSymlinks:      cp.FollowSymlinks,
		CopyDirContentsOnly: true,
		IncludePatterns:     cp.Include,
		ExcludePatterns:     cp.Exclude,
	}}
	if cp.Parents {
		parent, pattern, ok := strings.Cut(src, "/./")
		if !ok {
			parent, pattern = "/", src
		}
		ci.src = path.Join("/", parent)
		ci.IncludePatterns = []string{strings.TrimPrefix(path.Join("/", pattern), "/")}
		if !containsWildcards(src) {
			ci.RequiredPaths = []string{path.Join(ci.src, pattern)}
		}
	}
	if cp.Chown != "" {
		owner := llb.WithUser(cp.Chown).(llb.ChownOpt)
		ci.ChownOpt = &owner
	}
	switch {
	case cp.Chmod >= 0:
		ci.Mode = &llb.ChmodOpt{Mode: os.FileMode(cp.Chmod)}
	case cp.ChmodSymbolic != "":
		ci.Mode = &llb.ChmodOpt{ModeStr: cp.ChmodSymbolic}
	}
	ci.AttemptUnpack = cp.Unpack
	return ci
}

// dest resolves a destination against the working directory, keeping a
// trailing slash, which means "into this directory".
func (t *targetBuild) dest(p string) string {
	if p == "" || p == "." {
		p = "./"
	}
	out, err := system.NormalizePath(t.wd, p, t.run.OS, true)
	if err != nil {
		return joinPath(t.wd, p)
	}
	return out
}

func containsWildcards(name string) bool {
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '*', '?', '[':
			return true
		case '\\':
			i++
		}
	}
	return false
}
