package builder

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
)

// plan loads src as build.hcl (in dir, if not empty) and plans it.
func plan(t *testing.T, src string, opts Options) (*Plan, error) {
	t.Helper()
	name := "build.hcl"
	var files lang.FileSource = lang.FS(fstest.MapFS{name: {Data: []byte(src)}})
	if opts.ContextDir != "" {
		name = filepath.Join(opts.ContextDir, name)
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		files = lang.OSFiles{}
	}
	b, diags := lang.Load(files, []string{name}, lang.Options{})
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	if opts.LookupEnv == nil {
		opts.LookupEnv = func(string) (string, bool) { return "", false }
	}
	p, diags, err := NewPlan(t.Context(), b, &opts)
	if diags.HasErrors() {
		t.Fatalf("plan: %v", diags)
	}
	return p, err
}

func mustPlan(t *testing.T, src string, opts Options) *Plan {
	t.Helper()
	p, err := plan(t, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func outputs(t *TargetPlan) []string {
	var s []string
	for _, o := range t.Outputs {
		s = append(s, o.String())
	}
	return s
}

const outputsBuild = `
target "tagged" {
  from = "busybox"
  tags = ["localhost:5000/a:1", "registry.example.com/a:1"]
  annotations = { "org.opencontainers.image.title" = "a" }
}
target "exported" {
  from   = "busybox"
  output = ["type=oci,dest=out/e.tar"]
  tags   = ["registry.example.com/e:1"]
}
target "plain" {
  from = "busybox"
}
group "default" {
  targets = [target.tagged, target.exported, target.plain]
}
`

func TestOutputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want map[string]string // target → outputs joined by " | "
		note map[string]string // target → a note it must have
	}{
		{
			name: "defaults",
			want: map[string]string{
				"tagged":   "type=image,annotation.org.opencontainers.image.title=a,\"name=localhost:5000/a:1,registry.example.com/a:1\",registry.insecure=true",
				"exported": "type=oci,dest=out/e.tar",
				"plain":    "",
			},
			note: map[string]string{"plain": "no output"},
		},
		{
			name: "push",
			opts: Options{Push: true},
			want: map[string]string{
				"tagged":   "type=image,annotation.org.opencontainers.image.title=a,\"name=localhost:5000/a:1,registry.example.com/a:1\",push=true,registry.insecure=true",
				"exported": "type=oci,dest=out/e.tar | type=image,name=registry.example.com/e:1,push=true",
				"plain":    "",
			},
			note: map[string]string{"plain": "not pushed: no tags"},
		},
		{
			name: "flag output for every target",
			opts: Options{Outputs: []Output{{Type: "local", Attrs: map[string]string{"dest": "out/{target}"}}}},
			want: map[string]string{
				"tagged":   "type=local,dest=out/tagged",
				"exported": "type=local,dest=out/exported",
				"plain":    "type=local,dest=out/plain",
			},
		},
		{
			name: "none",
			opts: Options{Outputs: []Output{{Type: "none", Attrs: map[string]string{}}}},
			want: map[string]string{"tagged": "", "exported": "", "plain": ""},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPlan(t, outputsBuild, tc.opts)
			for _, tp := range p.Targets {
				if got := strings.Join(outputs(tp), " | "); got != tc.want[tp.Name] {
					t.Errorf("%s: outputs %q, want %q", tp.Name, got, tc.want[tp.Name])
				}
				if n := tc.note[tp.Name]; n != "" && !strings.Contains(strings.Join(tp.Notes, "\n"), n) {
					t.Errorf("%s: notes %q lack %q", tp.Name, tp.Notes, n)
				}
			}
		})
	}
}

func TestOutputErrors(t *testing.T) {
	_, err := plan(t, outputsBuild, Options{Outputs: []Output{{Type: "oci", Attrs: map[string]string{"dest": "x.tar"}}}})
	if err == nil || !strings.Contains(err.Error(), "would both write x.tar") || !strings.Contains(err.Error(), "{target}") {
		t.Errorf("shared dest: %v", err)
	}
	_, err = plan(t, outputsBuild, Options{Targets: []string{"plain"}, Outputs: []Output{{Type: "image", Attrs: map[string]string{"push": "true"}}}})
	if err == nil || !strings.Contains(err.Error(), `target "plain": cannot push: it has no tags`) {
		t.Errorf("push without a name: %v", err)
	}
	// A bad output attribute is the build file's error: lang reports it
	// at its line, with the rules ParseOutput applies to --output.
	_, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(`
target "x" {
  from   = "busybox"
  output = ["type=zip"]
}
`)}}), []string{"build.hcl"}, lang.Options{})
	if !diags.HasErrors() || diags[0].Subject == nil || diags[0].Subject.Start.Line != 4 || !strings.Contains(diags[0].Detail, `output "type=zip"`) {
		t.Errorf("bad output attribute: %v", diags)
	}
}

