package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	gofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/records"
	"github.com/tonistiigi/fsutil"
	fscopy "github.com/tonistiigi/fsutil/copy"
)

// The files a copy or bind mount reads are worked out with the rules
// BuildKit applies, from the same code: the local source's include,
// exclude (.dockerignore) and follow paths filter the directory as the
// session sends it (fsutil's filter), and the copy's own wildcards and
// include/exclude patterns select from that (fsutil/copy's wildcard
// resolution, fsutil's filter).

// fileTable is the context files records name, hashed once each.
type fileTable struct {
	dirs  map[string]string
	sent  map[string]map[string]bool // local key → paths the session sends
	index map[string]int             // local + "\x00" + path → index in list
	list  []records.File
}

func newFileTable(dirs map[string]string) *fileTable {
	return &fileTable{dirs: dirs, sent: map[string]map[string]bool{}, index: map[string]int{}}
}

// localFilter is a local source's filter, from its op's attributes.
func localFilter(src *pb.SourceOp) (*fsutil.FilterOpt, error) {
	opt := &fsutil.FilterOpt{}
	for attr, dst := range map[string]*[]string{
		pb.AttrIncludePatterns: &opt.IncludePatterns,
		pb.AttrExcludePatterns: &opt.ExcludePatterns,
		pb.AttrFollowPaths:     &opt.FollowPaths,
	} {
		if v := src.Attrs[attr]; v != "" {
			if err := json.Unmarshal([]byte(v), dst); err != nil {
				return nil, fmt.Errorf("local source attribute %s: %w", attr, err)
			}
		}
	}
	return opt, nil
}

// sentFiles lists what the session sends of a local source: regular
// files and symlinks, by slash path.
func (t *fileTable) sentFiles(ctx context.Context, name string, src *pb.SourceOp) (map[string]bool, string, error) {
	dir, ok := t.dirs[name]
	if !ok || dir == "" {
		return nil, "", nil
	}
	opt, err := localFilter(src)
	if err != nil {
		return nil, "", err
	}
	dt, _ := json.Marshal(opt)
	key := name + "\x00" + string(dt)
	if s := t.sent[key]; s != nil {
		return s, dir, nil
	}
	s := map[string]bool{}
	err = fsutil.Walk(ctx, dir, opt, func(p string, fi gofs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() || fi.Mode()&gofs.ModeSymlink != 0 {
			s[filepath.ToSlash(p)] = true
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("reading local %q (%s): %w", name, dir, err)
	}
	t.sent[key] = s
	return s, dir, nil
}

// add hashes a file once and returns its index.
func (t *fileTable) add(local, dir, p string) (int, error) {
	k := local + "\x00" + p
	if i, ok := t.index[k]; ok {
		return i, nil
	}
	sum, err := fileSum(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		return 0, err
	}
	t.index[k] = len(t.list)
	t.list = append(t.list, records.File{Local: local, Path: p, Sum: sum})
	return len(t.list) - 1, nil
}

// fileSum hashes a file's type and permission bits and its content (a
// symlink's target), which is what a copy's cache key sees of it.
func fileSum(p string) (string, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%v\x00", fi.Mode()&(gofs.ModeType|gofs.ModePerm))
	if fi.Mode()&gofs.ModeSymlink != 0 {
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		io.WriteString(h, target)
	} else {
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// selection is one source path of a copy or bind mount.
type selection struct {
	input            int
	src              string
	include, exclude []string
	wildcard, follow bool
	mount            bool
}

// readsOf lists what an op reads from local sources: each copy action's
// source and each bind mount.
func readsOf(ctx context.Context, ops []*op, o *op, t *fileTable) ([]records.Read, error) {
	var sels []selection
	if f := o.pb.GetFile(); f != nil {
		for _, a := range f.Actions {
			cp := a.GetCopy()
			if cp == nil || a.SecondaryInput < 0 || int(a.SecondaryInput) >= len(o.inputs) {
				continue
			}
			sels = append(sels, selection{input: int(a.SecondaryInput), src: cp.Src, include: cp.IncludePatterns,
				exclude: cp.ExcludePatterns, wildcard: cp.AllowWildcard, follow: cp.FollowSymlink})
		}
	}
	if ex := o.pb.GetExec(); ex != nil {
		for _, m := range ex.Mounts {
			if m.MountType == pb.MountType_BIND && m.Input >= 0 && int(m.Input) < len(o.inputs) {
				sels = append(sels, selection{input: int(m.Input), src: m.Selector, mount: true})
			}
		}
	}
	var reads []records.Read
	for _, sel := range sels {
		in := ops[o.inputs[sel.input]]
		if in.local == "" {
			continue
		}
		sent, dir, err := t.sentFiles(ctx, in.local, in.pb.GetSource())
		if err != nil || sent == nil {
			return nil, err
		}
		paths, err := selectFiles(ctx, dir, sent, sel)
		if err != nil {
			return nil, err
		}
		r := records.Read{Local: in.local, Src: cleanSrc(sel.src), Mount: sel.mount, Files: []int{}, Count: len(paths)}
		h := sha256.New()
		for _, p := range paths {
			i, err := t.add(in.local, dir, p)
			if err != nil {
				return nil, err
			}
			r.Files = append(r.Files, i)
			fmt.Fprintf(h, "%s=%s\x00", p, t.list[i].Sum)
		}
		r.Sum = "sha256:" + hex.EncodeToString(h.Sum(nil))
		reads = append(reads, r)
	}
	return reads, nil
}

// selectFiles is the sent files a selection reads, sorted.
func selectFiles(ctx context.Context, dir string, sent map[string]bool, sel selection) ([]string, error) {
	srcs := []string{cleanSrc(sel.src)}
	if sel.wildcard && strings.ContainsAny(srcs[0], "*?[") {
		m, err := fscopy.ResolveWildcards(dir, "/"+srcs[0], sel.follow)
		if err != nil {
			return nil, nil // nothing matches: the copy fails, reading nothing
		}
		srcs = srcs[:0]
		for _, p := range m {
			srcs = append(srcs, cleanSrc(filepath.ToSlash(p)))
		}
	}
	var out []string
	for _, src := range srcs {
		if sent[src] { // a file
			out = append(out, src)
			continue
		}
		prefix := src + "/"
		if src == "" {
			prefix = ""
		}
		var under []string
		for p := range sent {
			if strings.HasPrefix(p, prefix) {
				under = append(under, p)
			}
		}
		if len(under) == 0 {
			continue
		}
		if len(sel.include) == 0 && len(sel.exclude) == 0 {
			out = append(out, under...)
			continue
		}
		keep := map[string]bool{}
		err := fsutil.Walk(ctx, filepath.Join(dir, filepath.FromSlash(src)),
			&fsutil.FilterOpt{IncludePatterns: sel.include, ExcludePatterns: sel.exclude},
			func(p string, fi gofs.FileInfo, err error) error {
				if err != nil {
					return err
				}
				keep[prefix+filepath.ToSlash(p)] = true
				return nil
			})
		if err != nil {
			return nil, err
		}
		for _, p := range under {
			if keep[p] {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
