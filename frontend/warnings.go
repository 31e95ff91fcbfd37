package frontend

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/compiler/solve"
	"github.com/org/buildlang/lang"
)

// warner prints warnings in a build's output as the Dockerfile frontend
// prints its lint warnings: through the gateway's Warn, with the build
// file's lines, each once.
type warner struct {
	warn func(ctx context.Context, msg string, opts client.WarnOpts) // dockerui's Source.Warn
	sm   sourceMaps

	mu   sync.Mutex
	seen map[string]bool
}

func newWarner(warn func(context.Context, string, client.WarnOpts), sm sourceMaps) *warner {
	return &warner{warn: warn, sm: sm, seen: map[string]bool{}}
}

// diagnostics warns about each warning diagnostic, as compiler.WarningLine
// writes it, with its detail, lines and rule URL.
func (w *warner) diagnostics(ctx context.Context, diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning {
			continue
		}
		msg, opts := solve.Warning(d, func(filename string) *pb.SourceInfo {
			if m := w.sm[filename]; m != nil {
				return sourceInfo(m)
			}
			return nil
		})
		w.mu.Lock()
		dup := w.seen[msg]
		w.seen[msg] = true
		w.mu.Unlock()
		if !dup && w.warn != nil {
			w.warn(ctx, msg, opts)
		}
	}
}

// Frontend warning kinds: what the frontend cannot honour.
const (
	warnCacheExport = "frontend-cache-export"
	warnCacheImport = "frontend-cache-import"
)

// frontendExtra marks a frontend warning with its kind.
type frontendExtra string

func (e frontendExtra) RuleID() string { return string(e) }

// cacheWarnings are the parts of cache policies used by specs that a
// frontend cannot honour, at their lines, naming the flags that do it:
// BuildKit takes cache exports from the client only, and imports other
// than registry caches need the client's files.
func cacheWarnings(b *lang.Build, specs []*lang.TargetSpec) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var done []string
	for _, s := range specs {
		if s == nil || s.Cache == "" || slices.Contains(done, s.Cache) {
			continue
		}
		done = append(done, s.Cache)
		pol := b.Cache(s.Cache)
		if pol == nil {
			continue
		}
		if len(pol.Export) > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Extra: frontendExtra(warnCacheExport),
				Summary: "Cache export not done by the frontend",
				Detail: fmt.Sprintf("Cache policy %q exports the build cache, which BuildKit takes only from the client: pass --cache-to %s to docker buildx build (buildctl: --export-cache %s), or build with buildlang build, which exports it.",
					pol.Name, cacheFlag(pol.Export[0]), cacheFlag(pol.Export[0])),
				Subject: cacheAttrRange(b, pol, "export").Ptr()})
		}
		for _, imp := range pol.Import {
			if imp["type"] == "registry" {
				continue // the frontend imports those itself
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Extra: frontendExtra(warnCacheImport),
				Summary: fmt.Sprintf("Cache import of type %q not done by the frontend", imp["type"]),
				Detail: fmt.Sprintf("Cache policy %q imports a %s cache, which only the client can provide: pass --cache-from %s to docker buildx build (buildctl: --import-cache %s), or build with buildlang build, which imports it.",
					pol.Name, imp["type"], cacheFlag(imp), cacheFlag(imp)),
				Subject: cacheAttrRange(b, pol, "import").Ptr()})
		}
	}
	return diags
}

// cacheFlag writes a cache entry as the --cache-from/--cache-to value.
func cacheFlag(m map[string]string) string {
	s := "type=" + m["type"]
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != "type" {
			s += "," + k + "=" + m[k]
		}
	}
	return s
}

// cacheAttrRange is the range of a cache block's attribute, else the
// block's.
func cacheAttrRange(b *lang.Build, pol *lang.CachePolicy, attr string) hcl.Range {
	f := b.Files[pol.DeclRange.Filename]
	if f == nil {
		return pol.DeclRange
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return pol.DeclRange
	}
	for _, blk := range body.Blocks {
		if blk.Type == "cache" && blk.DefRange() == pol.DeclRange {
			if a := blk.Body.Attributes[attr]; a != nil {
				return a.SrcRange
			}
		}
	}
	return pol.DeclRange
}

// targetSpecs resolves every target for its first default platform, for
// warnings that concern the whole file.
func targetSpecs(b *lang.Build) []*lang.TargetSpec {
	var specs []*lang.TargetSpec
	for _, t := range b.Targets {
		if len(t.DefaultPlatforms) == 0 {
			continue
		}
		if s, diags := b.Resolve(t.Name, t.DefaultPlatforms[0]); !diags.HasErrors() {
			specs = append(specs, s)
		}
	}
	return specs
}
