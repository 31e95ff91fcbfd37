package lsp

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

func TestProbePhases(t *testing.T) {
	src := benchFile()
	fs := lang.FS(fstest.MapFS{"build.hcl": {Data: src}})
	best := map[string]time.Duration{}
	rec := func(k string, d time.Duration) {
		if b, ok := best[k]; !ok || d < b {
			best[k] = d
		}
	}
	for i := 0; i < 15; i++ {
		t0 := time.Now()
		lang.Parse(src, "build.hcl")
		rec("parse", time.Since(t0))
		t0 = time.Now()
		lang.Load(fs, []string{"build.hcl"}, lang.Options{Lenient: true})
		rec("lenient", time.Since(t0))
		t0 = time.Now()
		b, _ := lang.Load(fs, []string{"build.hcl"}, lang.Options{})
		rec("full", time.Since(t0))
		t0 = time.Now()
		lint.Run(b)
		rec("lint", time.Since(t0))
	}
	t.Log(best, len(src))
}
