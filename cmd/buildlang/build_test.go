package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/builder"
)

func noEnv(string) (string, bool) { return "", false }

func TestParseSecret(t *testing.T) {
	env := func(k string) (string, bool) {
		if k == "TOKEN" {
			return "x", true
		}
		return "", false
	}
	for _, tc := range []struct {
		in   string
		want builder.SecretSource
		err  string
	}{
		{in: "id=npm,src=secrets/npm", want: builder.SecretSource{ID: "npm", File: "secrets/npm"}},
		{in: "id=npm,source=/run/npm", want: builder.SecretSource{ID: "npm", File: "/run/npm"}},
		{in: "id=npm,env=NPM_TOKEN", want: builder.SecretSource{ID: "npm", Env: "NPM_TOKEN"}},
		{in: "id=npm,type=env,src=NPM_TOKEN", want: builder.SecretSource{ID: "npm", Env: "NPM_TOKEN"}},
		{in: "id=TOKEN,type=env", want: builder.SecretSource{ID: "TOKEN", Env: "TOKEN"}},
		{in: "id=npm,type=file,src=f", want: builder.SecretSource{ID: "npm", File: "f"}},
		// Neither src nor env: the variable named ID if set, else the file.
		{in: "id=TOKEN", want: builder.SecretSource{ID: "TOKEN", Env: "TOKEN"}},
		{in: "id=netrc", want: builder.SecretSource{ID: "netrc", File: "netrc"}},
		{in: `"id=a,b",src=f`, want: builder.SecretSource{ID: "a,b", File: "f"}},
		{in: "src=f", err: "missing id"},
		{in: "id=a,src=f,env=E", err: "either src or env"},
		{in: "id=a,type=ssh", err: `type "ssh"`},
		{in: "id=a,mode=0400", err: `unknown key "mode"`},
		{in: "id=a,src", err: "is not KEY=VALUE"},
		{in: "", err: "missing id"},
	} {
		got, err := builder.ParseSecret(tc.in, env)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseSecret(%q) = %+v, %v; want error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSecret(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseSSH(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want builder.SSHSource
		err  string
	}{
		{in: "default", want: builder.SSHSource{ID: "default"}},
		{in: "github", want: builder.SSHSource{ID: "github"}},
		{in: "default=/run/agent.sock", want: builder.SSHSource{ID: "default", Paths: []string{"/run/agent.sock"}}},
		{in: "keys=id_ed25519,id_rsa", want: builder.SSHSource{ID: "keys", Paths: []string{"id_ed25519", "id_rsa"}}},
		{in: "", err: "missing id"},
		{in: "=x", err: "missing id"},
		{in: "a,b", err: "one id per --ssh"},
		{in: "a=x,,y", err: "empty path"},
	} {
		got, err := builder.ParseSSH(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseSSH(%q) = %+v, %v; want error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseSSH(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseOutput(t *testing.T) {
	attrs := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		in   string
		want builder.Output
		err  string
	}{
		{in: "type=oci,dest=app.tar", want: builder.Output{Type: "oci", Attrs: attrs("dest", "app.tar")}},
		{in: "type=docker,dest=-,name=app:dev", want: builder.Output{Type: "docker", Attrs: attrs("dest", "-", "name", "app:dev")}},
		{in: "type=local,dest=out", want: builder.Output{Type: "local", Attrs: attrs("dest", "out")}},
		{in: "type=tar,output=x.tar", want: builder.Output{Type: "tar", Attrs: attrs("dest", "x.tar")}},
		{in: "type=image,name=r/a:1,push=true", want: builder.Output{Type: "image", Attrs: attrs("name", "r/a:1", "push", "true")}},
		{in: "type=registry", want: builder.Output{Type: "image", Attrs: attrs("push", "true")}},
		{in: `type=image,"name=r/a:1,r/a:2"`, want: builder.Output{Type: "image", Attrs: attrs("name", "r/a:1,r/a:2")}},
		{in: "type=cacheonly", want: builder.Output{Type: "none", Attrs: attrs()}},
		{in: "type=none", want: builder.Output{Type: "none", Attrs: attrs()}},
		{in: "dest=out", want: builder.Output{Type: "local", Attrs: attrs("dest", "out")}},
		{in: "out", want: builder.Output{Type: "local", Attrs: attrs("dest", "out")}},
		{in: "-", want: builder.Output{Type: "tar", Attrs: attrs("dest", "-")}},
		{in: "", err: "empty output"},
		{in: "type=oci", err: "needs dest"},
		{in: "type=local,dest=-", err: "writes a directory"},
		{in: "type=image,dest=x", err: "takes no dest"},
		{in: "type=zip,dest=x", err: `unknown type "zip"`},
		{in: "name=x", err: "missing type"},
		{in: "type=image,push=maybe", err: "push="},
		{in: "type=oci,dest", err: "is not KEY=VALUE"},
	} {
		got, err := builder.ParseOutput(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseOutput(%q) = %+v, %v; want error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseOutput(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		// String prints what ParseOutput reads back.
		if again, err := builder.ParseOutput(got.String()); err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("ParseOutput(%q).String() = %q reads back as %+v, %v", tc.in, got.String(), again, err)
		}
	}
}

func TestParseCache(t *testing.T) {
	for _, tc := range []struct {
		in     string
		export bool
		want   client.CacheOptionsEntry
		err    string
	}{
		{in: "type=local,src=.cache", want: client.CacheOptionsEntry{Type: "local", Attrs: map[string]string{"src": ".cache"}}},
		{in: "type=local,dest=.cache,mode=max", export: true, want: client.CacheOptionsEntry{Type: "local", Attrs: map[string]string{"dest": ".cache", "mode": "max"}}},
		{in: "type=registry,ref=r/app:cache", want: client.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": "r/app:cache"}}},
		{in: "r/app:cache", want: client.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": "r/app:cache"}}},
		{in: "type=inline", export: true, want: client.CacheOptionsEntry{Type: "inline", Attrs: map[string]string{}}},
		{in: "type=local,dest=x", err: "needs src"},
		{in: "type=local,src=x", export: true, err: "needs dest"},
		{in: "type=registry", err: "needs ref"},
		{in: "type=inline", err: "for exports"},
		{in: "type=floppy", err: "unknown cache type"},
		{in: "ref=x", err: "missing type"},
		{in: "", err: "empty"},
	} {
		got, err := builder.ParseCache(tc.in, tc.export)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseCache(%q, %v) = %+v, %v; want error with %q", tc.in, tc.export, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseCache(%q, %v) = %+v, %v; want %+v", tc.in, tc.export, got, err, tc.want)
		}
	}
}

func TestBuildFlagsToOptions(t *testing.T) {
	f := buildCLIFlags{
		plats:         []string{"linux/amd64", "arm64"},
		progress:      "plain",
		outputs:       []string{"type=oci,dest=out/{target}.tar"},
		secrets:       []string{"id=a,src=f"},
		ssh:           []string{"default"},
		cacheFrom:     []string{"type=local,src=c"},
		cacheTo:       []string{"type=local,dest=c"},
		buildContexts: []string{"assets=./assets", "base=docker-image://alpine:3.20"},
		push:          true,
	}
	o, err := f.options([]string{"app"}, []string{"sub/build.hcl"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Platforms) != 2 || o.Platforms[1].Architecture != "arm64" || !o.Push || o.ContextDir != "sub" ||
		len(o.Outputs) != 1 || len(o.Secrets) != 1 || len(o.SSH) != 1 || len(o.CacheFrom) != 1 || len(o.CacheTo) != 1 ||
		o.BuildContexts["base"] != "docker-image://alpine:3.20" || o.Targets[0] != "app" {
		t.Errorf("options = %+v", o)
	}
	for _, tc := range []struct {
		f   buildCLIFlags
		err string
	}{
		{buildCLIFlags{progress: "fancy"}, `--progress "fancy"`},
		{buildCLIFlags{progress: "auto", plats: []string{"linux/arm46"}}, `--platform "linux/arm46"`},
		{buildCLIFlags{progress: "auto", outputs: []string{"type=oci"}}, "needs dest"},
		{buildCLIFlags{progress: "auto", secrets: []string{"src=x"}}, "missing id"},
		{buildCLIFlags{progress: "auto", ssh: []string{""}}, "missing id"},
		{buildCLIFlags{progress: "auto", cacheTo: []string{"type=local"}}, "needs dest"},
		{buildCLIFlags{progress: "auto", buildContexts: []string{"x"}}, "NAME=DIR"},
	} {
		if _, err := tc.f.options(nil, nil, noEnv); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("options(%+v): %v; want error with %q", tc.f, err, tc.err)
		}
	}
}

// The binary: --dry-run prints the plan without a daemon, a missing
// required secret fails before connecting, bad flags exit 2.
func TestBuildCommand(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	err := os.WriteFile(filepath.Join(dir, "build.hcl"), []byte(`
secret "token" {
  env = "BUILDLANG_TEST_TOKEN"
}

cache "local" {
  import = [{ type = "local", src = ".cache" }]
  export = [{ type = "local", dest = ".cache", mode = "max" }]
}

target "app" {
  from      = "busybox"
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = ["localhost:5000/test/app:1"]
  cache     = cache.local
  run {
    command = "true"
    secret "token" {
      env = "TOKEN"
    }
  }
}

target "docs" {
  from   = "busybox"
  output = ["type=local,dest=site"]
}

group "default" {
  targets = [target.app, target.docs]
}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BUILDKIT_HOST", "unix:///nonexistent/buildkitd.sock")
	t.Setenv("BUILDLANG_TEST_TOKEN", "")
	os.Unsetenv("BUILDLANG_TEST_TOKEN")

	r := run(t, bin, dir, "build", "--dry-run", "--push")
	for _, want := range []string{
		"target app\n  platforms: linux/amd64,linux/arm64\n  tags:      localhost:5000/test/app:1\n",
		"output:    type=image,name=localhost:5000/test/app:1,push=true,registry.insecure=true\n",
		"cache-from: type=local,src=.cache,tag=app\n",
		"target docs\n",
		"output:    type=local,dest=site\n",
		"note:      not pushed: no tags\n",
		"secret token: required, for app, from env BUILDLANG_TEST_TOKEN (secret \"token\" block): the environment variable BUILDLANG_TEST_TOKEN is not set\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--dry-run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 1 || !strings.Contains(r.stderr, `secret "token" is required by target "app"`) {
		t.Errorf("--dry-run with a missing secret: exit %d\n%s", r.code, r.stderr)
	}

	r = run(t, bin, dir, "build", "docs")
	if r.code != 1 || !strings.Contains(r.stderr, "BuildKit at unix:///nonexistent/buildkitd.sock does not answer") {
		t.Errorf("unreachable daemon: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, bin, dir, "build", "--output", "type=oci,dest=app.tar")
	if r.code != 1 || !strings.Contains(r.stderr, "put {target} in the output's dest") {
		t.Errorf("one dest for two targets: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, bin, dir, "build", "--progress", "fancy")
	if r.code != 2 || !strings.Contains(r.stderr, `--progress "fancy"`) {
		t.Errorf("bad flag: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, bin, dir, "build", "nosuch")
	if r.code != 1 || !strings.Contains(r.stderr, "Unknown target") {
		t.Errorf("unknown target: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, bin, dir, "build", "--dry-run", "--output", "type=oci,dest=out/{target}.tar", "--cache-to", "type=inline")
	if r.code != 1 || !strings.Contains(r.stdout, "dest=out/docs.tar") || !strings.Contains(r.stdout, "cache-to:   type=inline") || strings.Contains(r.stdout, "policy local") {
		t.Errorf("--output with {target}, --cache-to: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// A build of one target is not refused because two of its siblings in
// the default group write one dest (check is; so is a build of both):
// only the targets of this build are compared.
func TestBuildBesideSiblingsCollision(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	err := os.WriteFile(filepath.Join(dir, "build.hcl"), []byte(`
group "default" {
  targets = [target.app, target.a, target.b]
}

target "app" {
  from = "busybox"
}

target "a" {
  from   = "busybox"
  output = ["type=local,dest=out"]
}

target "b" {
  from   = "busybox"
  output = ["type=local,dest=out"]
}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	const conflict = `Target "b" writes out, which target "a" writes too`
	r := run(t, bin, dir, "build", "--dry-run", "app")
	if r.code != 0 || !strings.Contains(r.stdout, "target app\n") || strings.Contains(r.stderr, conflict) {
		t.Errorf("build app: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// why --plan predicts a build: of app alone, as build app is.
	r = run(t, bin, dir, "why", "--plan", "app")
	if r.code != 0 || !strings.Contains(r.stdout, "app linux/") || strings.Contains(r.stderr, conflict) {
		t.Errorf("why --plan app: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"build", "--dry-run"}, {"build", "--dry-run", "a", "b"}, {"why", "--plan"}, {"check"}} {
		r := run(t, bin, dir, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "build.hcl line 17") || !strings.Contains(r.stderr, conflict) {
			t.Errorf("%q: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}
