package records

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rec builds a record of linear steps: each step reads the one before.
func rec(steps ...*Step) *Record {
	r := &Record{ID: "r", Target: "app", Platform: "linux/amd64", Vars: map[string]*Var{}}
	for i, s := range steps {
		if i > 0 {
			s.Inputs = []int{i - 1}
		}
		if s.Position == "" {
			s.Position = "[app linux/amd64 " + string(rune('1'+i))
		}
		if s.Key == "" {
			s.Key = s.Self
			for _, in := range s.Inputs {
				s.Key += "+" + steps[in].Key
			}
		}
		r.Steps = append(r.Steps, s)
	}
	return r
}

func step(name, self, status string, line int) *Step {
	return &Step{Name: "[app linux/amd64] " + name, Self: self, Status: status, File: "build.hcl", Line: line}
}

func messages(ex *Explanation) []string {
	var out []string
	for _, m := range ex.Misses {
		for _, c := range m.Causes {
			out = append(out, m.At+" "+c.Message)
		}
	}
	return out
}

func TestExplainCauses(t *testing.T) {
	base := func(d string) *Step {
		s := step("FROM golang:1.23", "from-"+d, StatusCached, 1)
		s.Base = &Base{Ref: "golang:1.23", Digest: d}
		return s
	}
	for _, tc := range []struct {
		name       string
		prev, cur  *Record
		want       []string
		dependents int
	}{{
		name: "nothing missed",
		prev: rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3)),
		cur:  rec(base("sha256:aaa"), step("RUN make", "make", StatusCached, 3)),
	}, {
		name: "base moved",
		prev: rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3)),
		cur: func() *Record {
			r := rec(base("sha256:bbb"), step("RUN make", "make", StatusRan, 3))
			r.Steps[0].Status = StatusRan
			return r
		}(),
		want:       []string{"build.hcl:1 base golang:1.23 moved from sha256:aaa to sha256:bbb"},
		dependents: 1,
	}, {
		name: "command text",
		prev: rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3), step("RUN test", "test", StatusRan, 5)),
		cur:  rec(base("sha256:aaa"), step("RUN make all", "make all", StatusRan, 3), step("RUN test", "test", StatusRan, 5)),
		want: []string{"build.hcl:3 the command text changed"}, dependents: 1,
	}, {
		name: "no_cache",
		prev: rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3)),
		cur: func() *Record {
			r := rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3))
			r.Steps[1].NoCache = true
			return r
		}(),
		want: []string{"build.hcl:3 no_cache = true"},
	}, {
		name: "new step",
		prev: rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3)),
		cur:  rec(base("sha256:aaa"), step("RUN make", "make", StatusCached, 3), step("RUN test", "test", StatusRan, 6)),
		want: []string{"build.hcl:6 the previous record has no such step"},
	}, {
		name: "order",
		prev: rec(base("sha256:aaa"), step("RUN a", "a", StatusRan, 3), step("RUN b", "b", StatusRan, 6)),
		cur:  rec(base("sha256:aaa"), step("RUN b", "b", StatusRan, 3), step("RUN a", "a", StatusRan, 6)),
		want: []string{"build.hcl:3 step order changed: this step was step 3 and is now step 2"}, dependents: 1,
	}, {
		name: "pruned cache",
		prev: rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3)),
		cur:  rec(base("sha256:aaa"), step("RUN make", "make", StatusRan, 3)),
		want: []string{"build.hcl:3 its inputs are the same as in the previous record: BuildKit's cache no longer had the result (pruned, or another builder)"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ex := Explain(tc.prev, tc.cur, false)
			if diff := cmp.Diff(tc.want, messages(ex)); diff != "" {
				t.Errorf("causes (-want +got):\n%s", diff)
			}
			if len(ex.Misses) > 0 && ex.Misses[0].Dependents != tc.dependents {
				t.Errorf("dependents = %d, want %d", ex.Misses[0].Dependents, tc.dependents)
			}
		})
	}
}

func TestExplainFilesAndVariables(t *testing.T) {
	mk := func(sum, version string, status string) *Record {
		cp := step("COPY src /src", "copy", status, 18)
		cp.Reads = []Read{{Local: "context", Src: "src", Files: []int{0, 1}}}
		run := step("RUN build", "build "+version, status, 22)
		run.Vars = []string{"VERSION"}
		run.CacheMounts = []string{"/root/.cache"}
		r := rec(step("FROM scratch", "scratch", StatusCached, 1), cp, run)
		r.Files = []File{{Local: "context", Path: "src/a.go", Sum: "1"}, {Local: "context", Path: "src/main.go", Sum: sum}}
		r.Vars["VERSION"] = &Var{Value: version, Source: "--var"}
		for _, s := range r.Steps[1:] {
			s.Key += sum + version
		}
		return r
	}
	ex := Explain(mk("x", "1.2.3", StatusRan), mk("y", "1.2.4", StatusRan), false)
	want := []string{
		"build.hcl:18 copy at build.hcl:18 reads src/main.go, which changed",
		"build.hcl:22 variable VERSION changed from 1.2.3 to 1.2.4 (set by --var)",
	}
	if diff := cmp.Diff(want, messages(ex)); diff != "" {
		t.Errorf("causes (-want +got):\n%s", diff)
	}
	if got := ex.Misses[1].Notes; len(got) != 1 || !strings.HasPrefix(got[0], "a cache mount does not affect the cache key") {
		t.Errorf("notes = %q, want the cache mount note", got)
	}
	var b bytes.Buffer
	ex.Print(&b)
	if !strings.Contains(b.String(), "build.hcl:18: [app linux/amd64] COPY src /src\n  copy at build.hcl:18 reads src/main.go, which changed\n") {
		t.Errorf("printed:\n%s", b.String())
	}

	// Predicted from the same files, nothing will miss.
	cur := mk("x", "1.2.3", "")
	if ex := Explain(mk("x", "1.2.3", StatusRan), cur, true); ex.Missed != 0 || len(ex.Misses) != 0 {
		t.Errorf("prediction of an unchanged build: %+v", ex)
	}
	// A sensitive variable is compared by its keyed hash, never shown.
	a, b2 := mk("x", "1", StatusRan), mk("x", "2", StatusRan)
	a.Vars["VERSION"] = &Var{Hash: KeyedHash([]byte("k"), "VERSION", "1"), Sensitive: true, Source: "--var"}
	b2.Vars["VERSION"] = &Var{Hash: KeyedHash([]byte("k"), "VERSION", "2"), Sensitive: true, Source: "--var"}
	msgs := strings.Join(messages(Explain(a, b2, false)), "\n")
	if !strings.Contains(msgs, "variable VERSION changed (it is sensitive") {
		t.Errorf("sensitive change not reported as such:\n%s", msgs)
	}
}

// A record of a build reading more than MaxFiles files keeps each read's
// digest only: a change is still found, without naming the file.
func TestExplainWithoutFileLists(t *testing.T) {
	mk := func(sum string) *Record {
		cp := step("COPY . /src", "copy", StatusRan, 5)
		cp.Reads = []Read{{Local: "context", Src: "", Count: 30000, Sum: sum}}
		cp.Key = "copy" + sum
		return rec(step("FROM scratch", "scratch", StatusCached, 1), cp)
	}
	want := []string{"build.hcl:5 copy at build.hcl:5 reads the whole context (30000 files), which changed (the record lists no files: more than 20000 were read)"}
	if diff := cmp.Diff(want, messages(Explain(mk("a"), mk("b"), false))); diff != "" {
		t.Errorf("causes (-want +got):\n%s", diff)
	}
}
