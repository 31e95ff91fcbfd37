package lsp

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/org/buildlang/records"
)

// cacheHints are inlay hints at the end of each step's first line with its
// state in the last build recorded in the build's state directory
// (.buildlang/records, spec/records.md): "cached", or "re-ran: CAUSE" with
// the first cause buildlang why gives.
func cacheHints(b *buildInfo, f *fileInfo, start, end int) []protocol.InlayHint {
	states := lastBuild(filepath.Join(b.dir, records.StateDir))
	if len(states[f.name]) == 0 {
		return nil
	}
	steps := stepLines(f)
	var hints []protocol.InlayHint
	for line, label := range states[f.name] {
		if !steps[line] { // edited since: no step starts there now
			continue
		}
		at := f.m.lineEnd(line - 1)
		if at < start || at > end {
			continue
		}
		hints = append(hints, protocol.InlayHint{Position: f.m.position(at), Label: label, PaddingLeft: true,
			Tooltip: "the last build's cache state (buildlang why explains it)"})
	}
	slices.SortFunc(hints, func(a, b protocol.InlayHint) int { return int(a.Position.Line) - int(b.Position.Line) })
	return hints
}

// stepLines are the lines where a step starts in the file as it is now:
// a target's step blocks and its from attribute, or its base label.
func stepLines(f *fileInfo) map[int]bool {
	lines := map[int]bool{}
	body, _ := f.file.Body.(*hclsyntax.Body)
	if body == nil {
		return lines
	}
	for _, tb := range body.Blocks {
		if tb.Type != "target" {
			continue
		}
		if a := tb.Body.Attributes["from"]; a != nil {
			lines[a.SrcRange.Start.Line] = true
		}
		if len(tb.LabelRanges) > 1 {
			lines[tb.LabelRanges[1].Start.Line] = true
		}
		for _, sb := range tb.Body.Blocks {
			lines[sb.TypeRange.Start.Line] = true
		}
	}
	return lines
}

// stepStates are hint labels by file name and line.
type stepStates map[string]map[int]string

var lastBuilds struct {
	mu sync.Mutex
	// by state directory: the latest records' ids, and their states
	ids    map[string]string
	states map[string]stepStates
}

// lastBuild reads the latest record of each target and platform, once per
// set of latest records.
func lastBuild(dir string) stepStates {
	store := records.Open(dir)
	entries, err := store.List()
	if err != nil || len(entries) == 0 {
		return nil
	}
	latest := map[string]records.Entry{}
	for _, e := range entries {
		latest[e.Target+"\x00"+e.Platform] = e // entries are oldest first
	}
	var ids []string
	for _, e := range latest {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	key := strings.Join(ids, ",")
	lastBuilds.mu.Lock()
	defer lastBuilds.mu.Unlock()
	if lastBuilds.ids[dir] == key {
		return lastBuilds.states[dir]
	}
	perLine := map[string]map[int]map[string][]string{} // file → line → label → platforms
	for _, e := range latest {
		cur, err := store.Load(e)
		if err != nil {
			continue
		}
		var prev *records.Record
		same := records.Filter(entries, e.Target, e.Platform)
		if len(same) > 1 {
			prev, _ = store.Load(same[len(same)-2])
		}
		causes := map[string]string{}
		for _, m := range records.Explain(prev, cur, false).Misses {
			causes[m.Name] = m.Causes[0].Message
		}
		for _, s := range cur.Steps {
			label := ""
			switch {
			case s.Status == records.StatusCached:
				label = "cached"
			case s.Status == records.StatusFailed:
				label = "failed"
			case s.Status != records.StatusRan:
				continue
			case causes[s.Name] != "":
				label = "re-ran: " + causes[s.Name]
			case s.Base != nil:
				label = "loaded"
			default:
				label = "re-ran: builds on a step that re-ran"
			}
			if perLine[s.File] == nil {
				perLine[s.File] = map[int]map[string][]string{}
			}
			if perLine[s.File][s.Line] == nil {
				perLine[s.File][s.Line] = map[string][]string{}
			}
			perLine[s.File][s.Line][label] = append(perLine[s.File][s.Line][label], cur.Platform)
		}
	}
	states := stepStates{}
	for file, lines := range perLine {
		states[file] = map[int]string{}
		for line, labels := range lines {
			states[file][line] = joinLabels(labels)
		}
	}
	if lastBuilds.ids == nil {
		lastBuilds.ids, lastBuilds.states = map[string]string{}, map[string]stepStates{}
	}
	lastBuilds.ids[dir], lastBuilds.states[dir] = key, states
	return states
}

// joinLabels is one label when every platform agrees, else each label
// with its platforms.
func joinLabels(labels map[string][]string) string {
	if len(labels) == 1 {
		for l := range labels {
			return l
		}
	}
	var parts []string
	for l, ps := range labels {
		slices.Sort(ps)
		parts = append(parts, l+" ("+strings.Join(slices.Compact(ps), ", ")+")")
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}
