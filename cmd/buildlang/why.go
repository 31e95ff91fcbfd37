package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	digest "github.com/opencontainers/go-digest"
	"github.com/org/buildlang/builder"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/records"
	"github.com/org/buildlang/records/collect"
	"github.com/spf13/cobra"
)

func init() { addCommand(whyCommand) }

func whyCommand() *cobra.Command {
	var bf buildFlags
	var platform, since, format, contextDir, addr string
	var plan bool
	cmd := &cobra.Command{
		Use:   "why [TARGET] [--platform P] [--since REF] [--plan] [--format text|json]",
		Short: "Say which input made each step miss the cache, at its line",
		Long: `Why compares the latest build record of a target (default: every target
of the latest build) with the one before it, or with --since REF (a record
id or its prefix, latest, or latest~N: the N-th before the latest), and
prints, for the first step that missed the cache and each miss after it
that has a cause of its own, the step at file:line and the cause: a context
file the step reads that changed, a variable, a base image that moved, the
command text, no_cache, a step the previous record does not have, or a
change of step order. Steps that re-ran only because they build on an
earlier miss are counted under it.

With --plan, nothing is built: the build files are compiled and the context
files hashed now, and the prediction is compared with the latest record.
Base images are resolved through the daemon at --addr or $BUILDKIT_HOST (a
build that solves nothing); without one, they are taken to be where the
latest record found them.

Records are kept by buildlang build in .buildlang/records next to the first
build file; see buildlang history.

Exit status: 0 when explained (whether or not a step missed), 1 when there
is no record to explain (or, with --plan, the build files have errors), 2
for bad flags.`,
		Example: `  buildlang why
  buildlang why app --platform linux/arm64
  buildlang why app --since latest~3 --format json
  buildlang why --plan`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: use text or json", format)
			}
			platform, perr := parsePlatform(platform)
			if perr != nil {
				return perr
			}
			target := ""
			if len(args) > 0 {
				target = args[0]
			}
			store := records.Open(stateDir(bf.filenames()))
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			var exs []*records.Explanation
			var err error
			if plan {
				exs, err = predict(ctx, &bf, store, target, platform, contextDir, addr)
			} else {
				exs, err = explainRecords(store, target, platform, since)
			}
			var ee exitError
			if err != nil && !errors.As(err, &ee) {
				// No records, or none to compare with: exit 1, as a failed
				// check does; bad flags exit 2.
				fmt.Fprintln(os.Stderr, "buildlang:", err)
				return exitError{1}
			} else if err != nil {
				return err
			}
			return writeExplanations(os.Stdout, exs, format)
		},
	}
	bf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&platform, "platform", "", "the platform to explain (default: every platform of the target's records)")
	fl.StringVar(&since, "since", "", "compare with this record (an id or its prefix, or latest~N for the N-th before the latest) instead of the previous one")
	fl.BoolVar(&plan, "plan", false, "predict which steps the next build will miss, without building")
	fl.StringVar(&format, "format", "text", "output format: text or json")
	fl.StringVar(&contextDir, "context", "", "build context directory, as for build (with --plan)")
	fl.StringVar(&addr, "addr", "", "BuildKit daemon to resolve base images through, with --plan (default $BUILDKIT_HOST; none: bases as last recorded)")
	return cmd
}

