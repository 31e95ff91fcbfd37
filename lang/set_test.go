package lang_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

const setBuild = `
variable "TAG" {
  default = "dev"
}

environment "prod" {
  vars = { TAG = "prod" }
}

cache "reg" {
  import = [{ type = "registry", ref = "localhost:5000/cache" }]
}

target "base" {
  from      = "busybox"
  platforms = ["linux/amd64"]
  tags      = ["localhost:5000/base:${var.TAG}"]
  labels    = { team = "core" }
  run {
    command = "true"
  }
}

target "app" {
  inherits = [target.base]
  args     = { MODE = "debug" }
  run {
    command = "echo $MODE"
  }
}

target "test" {
  matrix = { go = ["1.22", "1.23"] }
  name   = "test-${matrix.go}"
  from   = "golang:${matrix.go}"
}
`

func loadSet(t *testing.T, env string, vars map[string]string, sets ...string) (*lang.Build, hcl.Diagnostics) {
	t.Helper()
	var ss []lang.Set
	for _, s := range sets {
		set, err := lang.ParseSet(s)
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, set)
	}
	return lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(setBuild)}}), []string{"build.hcl"},
		lang.Options{Env: env, Vars: vars, Set: ss})
}

// --set wins over the file, the environment and --var, applies to
// inheriting targets that do not set the attribute themselves, and
// matches matrix blocks and patterns.
func TestSet(t *testing.T) {
	b, diags := loadSet(t, "prod", map[string]string{"TAG": "cli"},
		"base.tags=localhost:5000/base:set,localhost:5000/base:latest",
		"app.platform=linux/arm64", "app.args.MODE=release", "app.labels.team=web", "app.network=none",
		"test.platforms=linux/arm64", "test-1.23.platforms+=linux/amd64", "*.no_cache=true", "app.cache=reg")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	arm := platforms.MustParse("linux/arm64")
	app, diags := b.Resolve("app", arm)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := strings.Join(app.Tags, " "); got != "localhost:5000/base:set localhost:5000/base:latest" {
		t.Errorf("app inherits base's --set tags: %s", got)
	}
	if app.Args["MODE"] != "release" || app.Image.Labels["team"] != "web" || !app.NoCache || app.Cache != "reg" {
		t.Errorf("app: args %v labels %v no_cache %v cache %q", app.Args, app.Image.Labels, app.NoCache, app.Cache)
	}
	for _, s := range app.Steps {
		if s.Run != nil && s.Run.Network != "none" {
			t.Errorf("step network %q; --set app.network=none", s.Run.Network)
		}
	}
	for name, want := range map[string]string{"app": "linux/arm64", "base": "linux/amd64", "test-1.22": "linux/arm64", "test-1.23": "linux/arm64,linux/amd64"} {
		if got := platforms.FormatAll(b.Target(name).DefaultPlatforms[0]); len(b.Target(name).DefaultPlatforms) > 1 {
			got += "," + platforms.FormatAll(b.Target(name).DefaultPlatforms[1])
			if got != want {
				t.Errorf("%s platforms %s, want %s", name, got, want)
			}
		} else if got != want {
			t.Errorf("%s platforms %s, want %s", name, got, want)
		}
	}
}

func TestSetErrors(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"ap.tags=x", `no target is named "ap". Did you mean "app"?`},
		{"app.platforms=linux/amd46", `"linux/amd46"`},
		{"app.network=bridge", "network is one of"},
		{"app.cache=nope", `no cache policy named "nope"`},
		{"app.no_cache=maybe", "true or false"},
	} {
		_, diags := loadSet(t, "", nil, tc.set)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) || !strings.Contains(diags.Error(), "--set "+tc.set) {
			t.Errorf("--set %s: %v; want an error with %q", tc.set, diags, tc.want)
		}
	}
	for _, bad := range []string{"app", "app.tags", ".tags=x", "app.args=x", "app.tag=x", "app.cache+=x", "app.tags.x=y"} {
		if _, err := lang.ParseSet(bad); err == nil {
			t.Errorf("ParseSet(%q) passed", bad)
		}
	}
	if _, err := lang.ParseSet("app.tag=x"); err == nil || !strings.Contains(err.Error(), `Did you mean "tags"?`) {
		t.Errorf("ParseSet(app.tag=x): %v", err)
	}
	if !slices.Contains(lang.SetAttrs, "platforms") {
		t.Error("SetAttrs lacks platforms")
	}
}