func TestCache(t *testing.T) {
	src := `
cache "shared" {
  import = [{ type = "local", src = ".cache" }, { type = "registry", ref = "localhost:5000/c:cache" }]
  export = [{ type = "local", dest = ".cache", mode = "max" }]
}
environment "ci" {
  cache = cache.shared
}
target "a" {
  from = "busybox"
}
target "b" {
  from  = "busybox"
  cache = cache.shared
}
group "default" {
  targets = [target.a, target.b]
}
`
	p := mustPlan(t, src, Options{})
	a, b := p.Targets[0], p.Targets[1]
	if a.CachePolicy != "" || len(a.CacheImports) != 0 {
		t.Errorf("a has no policy: %+v", a)
	}
	if b.CachePolicy != "shared" || len(b.CacheImports) != 2 || len(b.CacheExports) != 1 {
		t.Fatalf("b: %+v", b)
	}
	if got := cacheString(b.CacheImports[0]); got != "type=local,src=.cache,tag=b" {
		t.Errorf("local import %s: each target gets its own tag", got)
	}
	if got := cacheString(b.CacheImports[1]); got != "type=registry,ref=localhost:5000/c:cache,registry.insecure=true" {
		t.Errorf("registry import %s", got)
	}
	if got := cacheString(b.CacheExports[0]); got != "type=local,dest=.cache,mode=max,tag=b" {
		t.Errorf("local export %s", got)
	}

	// The flags replace the policy, for every target.
	from, _ := ParseCache("type=local,src=/c,tag=mine", false)
	to, _ := ParseCache("type=inline", true)
	p = mustPlan(t, src, Options{CacheFrom: []client.CacheOptionsEntry{from}, CacheTo: []client.CacheOptionsEntry{to}})
	for _, tp := range p.Targets {
		if tp.CachePolicy != "" || len(tp.CacheImports) != 1 || cacheString(tp.CacheImports[0]) != "type=local,src=/c,tag=mine" ||
			len(tp.CacheExports) != 1 || tp.CacheExports[0].Type != "inline" {
			t.Errorf("%s with flags: %+v", tp.Name, tp)
		}
	}
	// Each target has its own copy of the flags' attributes.
	p.Targets[0].CacheImports[0].Attrs["digest"] = "x"
	if p.Targets[1].CacheImports[0].Attrs["digest"] != "" {
		t.Error("targets share cache attribute maps")
	}
}

// A part (some of an image's platforms, on one node) exports its registry
// and local caches under tags of their own, and imports that before the shared one,
// so nodes building the image's platforms do not overwrite each other's
// cache; the whole image on one node uses the refs as written.
func TestPartCache(t *testing.T) {
	src := `
cache "reg" {
  import = [{ type = "registry", ref = "localhost:5000/app:cache" }, { type = "local", src = ".cache" }]
  export = [{ type = "registry", ref = "localhost:5000/app:cache", mode = "max" }, { type = "inline" }, { type = "local", dest = ".cache" }]
}
target "app" {
  from      = "busybox"
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = ["localhost:5000/app:1"]
  cache     = cache.reg
}
`
	arm := []ocispecs.Platform{platforms.MustParse("linux/arm64")}
	p := mustPlan(t, src, Options{Push: true, Parts: map[string][]ocispecs.Platform{"app": arm}})
	tp := p.Targets[0]
	var imports, exports []string
	for _, e := range tp.CacheImports {
		imports = append(imports, cacheString(e))
	}
	for _, e := range tp.CacheExports {
		exports = append(exports, cacheString(e))
	}
	wantImports := []string{"type=registry,ref=localhost:5000/app:cache-linux-arm64,registry.insecure=true", "type=registry,ref=localhost:5000/app:cache,registry.insecure=true",
		"type=local,src=.cache,tag=app-linux-arm64", "type=local,src=.cache,tag=app"}
	wantExports := []string{"type=registry,mode=max,ref=localhost:5000/app:cache-linux-arm64,registry.insecure=true", "type=inline", "type=local,dest=.cache,tag=app-linux-arm64"}
	if !tp.Part || !slices.Equal(imports, wantImports) || !slices.Equal(exports, wantExports) {
		t.Errorf("part: %v, imports %q, exports %q", tp.Part, imports, exports)
	}
	whole := mustPlan(t, src, Options{Push: true}).Targets[0]
	if whole.Part || len(whole.CacheImports) != 2 || whole.CacheExports[0].Attrs["ref"] != "localhost:5000/app:cache" || whole.CacheExports[2].Attrs["tag"] != "app" {
		t.Errorf("whole: %+v", whole)
	}
}

