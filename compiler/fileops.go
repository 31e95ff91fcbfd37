package compiler

import (
	"os"
	"path"

	"github.com/moby/buildkit/client/llb"
	"github.com/org/buildlang/lang"
)

// fileStep compiles file, mkdir, remove and symlink steps into one file op
// each. Paths are made absolute against the working directory here, so
// the op does not depend on the state's meta.
func (t *targetBuild) fileStep(index int, s lang.Step, st llb.State) llb.State {
	var action *llb.FileAction
	switch {
	case s.File != nil:
		f := s.File
		p := joinPath(t.wd, f.Path)
		action = t.parents(p)
		mode := os.FileMode(0o644)
		if f.Mode >= 0 {
			mode = os.FileMode(f.Mode)
		}
		var opts []llb.MkfileOption
		if f.Chown != "" {
			opts = append(opts, llb.WithUser(f.Chown))
		}
		action = chain(action, llb.Mkfile(p, mode, []byte(f.Content), opts...), func(a *llb.FileAction) *llb.FileAction {
			return a.Mkfile(p, mode, []byte(f.Content), opts...)
		})
	case s.Mkdir != nil:
		m := s.Mkdir
		mode := os.FileMode(0o755)
		if m.Mode >= 0 {
			mode = os.FileMode(m.Mode)
		}
		opts := []llb.MkdirOption{llb.WithParents(true)}
		if m.Chown != "" {
			opts = append(opts, llb.WithUser(m.Chown))
		}
		action = llb.Mkdir(joinPath(t.wd, m.Path), mode, opts...)
	case s.Remove != nil:
		for _, p := range s.Remove.Paths {
			p = joinPath(t.wd, p)
			opts := []llb.RmOption{llb.WithAllowNotFound(true), llb.WithAllowWildcard(true)}
			action = chain(action, llb.Rm(p, opts...), func(a *llb.FileAction) *llb.FileAction { return a.Rm(p, opts...) })
		}
	case s.Symlink != nil:
		p := joinPath(t.wd, s.Symlink.Path)
		action = t.parents(p)
		target := s.Symlink.Target
		action = chain(action, llb.Symlink(target, p), func(a *llb.FileAction) *llb.FileAction { return a.Symlink(target, p) })
	}
	addHistory(t.img, fileDesc(s), true, t.c.req.Epoch)
	if action == nil {
		return st
	}
	opts := []llb.ConstraintsOpt{llb.Platform(t.run), t.name(index, fileDesc(s)), t.c.location(s.Range)}
	if t.ignoreCache(false) {
		opts = append(opts, llb.IgnoreCache)
	}
	return t.c.blank.WithOutput(st.File(action, opts...).Output())
}

// parents makes the parent directory of p, so writing a file or link
// into a new directory works; nil when the parent is the root.
func (t *targetBuild) parents(p string) *llb.FileAction {
	dir := path.Dir(p)
	if dir == "/" {
		return nil
	}
	return llb.Mkdir(dir, 0o755, llb.WithParents(true))
}

// chain starts an action list with first, or appends to it with then.
func chain(a, first *llb.FileAction, then func(*llb.FileAction) *llb.FileAction) *llb.FileAction {
	if a == nil {
		return first
	}
	return then(a)
}
