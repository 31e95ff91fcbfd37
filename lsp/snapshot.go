package lsp

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

// A snapshot is the state of the workspace after one change: the open
// documents' versions and the builds loaded from them. It is immutable and
// built lazily, once, then shared by every request and the diagnostics run
// that ask for it; an edit makes a new snapshot.
type snapshot struct {
	id   uint64
	docs map[string]*document // open documents by absolute path
	cfg  *config
	// opts are the options the builds load with: the session's, as
	// workspace/didChangeConfiguration last set them.
	opts Options

	loadOnce sync.Once
	loaded   atomic.Bool
	builds   []*buildInfo          // one per root file
	byPath   map[string]*buildInfo // every file of every build, by absolute path

	diagOnce sync.Once
	checked  *checked
}

// config is what every snapshot of a session shares.
type config struct {
	opts     Options
	readFile func(string) ([]byte, error)
	glob     func(string) ([]string, error)
	stat     func(string) (fs.FileInfo, error)
	readDir  func(string) ([]fs.DirEntry, error)
	roots    []string // workspace folders
	logf     func(format string, args ...any)

	latest atomic.Pointer[snapshot] // the newest snapshot whose builds are loaded

	parseMu     sync.Mutex
	parses      map[string]*parsed     // files read from disk, by path and name
	chunkCaches map[string]*chunkCache // open documents, by path and name
}

// buildInfo is one build: a root file with its includes, loaded leniently
// so broken files still give structure to the features.
type buildInfo struct {
	dir    string // directory of the root file; lang names are relative to it
	root   string // absolute path of the root file
	build  *lang.Build
	loaded bool                 // build came from lang.Load (not a fallback after a panic)
	diags  hcl.Diagnostics      // from the lenient load
	files  map[string]*fileInfo // by absolute path
	order  []string             // absolute paths in load order
	// lockPath is the absolute path of build.lock when the build has one;
	// it is in files but not in order.
	lockPath string

	indexOnce sync.Once
	idx       *index
}

// fileInfo is one file of a build.
type fileInfo struct {
	path string // absolute
	name string // as lang names it: slash-separated, relative to the build's dir
	file *hcl.File
	m    *mapper
	doc  *document // nil for a file read from disk
}

// tokens are the tokens of the whole file: an open document's, lexed once
// per version, or lexed now for a file read from disk.
func (f *fileInfo) tokens() hclsyntax.Tokens {
	if f.doc != nil {
		return f.doc.tokens()
	}
	return lex(f.m.content, 0, len(f.m.content), f.m)
}

// overlay is the lang.FileSource of a build: open documents first, then the
// disk, with names relative to the root file's directory, so includes
// resolve exactly as `buildlang check` run in that directory resolves them.
type overlay struct {
	dir  string
	docs map[string]*document
	cfg  *config
}

func (o overlay) abs(name string) string { return filepath.Join(o.dir, filepath.FromSlash(name)) }

func (o overlay) ReadFile(name string) ([]byte, error) {
	p := o.abs(name)
	if d := o.docs[p]; d != nil {
		return d.text, nil
	}
	if strings.HasPrefix(p, virtualDir) {
		return nil, fs.ErrNotExist
	}
	return o.cfg.readFile(p)
}