const secretsBuild = `
secret "token" {
  env = "TOKEN"
}
secret "netrc" {
  src = "secrets/netrc"
}
secret "optional" {
  env      = "OPTIONAL"
  required = false
}
secret "undeclared_src" {}
ssh "default" {}

target "base" {
  from = "busybox"
  run {
    command = "true"
    secret "netrc" {}
  }
}
target "app" {
  from = target.base
  run {
    command = "true"
    secret "token" {
      env = "TOKEN"
    }
    secret "optional" {}
    secret "undeclared_src" {}
    ssh "default" {}
  }
}
`

func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "secrets"), 0o755)
	env := map[string]string{"TOKEN": "t0ken", "SSH_AUTH_SOCK": filepath.Join(dir, "agent.sock")}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	allow := lang.Allow{Env: []string{"TOKEN"}, SSH: true}

	// Nothing but TOKEN: netrc's file is missing, undeclared_src has no
	// source, the agent socket does not exist; optional is optional.
	p := mustPlan(t, secretsBuild, Options{Targets: []string{"app"}, ContextDir: dir, LookupEnv: lookup, Allow: allow})
	err := p.Check()
	if err == nil {
		t.Fatal("Check passed with missing secrets")
	}
	msg := err.Error()
	for _, want := range []string{
		`secret "netrc" is required by target "base" ([base linux/`,
		"it cannot be read: reading " + filepath.Join(dir, "secrets/netrc") + ": no such file or directory (from the secret \"netrc\" block)",
		`secret "undeclared_src" is required by target "app"`,
		`its secret "undeclared_src" block names no env or src`,
		"--secret id=undeclared_src,src=FILE",
		`ssh "default" is required by target "app"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("Check error lacks %q:\n%s", want, msg)
		}
	}
	for _, unwanted := range []string{`secret "token"`, `secret "optional"`} {
		if strings.Contains(msg, unwanted) {
			t.Errorf("Check error mentions %s:\n%s", unwanted, msg)
		}
	}

	// With the file, a flag for the undeclared source and an agent: fine.
	os.WriteFile(filepath.Join(dir, "secrets/netrc"), []byte("machine x"), 0o600)
	os.WriteFile(env["SSH_AUTH_SOCK"], nil, 0o600)
	flag, _ := ParseSecret("id=undeclared_src,env=FROM_FLAG", lookup)
	env["FROM_FLAG"] = "f"
	p = mustPlan(t, secretsBuild, Options{Targets: []string{"app"}, ContextDir: dir, LookupEnv: lookup, Secrets: []SecretSource{flag}, Allow: allow})
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, s := range p.Secrets {
		values[s.ID] = string(s.value)
	}
	if values["token"] != "t0ken" || values["netrc"] != "machine x" || values["undeclared_src"] != "f" || values["optional"] != "" {
		t.Errorf("secret values: %q", values)
	}
	// A flag wins over the block.
	flag, _ = ParseSecret("id=token,env=FROM_FLAG", lookup)
	p = mustPlan(t, secretsBuild, Options{Targets: []string{"app"}, ContextDir: dir, LookupEnv: lookup, Secrets: []SecretSource{flag}, Allow: allow})
	for _, s := range p.Secrets {
		if s.ID == "token" && (string(s.value) != "f" || s.From != "--secret") {
			t.Errorf("token from %s = %q; want the flag's", s.From, s.value)
		}
	}
}

func TestLocalsAndEntitlements(t *testing.T) {
	src := `
target "app" {
  from    = "busybox"
  network = "host"
  copy {
    from = contexts.assets
    src  = ["logo.svg"]
    dest = "/"
  }
  copy {
    from = contexts.base
    src  = ["/etc/os-release"]
    dest = "/"
  }
  copy {
    src  = ["main.go"]
    dest = "/"
  }
  run {
    command = "true"
  }
}
`
	host := lang.Allow{Entitlements: []string{"network.host"}}
	p := mustPlan(t, src, Options{BuildContexts: map[string]string{"base": "docker-image://alpine:3.20"}, Allow: host})
	err := p.Check()
	if err == nil || !strings.Contains(err.Error(), "pass --build-context assets=DIR") {
		t.Errorf("missing named context: %v", err)
	}
	if p.Locals["context"] != "." || p.Images["base"] != "alpine:3.20" {
		t.Errorf("locals %v, images %v", p.Locals, p.Images)
	}
	if strings.Join(p.Entitlements, ",") != "network.host" {
		t.Errorf("entitlements %v", p.Entitlements)
	}
	dir := t.TempDir()
	p = mustPlan(t, src, Options{BuildContexts: map[string]string{"assets": dir, "base": "docker-image://alpine:3.20"}, Allow: host})
	if err := p.Check(); err != nil {
		t.Error(err)
	}
}

func TestTransientPushError(t *testing.T) {
	for msg, want := range map[string]bool{
		`failed to push localhost:5000/a:1: failed commit on ref "manifest-sha256:x": unexpected status from PUT request to http://127.0.0.1:1/v2/a/manifests/1: 503 Service Unavailable`: true,
		`failed to push r/a:1: unexpected status from PUT request to https://r/v2/a/manifests/1: 429 Too Many Requests`:                                                                   true,
		`failed to push r/a:1: write tcp 1.2.3.4:1->5.6.7.8:443: write: connection reset by peer`:                                                                                         true,
		`failed to push r/a:1: unexpected status from PUT request to https://r/v2/a/manifests/1: 400 Bad Request`:                                                                         false,
		`failed to push r/a:1: unexpected status from PUT request to https://r/v2/a/manifests/1: 401 Unauthorized`:                                                                        false,
		`process "/bin/sh -c make" did not complete successfully: exit code: 2`:                                                                                                           false,
		`failed to resolve source metadata for docker.io/library/x: 503 Service Unavailable`:                                                                                              false,
	} {
		if got := transientPushError(errors.New(msg)); got != want {
			t.Errorf("transientPushError(%q) = %v, want %v", msg, got, want)
		}
	}
}

