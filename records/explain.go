package records

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Cause kinds.
const (
	CauseNoCache  = "no-cache"
	CauseNewStep  = "new-step"
	CauseBase     = "base"
	CauseFile     = "file"
	CauseVariable = "variable"
	CauseCommand  = "command"
	CauseOrder    = "order"
	CauseUnknown  = "unknown"
)

// Cause is one reason a step missed the cache.
type Cause struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	// Path is the changed file (file), Name the variable (variable) or the
	// base reference (base).
	Path string `json:"path,omitempty"`
	Name string `json:"name,omitempty"`
}

// Miss is a step that missed the cache for reasons of its own.
type Miss struct {
	Name   string   `json:"name"`
	At     string   `json:"at"`
	File   string   `json:"file,omitempty"`
	Line   int      `json:"line,omitempty"`
	Causes []Cause  `json:"causes"`
	Notes  []string `json:"notes,omitempty"`
	// Dependents counts the misses after it that only build on it.
	Dependents int `json:"dependents"`
}

// Explanation is why a build's steps missed the cache, compared with an
// earlier build of the same target and platform.
type Explanation struct {
	Target   string `json:"target"`
	Platform string `json:"platform"`
	Record   string `json:"record"`
	Previous string `json:"previous,omitempty"`
	// Predicted is true for why --plan: the misses are what the next build
	// would have, from the current files.
	Predicted bool   `json:"predicted,omitempty"`
	Steps     int    `json:"steps"`
	Missed    int    `json:"missed"`
	Misses    []Miss `json:"misses"`
	Note      string `json:"note,omitempty"`
}

// Explain compares a record with an earlier one (nil when there is none).
// For a build, the misses are the steps BuildKit ran; for a prediction
// (cur has no statuses), the steps whose key the previous record does not
// have. Each miss with a cause of its own is reported, in build order;
// misses that only follow from an earlier one are counted on it.
func Explain(prev, cur *Record, predicted bool) *Explanation {
	ex := &Explanation{Target: cur.Target, Platform: cur.Platform, Record: cur.ID, Predicted: predicted, Steps: len(cur.Steps), Misses: []Miss{}}
	if prev != nil {
		ex.Previous = prev.ID
	}
	missed := make([]bool, len(cur.Steps))
	prevKeys := map[string]bool{}
	if prev != nil {
		for _, s := range prev.Steps {
			if s.Status == StatusCached || s.Status == StatusRan {
				prevKeys[s.Key] = true
			}
		}
	}
	for i, s := range cur.Steps {
		if predicted {
			missed[i] = s.NoCache || !prevKeys[s.Key]
		} else {
			// A base BuildKit reports as run with the key it had was only
			// loaded (its layers fetched for a later step), not rebuilt.
			missed[i] = s.Status == StatusFailed || s.Status == StatusRan && (s.Base == nil || !prevKeys[s.Key])
		}
		if missed[i] {
			ex.Missed++
		}
	}
	if prev == nil {
		ex.Note = "there is no earlier record of " + cur.Target + " for " + cur.Platform + " to compare with"
		return ex
	}
	match := matchSteps(prev, cur)
	root := make([]int, len(cur.Steps)) // index into ex.Misses, -1 for none
	for i, s := range cur.Steps {
		root[i] = -1
		if !missed[i] {
			continue
		}
		firstMissed := -1
		for _, in := range s.Inputs {
			if in < i && missed[in] {
				firstMissed = in
				break
			}
		}
		causes := ownCauses(prev, cur, s, match[i])
		if len(causes) == 0 && firstMissed < 0 {
			causes = []Cause{orderOrUnknown(s, match[i])}
		}
		if len(causes) == 0 {
			root[i] = root[firstMissed]
			if root[i] >= 0 {
				ex.Misses[root[i]].Dependents++
			}
			continue
		}
		m := Miss{Name: s.Name, At: s.At(), File: s.File, Line: s.Line, Causes: causes}
		if len(s.CacheMounts) > 0 {
			m.Notes = append(m.Notes, "a cache mount does not affect the cache key: the contents of "+strings.Join(s.CacheMounts, ", ")+" are not compared")
		}
		root[i] = len(ex.Misses)
		ex.Misses = append(ex.Misses, m)
	}
	return ex
}

// ownCauses are the reasons a step differs from its match by its own
// inputs: no_cache, being new, its base, the files it reads, the variables
// that reach it, its command.
func ownCauses(prev, cur *Record, s, p *Step) []Cause {
	if s.NoCache {
		msg := "no_cache = true"
		if cur.NoCache {
			msg = "--no-cache"
		}
		return []Cause{{Kind: CauseNoCache, Message: msg}}
	}
	if p == nil {
		return []Cause{{Kind: CauseNewStep, Message: "the previous record has no such step"}}
	}
	var causes []Cause
	baseChanged, baseMoved := false, false
	if s.Base != nil && p.Base != nil && (s.Base.Ref != p.Base.Ref || s.Base.Digest != p.Base.Digest) {
		if s.Base.Ref == p.Base.Ref {
			baseMoved = true // the digest is the op's whole difference
			causes = append(causes, Cause{Kind: CauseBase, Name: s.Base.Ref,
				Message: fmt.Sprintf("base %s moved from %s to %s", s.Base.Ref, p.Base.Digest, s.Base.Digest)})
		} else {
			baseChanged = true
		}
	}
	causes = append(causes, fileCauses(prev, cur, s, p)...)
	if (s.Self != p.Self && !baseMoved) || baseChanged {
		vc := varCauses(prev, cur, s, p)
		causes = append(causes, vc...)
		if len(vc) == 0 {
			if baseChanged {
				causes = append(causes, Cause{Kind: CauseBase, Name: s.Base.Ref,
					Message: fmt.Sprintf("the base changed from %s to %s", p.Base.Ref, s.Base.Ref)})
			} else {
				causes = append(causes, Cause{Kind: CauseCommand, Message: "the command text changed"})
			}
		}
	}
	return causes
}

