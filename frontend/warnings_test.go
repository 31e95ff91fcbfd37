package frontend

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
)

// What the frontend cannot do with a cache policy is a warning at the
// policy's import or export line, naming the flag that does it; registry
// imports, which it does itself, are not.
func TestCacheWarnings(t *testing.T) {
	src := `
cache "c" {
  import = [
    { type = "registry", ref = "localhost:5000/cache" },
    { type = "local", src = ".cache" },
  ]
  export = [{ type = "registry", ref = "localhost:5000/cache", mode = "max" }]
}

cache "pull" {
  import = [{ type = "registry", ref = "localhost:5000/cache" }]
}

target "app" {
  from  = "busybox:1.35"
  cache = cache.c
}

target "other" {
  from  = "busybox:1.35"
  cache = cache.pull
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []string
	for _, d := range cacheWarnings(b, targetSpecs(b)) {
		got = append(got, compiler.WarningLine(d)+" | "+d.Detail)
	}
	want := []string{
		`frontend-cache-export: Cache export not done by the frontend (build.hcl:7) | Cache policy "c" exports the build cache, which BuildKit takes only from the client: pass --cache-to type=registry,mode=max,ref=localhost:5000/cache to docker buildx build (buildctl: --export-cache type=registry,mode=max,ref=localhost:5000/cache), or build with buildlang build, which exports it.`,
		`frontend-cache-import: Cache import of type "local" not done by the frontend (build.hcl:3) | Cache policy "c" imports a local cache, which only the client can provide: pass --cache-from type=local,src=.cache to docker buildx build (buildctl: --import-cache type=local,src=.cache), or build with buildlang build, which imports it.`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
