package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/containerd/platforms"
	digest "github.com/opencontainers/go-digest"
	"github.com/org/buildlang/builder"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/records"
	"github.com/org/buildlang/records/collect"
)

// stateDir is the project's state directory: .buildlang next to the first
// build file.
func stateDir(files []string) string {
	dir := "."
	if len(files) > 0 {
		dir = filepath.Dir(files[0])
	}
	return filepath.Join(dir, records.StateDir)
}

// saveRecords keeps a record of every target and platform the build
// solved. A record that cannot be written is a warning, not a failure.
func saveRecords(ctx context.Context, stderr io.Writer, store *records.Store, b *lang.Build, p *builder.Plan, rep *builder.Report, noCache bool) {
	dir := filepath.Dir(store.Dir())
	key, err := store.Key()
	if err != nil {
		fmt.Fprintf(stderr, "buildlang: not recording the build: %v\n", err)
		return
	}
	now := time.Now()
	saved, steps := 0, 0
	if os.Getenv("BUILDLANG_DEBUG_RECORDS") != "" { // for hack/bench-why
		defer func() {
			fmt.Fprintf(stderr, "buildlang: records: %d saved, %d steps, in %s\n", saved, steps, time.Since(now))
		}()
	}
	for _, t := range rep.Targets {
		if t.Canceled {
			continue
		}
		vs := make(map[digest.Digest]collect.Vertex, len(t.Vertices))
		for d, v := range t.Vertices {
			vs[d] = collect.Vertex{Cached: v.Cached, Completed: v.Completed != nil, Failed: v.Error != ""}
		}
		errText := ""
		if t.Err != nil {
			errText = firstLine(t.Err.Error())
		}
		for _, out := range t.Solved {
			rec, err := collect.Record(ctx, collect.Input{
				Target: t.Target.Name, Platform: platforms.FormatAll(out.Platform), Def: out.Def,
				Build: b, Locals: p.Locals, Vertices: vs, Images: collectImages(t.Images),
				Dir: dir, Key: key, Ref: t.Ref, NoCache: noCache, Error: errText, Time: now,
			})
			if err == nil {
				err = store.Save(rec)
			}
			if err == nil {
				saved, steps = saved+1, steps+len(rec.Steps)
			}
			if err != nil {
				fmt.Fprintf(stderr, "buildlang: recording %s for %s: %v\n", t.Target.Name, platforms.FormatAll(out.Platform), err)
			}
		}
	}
}

func collectImages(imgs []builder.ResolvedImage) []collect.Image {
	out := make([]collect.Image, len(imgs))
	for i, im := range imgs {
		out[i] = collect.Image{Name: im.Name, Platform: im.Platform, Ref: im.Ref, Digest: im.Digest, Config: im.Config}
	}
	return out
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
