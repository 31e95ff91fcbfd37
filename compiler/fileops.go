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
		action = t.mkfile(s.File)
	case s.Mkdir != nil:
		action = t.mkdir(s.Mkdir)
	case s.Remove != nil:
		action = t.remove(s.Remove)
	case s.Symlink != nil:
		action = t.symlink(s.Symlink)
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

func (t *targetBuild) mkfile(f *lang.FileStep) *llb.FileAction {
	p := joinPath(t.wd, f.Path)
	mode := os.FileMode(0o644)
	if f.Mode >= 0 {
		mode = os.FileMode(f.Mode)
	}
	var opts []llb.MkfileOption
	if f.Chown != "" {
		opts = append(opts, llb.WithUser(f.Chown))
	}
	if parent := t.parents(p); parent != nil {
		return parent.Mkfile(p, mode, []byte(f.Content), opts...)
	}
	return llb.Mkfile(p, mode, []byte(f.Content), opts...)
}

func (t *targetBuild) mkdir(m *lang.MkdirStep) *llb.FileAction {
	mode := os.FileMode(0o755)
	if m.Mode >= 0 {
		mode = os.FileMode(m.Mode)
	}
	opts := []llb.MkdirOption{llb.WithParents(true)}
	if m.Chown != "" {
		opts = append(opts, llb.WithUser(m.Chown))
	}
	return llb.Mkdir(joinPath(t.wd, m.Path), mode, opts...)
}

// remove removes every path in one op; missing paths are not an error and
// wildcards are allowed.
func (t *targetBuild) remove(r *lang.RemoveStep) *llb.FileAction {
	var action *llb.FileAction
	for _, p := range r.Paths {
		p = joinPath(t.wd, p)
		opts := []llb.RmOption{llb.WithAllowNotFound(true), llb.WithAllowWildcard(true)}
		if action == nil {
			action = llb.Rm(p, opts...)
		} else {
			action = action.Rm(p, opts...)
		}
	}
	return action
}

func (t *targetBuild) symlink(l *lang.SymlinkStep) *llb.FileAction {
	p := joinPath(t.wd, l.Path)
	if parent := t.parents(p); parent != nil {
		return parent.Symlink(l.Target, p)
	}
	return llb.Symlink(l.Target, p)
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