func (o overlay) Glob(pattern string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	matches, err := o.cfg.glob(o.abs(pattern))
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		if rel, err := filepath.Rel(o.dir, m); err == nil {
			seen[filepath.ToSlash(rel)] = true
		}
	}
	for p := range o.docs {
		if rel, err := filepath.Rel(o.dir, p); err == nil {
			rel = filepath.ToSlash(rel)
			if ok, _ := path.Match(pattern, rel); ok {
				seen[rel] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// ParseFile implements lang.FileParser: each version of an open document
// is parsed once, whatever loads read it; files from disk are parsed again
// only when their content changes.
func (o overlay) ParseFile(src []byte, name string) (*hcl.File, hcl.Diagnostics) {
	p := o.abs(name)
	if d := o.docs[p]; d != nil && bytes.Equal(d.text, src) {
		e := d.parsed(name)
		e.once.Do(func() {
			var cut *chunked
			e.file, e.diags, cut = parseIncremental(e.src, name, o.cfg.chunks(p, name))
			e.cut.Store(cut)
		})
		return e.file, append(hcl.Diagnostics(nil), e.diags...)
	}
	e := o.cfg.parseDisk(p, name, src)
	e.once.Do(func() { e.file, e.diags = lang.Parse(e.src, name) })
	return e.file, append(hcl.Diagnostics(nil), e.diags...)
}

// forget drops the chunk caches of a closed document.
func (c *config) forget(path string) {
	c.parseMu.Lock()
	defer c.parseMu.Unlock()
	for key := range c.chunkCaches {
		if strings.HasPrefix(key, path+"\x00") {
			delete(c.chunkCaches, key)
		}
	}
}

// chunks returns the chunk cache of a document under a name.
func (c *config) chunks(path, name string) *chunkCache {
	c.parseMu.Lock()
	defer c.parseMu.Unlock()
	if c.chunkCaches == nil {
		c.chunkCaches = map[string]*chunkCache{}
	}
	key := path + "\x00" + name
	cc := c.chunkCaches[key]
	if cc == nil {
		cc = &chunkCache{}
		c.chunkCaches[key] = cc
	}
	return cc
}

// parsed is one parse of a file's content under one name.
type parsed struct {
	src   []byte
	once  sync.Once
	file  *hcl.File
	diags hcl.Diagnostics
	cut   atomic.Pointer[chunked] // how an open document was cut, if it was
}

// parseDisk returns the cached parse of a file read from disk, or a new
// one when its content changed.
func (c *config) parseDisk(path, name string, src []byte) *parsed {
	c.parseMu.Lock()
	defer c.parseMu.Unlock()
	key := path + "\x00" + name
	if e := c.parses[key]; e != nil && bytes.Equal(e.src, src) {
		return e
	}
	if c.parses == nil {
		c.parses = map[string]*parsed{}
	}
	e := &parsed{src: src}
	c.parses[key] = e
	return e
}

// load loads the builds leniently, once, for the features.
func (s *snapshot) load() {
	s.loadOnce.Do(func() {
		s.builds, s.byPath = s.discover()
		s.loaded.Store(true)
		for {
			prev := s.cfg.latest.Load()
			if prev != nil && prev.id >= s.id || s.cfg.latest.CompareAndSwap(prev, s) {
				break
			}
		}
	})
}

// fileForTyping is file for completion and signature help, which must
// answer at once while the user types: when this snapshot is not loaded
// yet, the document's current text is paired with the build of the latest
// loaded snapshot, whose declarations rarely differ.
func (s *snapshot) fileForTyping(path string) (*buildInfo, *fileInfo) {
	d := s.docs[path]
	prev := s.cfg.latest.Load()
	if s.loaded.Load() || d == nil || prev == nil {
		return s.file(path)
	}
	pb := prev.byPath[path]
	if pb == nil || pb.files[path] == nil {
		return s.file(path)
	}
	return pb, &fileInfo{path: path, name: pb.files[path].name, m: d.m, doc: d}
}

// discover loads a build for every candidate root and keeps those no other
// candidate includes: a candidate another candidate includes is part of
// that build, not a build of its own; of two files including each other,
// the first by name is the root.
func (s *snapshot) discover() ([]*buildInfo, map[string]*buildInfo) {
	cands := s.candidates()
	loaded := map[string]*buildInfo{}
	for _, root := range cands {
		loaded[root] = s.loadRoot(root)
	}
	var builds []*buildInfo
	for _, root := range cands {
		b := loaded[root]
		included := false
		for _, other := range cands {
			ob := loaded[other]
			if other == root || ob.files[root] == nil {
				continue
			}
			if b.files[other] == nil || other < root {
				included = true
				break
			}
		}
		if !included {
			builds = append(builds, b)
		}
	}
	byPath := map[string]*buildInfo{}
	for _, b := range builds {
		for _, p := range append(b.order, b.lockPath) {
			if p != "" && byPath[p] == nil {
				byPath[p] = b
			}
		}
	}
	return builds, byPath
}

// candidates are the files that may be the root of a build: every open
// document, and every build.hcl in an open document's directory or above
// (within the workspace) that has an include.
func (s *snapshot) candidates() []string {
	set := map[string]bool{}
	for p := range s.docs {
		set[p] = true
		if strings.HasPrefix(p, virtualDir) {
			continue
		}
		dir := filepath.Dir(p)
		for i := 0; i < 8; i++ {
			cand := filepath.Join(dir, "build.hcl")
			if !set[cand] && s.docs[cand] == nil {
				if src, err := s.cfg.readFile(cand); err == nil && bytes.Contains(src, []byte("include")) {
					set[cand] = true
				}
			}
			// Never above the workspace: a document outside the
			// workspace folders (when there are some) looks only in its
			// own directory.
			if s.isWorkspaceRoot(dir) || len(s.cfg.roots) > 0 && !s.inWorkspace(dir) {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// inWorkspace says whether dir is a workspace folder or below one.
func (s *snapshot) inWorkspace(dir string) bool {
	for _, r := range s.cfg.roots {
		if rel, err := filepath.Rel(r, dir); err == nil && filepath.IsLocal(rel) { // "." is local
			return true
		}
	}
	return false
}

func (s *snapshot) isWorkspaceRoot(dir string) bool {
	for _, r := range s.cfg.roots {
		if r == dir {
			return true
		}
	}
	return false
}

// addLockFile makes the build's build.lock one of its files, not one of
// its build files (it is not in order): diagnostics about it are published
// on it, at their lines, as `buildlang check` reports them.
func (s *snapshot) addLockFile(bi *buildInfo) {
	if bi.build.Lock == nil {
		return
	}
	p := filepath.Join(bi.dir, filepath.FromSlash(bi.build.Lock.Filename))
	fi := &fileInfo{path: p, name: bi.build.Lock.Filename, doc: s.docs[p]}
	if fi.doc != nil {
		fi.m = fi.doc.m
		fi.file, _ = lang.Parse(fi.doc.text, fi.name)
	} else {
		src, _ := s.cfg.readFile(p)
		fi.m = newMapper(src)
		fi.file, _ = lang.Parse(src, fi.name)
	}
	bi.files[p] = fi
	bi.lockPath = p
}

// loadRoot loads the build rooted at the file root.
func (s *snapshot) loadRoot(root string) (bi *buildInfo) {
	dir := filepath.Dir(root)
	bi = &buildInfo{dir: dir, root: root, files: map[string]*fileInfo{}}
	defer func() {
		if r := recover(); r != nil {
			s.cfg.logf("internal error loading %s: %v\n%s", root, r, debug.Stack())
			bi.build, bi.loaded = nil, false
			bi.diags = hcl.Diagnostics{internalError("load", r)}
		}
		if bi.build == nil {
			bi.build = &lang.Build{Files: map[string]*hcl.File{}}
			if d := s.docs[root]; d != nil {
				f, _ := lang.Parse(d.text, filepath.Base(root))
				bi.build.Files[filepath.Base(root)] = f
				bi.build.FileOrder = []string{filepath.Base(root)}
			}
		}
		for _, name := range bi.build.FileOrder {
			f := bi.build.Files[name]
			p := filepath.Join(dir, filepath.FromSlash(name))
			fi := &fileInfo{path: p, name: name, file: f, doc: s.docs[p]}
			if fi.doc != nil {
				fi.m = fi.doc.m
			} else {
				fi.m = newMapper(f.Bytes)
			}
			bi.files[p] = fi
			bi.order = append(bi.order, p)
		}
		s.addLockFile(bi)
	}()
	opts := s.opts.langOptions()
	opts.Lenient = true
	bi.build, bi.diags = lang.Load(overlay{dir: dir, docs: s.docs, cfg: s.cfg}, []string{filepath.Base(root)}, opts)
	bi.loaded = true
	return bi
}

// buildFor returns the build holding the file at path, or nil.
func (s *snapshot) buildFor(path string) *buildInfo {
	s.load()
	return s.byPath[path]
}

// file returns the file at path with its build, or nils.
func (s *snapshot) file(path string) (*buildInfo, *fileInfo) {
	b := s.buildFor(path)
	if b == nil {
		return nil, nil
	}
	return b, b.files[path]
}

// checked is what `buildlang check` reports for the builds of a snapshot.
type checked struct {
	builds []*buildInfo
	byPath map[string]*buildInfo
	diags  map[string][]*hcl.Diagnostic // by absolute path; every file of every build has an entry
}

// diagnostics computes, once, what `buildlang check` reports for each
// build: the builds the features use, loaded leniently, are finished with
// lang.Build.Check, which evaluates every target as a non-lenient load does,
// then the lint rules run when there are no errors.
func (s *snapshot) diagnostics() *checked {
	s.diagOnce.Do(func() {
		s.load()
		c := &checked{builds: s.builds, byPath: s.byPath, diags: map[string][]*hcl.Diagnostic{}}
		for _, b := range c.builds {
			diags, ok := s.check(b)
			if ok {
				diags = s.lint(b, diags)
			}
			for _, p := range b.order {
				if _, ok := c.diags[p]; !ok {
					c.diags[p] = []*hcl.Diagnostic{}
				}
			}
			for _, d := range diags {
				p := b.root
				if d.Subject != nil {
					if fp := filepath.Join(b.dir, filepath.FromSlash(d.Subject.Filename)); b.files[fp] != nil {
						p = fp
					}
				}
				c.diags[p] = append(c.diags[p], d)
			}
		}
		s.checked = c
	})
	return s.checked
}

// check evaluates every target of b, on every core, then returns what a
// non-lenient load reports. Build.Check would evaluate them on its own
// goroutines, where a panic (a bug) would take the server down: here each
// evaluation recovers, and a build one panicked in is not checked further
// (Check would evaluate that target again) but reported; ok is false then,
// and lint is not run (it evaluates the other environments).
func (s *snapshot) check(b *buildInfo) (diags hcl.Diagnostics, ok bool) {
	if !b.loaded {
		return b.diags, false
	}
	defer func() {
		if r := recover(); r != nil {
			s.cfg.logf("internal error checking %s: %v\n%s", b.root, r, debug.Stack())
			diags, ok = append(b.diags[:len(b.diags):len(b.diags)], internalError("check", r)), false
		}
	}()
	type job struct {
		name string
		p    ocispecs.Platform
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var failed atomic.Value // the first panic
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				func() {
					defer func() {
						if r := recover(); r != nil {
							s.cfg.logf("internal error checking target %q of %s: %v\n%s", j.name, b.root, r, debug.Stack())
							failed.CompareAndSwap(nil, fmt.Sprint(r))
						}
					}()
					resolveTarget(b.build, j.name, j.p)
				}()
			}
		}()
	}
	for _, t := range b.build.Targets {
		for _, p := range t.DefaultPlatforms {
			jobs <- job{t.Name, p}
		}
	}
	close(jobs)
	wg.Wait()
	if r := failed.Load(); r != nil {
		return append(b.diags[:len(b.diags):len(b.diags)], internalError("check", r)), false
	}
	return b.build.Check(b.diags), true
}

// resolveTarget evaluates a target for a platform; tests replace it.
var resolveTarget = func(b *lang.Build, name string, p ocispecs.Platform) { b.Resolve(name, p) }

// internalError is the diagnostic of a bug the server recovered from in
// the step what of computing diagnostics.
func internalError(what string, r any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Internal error",
		Detail: fmt.Sprintf("The language server failed to %s this build: %v. Please report it.", what, r)}
}

// lint adds the lint findings to a build's diagnostics as `buildlang
// check` does (lint.Check), never letting a bug in a rule take the
// server down.
func (s *snapshot) lint(b *buildInfo, checked hcl.Diagnostics) (diags hcl.Diagnostics) {
	defer func() {
		if r := recover(); r != nil {
			s.cfg.logf("internal error in lint of %s: %v\n%s", b.root, r, debug.Stack())
			diags = checked
		}
	}()
	return lint.Check(b.build, checked)
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func defaultConfig(opts Options, logf func(string, ...any)) *config {
	return &config{opts: opts, readFile: os.ReadFile, glob: filepath.Glob, stat: os.Stat, readDir: os.ReadDir, logf: logf}
}