func writeExplanations(w io.Writer, exs []*records.Explanation, format string) error {
	if format == "json" {
		return writeJSON(w, exs)
	}
	for i, ex := range exs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		ex.Print(w)
	}
	return nil
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// explainRecords explains the latest record of each platform of a target,
// or of every target of the latest build.
func explainRecords(store *records.Store, target, platform, since string) ([]*records.Explanation, error) {
	all, err := store.List()
	if err != nil {
		return nil, err
	}
	if target != "" {
		return explainTarget(store, all, target, platform, since)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no build records in %s: build with buildlang build first", store.Dir())
	}
	var targets []string
	for _, e := range records.LatestBuild(all) {
		if !slices.Contains(targets, e.Target) && (platform == "" || e.Platform == platform) {
			targets = append(targets, e.Target)
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("the latest build has no record for %s (buildlang history list shows what there is)", platform)
	}
	slices.Sort(targets)
	var exs []*records.Explanation
	for _, t := range targets {
		ex, err := explainTarget(store, all, t, platform, since)
		if err != nil {
			return nil, err
		}
		exs = append(exs, ex...)
	}
	return exs, nil
}

// explainTarget explains the latest record of each platform of a target.
func explainTarget(store *records.Store, all []records.Entry, target, platform, since string) ([]*records.Explanation, error) {
	entries := records.Filter(all, target, platform)
	if len(entries) == 0 {
		return nil, fmt.Errorf("no build records of %s in %s: build it with buildlang build first (buildlang history list shows what there is)", describe(target, platform), store.Dir())
	}
	var plats []string
	for _, e := range entries {
		if !slices.Contains(plats, e.Platform) {
			plats = append(plats, e.Platform)
		}
	}
	slices.Sort(plats)
	var exs []*records.Explanation
	for _, p := range plats {
		es := records.Filter(entries, target, p)
		cur, err := store.Load(es[len(es)-1])
		if err != nil {
			return nil, err
		}
		var prev *records.Record
		switch {
		case since != "":
			found := records.Find(es, since)
			if len(found) != 1 {
				return nil, fmt.Errorf("--since %q: %d records of %s match; give a longer id prefix, or latest~N for the N-th before the latest (buildlang history list)", since, len(found), describe(target, p))
			}
			if prev, err = store.Load(found[0]); err != nil {
				return nil, err
			}
		case len(es) > 1:
			if prev, err = store.Load(es[len(es)-2]); err != nil {
				return nil, err
			}
		}
		exs = append(exs, records.Explain(prev, cur, false))
	}
	return exs, nil
}

func describe(target, platform string) string {
	if platform == "" {
		return "target " + target
	}
	return "target " + target + " for " + platform
}

// predict compiles the targets as build would and compares each platform
// with its latest record.
func predict(ctx context.Context, bf *buildFlags, store *records.Store, target, platform, contextDir, addr string) ([]*records.Explanation, error) {
	var f buildCLIFlags
	f.progress = "quiet"
	f.contextDir, f.addr = contextDir, addr
	if platform != "" {
		f.plats = []string{platform}
	}
	var targets []string
	if target != "" {
		targets = []string{target}
	}
	opts, err := f.options(targets, bf.filenames(), os.LookupEnv)
	if err != nil {
		return nil, err
	}
	if opts.Allow, err = lang.ParseAllow(bf.allow); err != nil {
		return nil, err
	}
	// Targets without platforms build for the daemon's: load for it, as
	// build does.
	var loadOpts []func(*lang.Options)
	if p, ok, err := builder.DaemonPlatform(ctx, opts.Connect); err != nil {
		fmt.Fprintf(os.Stderr, "buildlang: asking BuildKit for its platform: %v\n", firstLine(err.Error()))
	} else if ok {
		loadOpts = append(loadOpts, func(o *lang.Options) { o.BuildPlatform = p })
	}
	b, _, err := bf.loadFor(targets, loadOpts...)
	if err != nil {
		return nil, err
	}
	plan, diags, err := builder.NewPlan(ctx, b, opts)
	if diags.HasErrors() {
		writeDiagnostics(os.Stderr, b.Files, diags)
		return nil, exitError{1}
	}
	if err != nil {
		return nil, err
	}
	all, err := store.List()
	if err != nil {
		return nil, err
	}
	key, err := store.Key()
	if err != nil {
		return nil, err
	}
	var exs []*records.Explanation
	for _, t := range plan.Targets {
		var prevs []*records.Record
		for _, p := range t.Platforms {
			es := records.Filter(all, t.Name, platforms.FormatAll(p))
			if len(es) > 0 {
				prev, err := store.Load(es[len(es)-1])
				if err != nil {
					return nil, err
				}
				prevs = append(prevs, prev)
			}
		}
		fresh, err := plan.ResolveImages(ctx, t)
		if err != nil {
			fmt.Fprintf(os.Stderr, "buildlang: resolving base images through BuildKit: %v; taking them to be where the latest record found them\n", firstLine(err.Error()))
		}
		outs, err := plan.Compile(ctx, t, knownImages{fresh, prevs})
		if err != nil {
			return nil, err
		}
		for _, out := range outs {
			pl := platforms.FormatAll(out.Platform)
			rec, err := collect.Record(ctx, collect.Input{Target: t.Name, Platform: pl, Def: out.Def, Build: b,
				Locals: plan.Locals, Dir: filepath.Dir(store.Dir()), Key: key, NoCache: opts.NoCache, Time: time.Now()})
			if err != nil {
				return nil, err
			}
			var prev *records.Record
			for _, r := range prevs {
				if r.Platform == pl {
					prev = r
				}
			}
			exs = append(exs, records.Explain(prev, rec, true))
		}
	}
	return exs, nil
}

// knownImages answers the compiler's image lookups as the daemon just
// did (fresh), else from records: where the latest build found each base.
// A base neither has gets an unpinned reference, so its step is predicted
// to miss.
type knownImages struct {
	fresh []builder.ResolvedImage
	recs  []*records.Record
}

var unknownImage = []byte(`{"rootfs":{"type":"layers","diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000000"]}}`)

func (k knownImages) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	p := ""
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = platforms.FormatAll(*opt.ImageOpt.Platform)
	}
	for _, im := range k.fresh {
		if im.Name == ref && im.Platform == p {
			return im.Ref, im.Digest, im.Config, nil
		}
	}
	for _, rec := range k.recs {
		if b := rec.Bases[ref+" "+p]; b != nil {
			return b.Ref, digest.Digest(b.Digest), b.Config, nil
		}
	}
	return ref, "", unknownImage, nil
}