func orderOrUnknown(s, p *Step) Cause {
	if p != nil && p.Index() != s.Index() {
		return Cause{Kind: CauseOrder, Message: fmt.Sprintf("step order changed: this step was step %d and is now step %d", p.Index(), s.Index())}
	}
	return Cause{Kind: CauseUnknown, Message: "its inputs are the same as in the previous record: BuildKit's cache no longer had the result (pruned, or another builder)"}
}

// maxFileCauses bounds the files named per read; the rest are counted.
const maxFileCauses = 10

func fileCauses(prev, cur *Record, s, p *Step) []Cause {
	var causes []Cause
	for _, r := range s.Reads {
		i := slices.IndexFunc(p.Reads, func(o Read) bool { return o.Local == r.Local && o.Src == r.Src && o.Mount == r.Mount })
		if i < 0 {
			continue // it reads another path: the command changed
		}
		what := "copy"
		if r.Mount {
			what = "bind mount"
		}
		pr := p.Reads[i]
		if (r.Files == nil || pr.Files == nil) && r.Sum != pr.Sum {
			src := r.Src
			if src == "" {
				src = "the whole context"
			}
			causes = append(causes, Cause{Kind: CauseFile, Path: r.Src,
				Message: fmt.Sprintf("%s at %s reads %s (%d files), which changed (the record lists no files: more than %d were read)", what, s.At(), src, r.Count, MaxFiles)})
			continue
		}
		before := fileSums(prev, pr)
		after := fileSums(cur, r)
		var changes []Cause
		add := func(path, how string) {
			changes = append(changes, Cause{Kind: CauseFile, Path: path,
				Message: fmt.Sprintf("%s at %s reads %s, which %s", what, s.At(), path, how)})
		}
		for _, path := range sortedKeys(after) {
			switch b, ok := before[path]; {
			case !ok:
				add(path, "is new")
			case b != after[path]:
				add(path, "changed")
			}
		}
		for _, path := range sortedKeys(before) {
			if _, ok := after[path]; !ok {
				add(path, "was removed")
			}
		}
		if len(changes) > maxFileCauses {
			n := len(changes) - maxFileCauses
			changes = append(changes[:maxFileCauses], Cause{Kind: CauseFile,
				Message: fmt.Sprintf("%s at %s reads %d more files that changed", what, s.At(), n)})
		}
		causes = append(causes, changes...)
	}
	return causes
}

func fileSums(r *Record, rd Read) map[string]string {
	out := make(map[string]string, len(rd.Files))
	for _, i := range rd.Files {
		if i >= 0 && i < len(r.Files) {
			out[r.Files[i].Path] = r.Files[i].Sum
		}
	}
	return out
}

func varCauses(prev, cur *Record, s, p *Step) []Cause {
	var causes []Cause
	names := slices.Clone(s.Vars)
	for _, n := range p.Vars {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		a, b := prev.Vars[n], cur.Vars[n]
		if a == nil || b == nil || (a.Value == b.Value && a.Hash == b.Hash) {
			continue
		}
		msg := fmt.Sprintf("variable %s changed from %s to %s (set by %s)", n, showValue(a.Value), showValue(b.Value), b.Source)
		if a.Sensitive || b.Sensitive {
			msg = fmt.Sprintf("variable %s changed (it is sensitive: its values are not recorded; set by %s)", n, b.Source)
		}
		causes = append(causes, Cause{Kind: CauseVariable, Name: n, Message: msg})
	}
	return causes
}

func showValue(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\n\"") {
		return strconv.Quote(v)
	}
	return v
}

// matchSteps pairs each step of cur with the step of prev it stands for:
// the one with the same key, else the same op in the same target, else
// the one at the same position. A prev step is paired once.
func matchSteps(prev, cur *Record) []*Step {
	match := make([]*Step, len(cur.Steps))
	used := make([]bool, len(prev.Steps))
	pair := func(key func(s *Step) string) {
		free := map[string][]int{} // key → unpaired prev steps, in order
		for j, p := range prev.Steps {
			if !used[j] {
				k := key(p)
				free[k] = append(free[k], j)
			}
		}
		for i, s := range cur.Steps {
			if match[i] != nil {
				continue
			}
			k := key(s)
			if js := free[k]; len(js) > 0 {
				match[i], used[js[0]] = prev.Steps[js[0]], true
				free[k] = js[1:]
			}
		}
	}
	pair(func(s *Step) string { return s.Key + "\x00" + s.Position })
	pair(func(s *Step) string { return s.Key })
	pair(func(s *Step) string { return s.Self + "\x00" + owner(s) })
	pair(func(s *Step) string { return s.Position })
	return match
}

// owner is a step position's target and platform part.
func owner(s *Step) string {
	i := strings.LastIndexByte(s.Position, ' ')
	if i < 0 {
		return s.Position
	}
	return s.Position[:i]
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