func TestStepStats(t *testing.T) {
	s := newStepStats([]*compiler.Output{{Steps: []string{"[app linux/amd64 1/2] FROM busybox", "[app linux/amd64 2/2] RUN true"}}})
	s.update(&client.SolveStatus{
		Vertexes: []*client.Vertex{
			{Digest: "sha256:1", Name: "[app linux/amd64 1/2] FROM busybox", Cached: true},
			{Digest: "sha256:2", Name: "[app linux/amd64 2/2] RUN true"},
			{Digest: "sha256:3", Name: "exporting to image"},
		},
		Logs: []*client.VertexLog{
			{Vertex: "sha256:3", Data: []byte("error: unexpected status: 503 Service Unavailable\n")},
			{Vertex: "sha256:3", Data: []byte("retrying in 1s\n")},
		},
	})
	if total, cached := s.counts(); total != 2 || cached != 1 {
		t.Errorf("counts = %d, %d; want 2, 1", total, cached)
	}
	if r := s.registryRetries(); len(r) != 1 || r[0] != "unexpected status: 503 Service Unavailable" {
		t.Errorf("registry retries %q", r)
	}
}

func TestWriteMetadata(t *testing.T) {
	desc := base64.StdEncoding.EncodeToString([]byte(`{"digest":"sha256:abc","size":1}`))
	rep := &Report{Targets: []*TargetResult{
		{Target: &TargetPlan{Name: "app"}, Ref: "r1", Response: map[string]string{
			"containerimage.digest": "sha256:abc", "containerimage.descriptor": desc, "image.name": "a:1",
			"containerimage.config": base64.StdEncoding.EncodeToString([]byte(`{"config":{}}`)),
		}},
		{Target: &TargetPlan{Name: "bad"}, Ref: "r2", Err: errors.New("exit code: 1\nmore")},
	}}
	path := filepath.Join(t.TempDir(), "sub", "md.json")
	if err := rep.WriteMetadata(path); err != nil {
		t.Fatal(err)
	}
	dt, _ := os.ReadFile(path)
	var md map[string]map[string]any
	if err := json.Unmarshal(dt, &md); err != nil {
		t.Fatal(err)
	}
	if md["app"]["containerimage.digest"] != "sha256:abc" || md["app"]["buildlang.build.ref"] != "r1" || md["app"]["image.name"] != "a:1" {
		t.Errorf("app: %v", md["app"])
	}
	if d, ok := md["app"]["containerimage.descriptor"].(map[string]any); !ok || d["digest"] != "sha256:abc" {
		t.Errorf("descriptor not decoded: %v", md["app"]["containerimage.descriptor"])
	}
	if _, ok := md["app"]["containerimage.config"]; ok {
		t.Error("the image config is in the metadata")
	}
	if md["bad"]["buildlang.build.error"] != "exit code: 1" {
		t.Errorf("bad: %v", md["bad"])
	}
}
