package lsp

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// maxPathItems bounds the entries offered from one directory.
const maxPathItems = 500

// contextPaths completes a path in a copy step's src from the directory
// the step copies from, when the server can know it (see sourceDir): the
// entries of the directory typed so far, folders ending in "/". It says
// whether the cursor is in such a path.
func (cb *completer) contextPaths() bool {
	c := cb.c
	if c.attr != "src" || len(c.blocks) == 0 || c.blocks[len(c.blocks)-1].block != "copy" || cb.snap == nil {
		return false
	}
	dir := cb.b.dir
	if cb.f.file != nil {
		if p := pathAt(cb.f.file, cb.off); len(p.blocks) > 0 && p.blocks[len(p.blocks)-1].Type == "copy" {
			if from := p.blocks[len(p.blocks)-1].Body.Attributes["from"]; from != nil {
				dir = sourceDir(cb.b, from.Expr)
			}
		}
	}
	if dir == "" {
		return true
	}
	typed := c.stringText
	sub, base := "", typed
	if i := strings.LastIndexByte(typed, '/'); i >= 0 {
		sub, base = typed[:i+1], typed[i+1:]
	}
	if c := path.Clean(sub); c == ".." || strings.HasPrefix(c, "../") || strings.ContainsAny(sub, "*?[") {
		return true // outside the source: an error at check time
	}
	rel := path.Clean("/" + sub)[1:] // an absolute src starts at the root
	entries, err := cb.snap.cfg.readDir(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return true
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].IsDir() != entries[j].IsDir() {
			return entries[i].IsDir()
		}
		return entries[i].Name() < entries[j].Name()
	})
	cb.filter = base
	r := cb.f.m.offsetRange(cb.off-len(base), cb.off)
	n := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") || n == maxPathItems {
			continue
		}
		kind, detail := protocol.KindFile, "file"
		if e.IsDir() {
			name, kind, detail = name+"/", protocol.KindFolder, "directory"
		}
		it := cb.add(name, kind, detail, "")
		it.TextEdit = &protocol.TextEdit{Range: r, NewText: name}
		n++
	}
	return true
}
