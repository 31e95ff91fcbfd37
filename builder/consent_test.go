package builder

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/lang"
)

// planDiags plans src, written as build.hcl into opts.ContextDir, and
// returns the plan with its diagnostics.
func planDiags(t *testing.T, src string, opts Options, hostEnv map[string]string) (*Plan, hcl.Diagnostics) {
	t.Helper()
	name := filepath.Join(opts.ContextDir, "build.hcl")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	lookup := func(k string) (string, bool) { v, ok := hostEnv[k]; return v, ok }
	b, diags := lang.Load(lang.OSFiles{}, []string{name}, lang.Options{HostEnv: lookup, Allow: opts.Allow})
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	opts.LookupEnv = lookup
	p, diags, err := NewPlan(t.Context(), b, &opts)
	if err != nil {
		t.Fatal(err)
	}
	return p, diags
}

// summaries lists diagnostics as "file:line: summary [flag]" with the
// directory replaced by DIR, for comparison.
func summaries(diags hcl.Diagnostics, dir string) []string {
	var out []string
	for _, d := range diags {
		flag := ""
		if i := strings.Index(d.Detail, "pass --allow "); i >= 0 {
			flag = strings.TrimRight(strings.Fields(d.Detail[i+len("pass --allow "):])[0], ",.")
		}
		out = append(out, strings.ReplaceAll(fmt.Sprintf("%s:%d: %s [%s]", filepath.Base(d.Subject.Filename), d.Subject.Start.Line, d.Summary, flag), dir, "DIR"))
	}
	return out
}

const privilegedBuild = `
target "app" {
  from = "busybox"
  run {
    command = "ip addr"
    network = "host"
  }
  run {
    command  = "mount"
    security = "insecure"
  }
}
`

// Entitlements the steps need are refused, step by step, until granted;
// the daemon is asked only for granted ones.
func TestConsentEntitlements(t *testing.T) {
	dir := t.TempDir()
	p, diags := planDiags(t, privilegedBuild, Options{ContextDir: dir}, nil)
	want := []string{
		"build.hcl:4: Entitlement network.host not granted [network.host]",
		"build.hcl:8: Entitlement security.insecure not granted [security.insecure]",
	}
	if got := summaries(diags, dir); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	err := p.Check()
	if err == nil || !strings.Contains(err.Error(), "pass --allow network.host --allow security.insecure") {
		t.Errorf("Check: %v", err)
	}
	if len(p.Entitlements) != 0 {
		t.Errorf("asks the daemon for %v without consent", p.Entitlements)
	}

	allow, err := lang.ParseAllow([]string{"network.host", "security.insecure"})
	if err != nil {
		t.Fatal(err)
	}
	p, diags = planDiags(t, privilegedBuild, Options{ContextDir: dir, Allow: allow}, nil)
	if len(diags) > 0 || p.Check() != nil {
		t.Errorf("granted: %v, %v", diags, p.Check())
	}
	if !slices.Equal(p.Entitlements, []string{"network.host", "security.insecure"}) {
		t.Errorf("entitlements %v", p.Entitlements)
	}
}

// A step's CDI devices: the daemon is asked for the device entitlement
// only as --allow grants it (every device, or the one named), and a
// device not granted is no refusal (buildkitd's CDI spec may allow it).
func TestConsentDevices(t *testing.T) {
	const src = `
target "app" {
  from = "busybox"
  run {
    command = "nvidia-smi"
    device "vendor.test/fake=dev0" {}
    device "vendor.test/fake=dev1" {
      required = true
    }
  }
}
`
	dir := t.TempDir()
	for _, c := range []struct {
		allow []string
		want  []string
	}{
		{nil, nil},
		{[]string{"device"}, []string{"device"}},
		{[]string{"device=*"}, []string{"device"}},
		{[]string{"device=vendor.test/fake=dev1"}, []string{"device=vendor.test/fake=dev1"}},
		{[]string{"device=vendor.test/fake=dev1", "device=vendor.test/fake=dev0"}, []string{"device=vendor.test/fake=dev0", "device=vendor.test/fake=dev1"}},
		{[]string{"device=vendor.test/other=gpu"}, nil},
		{[]string{"network.host"}, nil},
	} {
		allow, err := lang.ParseAllow(c.allow)
		if err != nil {
			t.Fatal(err)
		}
		p, diags := planDiags(t, src, Options{ContextDir: dir, Allow: allow}, nil)
		if len(diags) > 0 || p.Check() != nil {
			t.Errorf("--allow %v: refused: %v, %v", c.allow, diags, p.Check())
		}
		if !slices.Equal(p.Entitlements, c.want) {
			t.Errorf("--allow %v: asks the daemon for %v, want %v", c.allow, p.Entitlements, c.want)
		}
	}
}

// A build file reads host files outside the build context, host
// variables and the ssh agent only with consent; a refused file is not
// read at all.
func TestConsentHostAccess(t *testing.T) {
	root := t.TempDir()
	ctx, outside := filepath.Join(root, "ctx"), filepath.Join(root, "home")
	for _, d := range []string{ctx, outside} {
		os.MkdirAll(d, 0o755)
	}
	key := filepath.Join(outside, "id_rsa")
	os.WriteFile(key, []byte("PRIVATE KEY"), 0o600)
	os.WriteFile(filepath.Join(ctx, "inside.txt"), []byte("inside"), 0o600)
	// A link in the context to a file outside it is outside.
	os.Symlink(key, filepath.Join(ctx, "link"))
	sock := filepath.Join(outside, "agent.sock")
	os.WriteFile(sock, nil, 0o600)
	src := fmt.Sprintf(`
variable "REGISTRY" {
  env     = "CI_REGISTRY"
  default = "localhost:5000"
}
secret "key" {
  src = %q
}
secret "linked" {
  src = "link"
}
secret "inside" {
  src = "inside.txt"
}
secret "token" {
  env = "NPM_TOKEN"
}
secret "unset" {
  env      = "UNSET_TOKEN"
  required = false
}
ssh "default" {}
ssh "keys" {
  paths = [%q]
}
cache "c" {
  import = [{ type = "local", src = %q }]
  export = [{ type = "local", dest = %q }]
}
target "app" {
  from   = "busybox"
  tags   = ["${var.REGISTRY}/app"]
  cache  = cache.c
  output = ["type=local,dest=%s/out"]
  run {
    command = "true"
    secret "key" {}
    secret "linked" {}
    secret "inside" {}
    secret "token" {}
    secret "unset" {}
    ssh "default" {}
    ssh "keys" {}
  }
}
`, key, key, filepath.Join(outside, "cache"), filepath.Join(outside, "cache"), outside)
	// (CI_REGISTRY, a variable's host variable, is refused by lang as it
	// loads: lang/testdata/check/var-hostenv-consent.txtar.)
	host := map[string]string{"NPM_TOKEN": "npm", "SSH_AUTH_SOCK": sock}

	p, diags := planDiags(t, src, Options{ContextDir: ctx}, host)
	want := []string{
		"build.hcl:30: Writing outside the build context needs consent [fs.write=DIR/home/out]",
		"build.hcl:26: Reading outside the build context needs consent [fs.read=DIR/home/cache]",
		"build.hcl:26: Writing outside the build context needs consent [fs.write=DIR/home/cache]",
		"build.hcl:6: Reading outside the build context needs consent [fs.read=DIR/home/id_rsa]",
		"build.hcl:9: Reading outside the build context needs consent [fs.read=DIR/ctx/link]",
		"build.hcl:15: Reading a host environment variable needs consent [env=NPM_TOKEN]",
		"build.hcl:22: Forwarding the ssh agent needs consent [ssh]",
		"build.hcl:23: Reading outside the build context needs consent [fs.read=DIR/home/id_rsa]",
	}
	if got := summaries(diags, root); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range p.Secrets {
		if s.ID != "inside" && s.value != nil {
			t.Errorf("refused secret %q was read: %q", s.ID, s.value)
		}
	}
	if p.Check() == nil {
		t.Error("Check passed without consent")
	}

	// Granted on the command line: everything is read.
	allow, err := lang.ParseAllow([]string{"env=CI_REGISTRY", "env=NPM_TOKEN", "ssh", "fs.read=" + outside, "fs.write=" + outside})
	if err != nil {
		t.Fatal(err)
	}
	p, diags = planDiags(t, src, Options{ContextDir: ctx, Allow: allow}, host)
	if len(diags) > 0 {
		t.Fatalf("granted: %v", diags)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, s := range p.Secrets {
		values[s.ID] = string(s.value)
	}
	if values["key"] != "PRIVATE KEY" || values["linked"] != "PRIVATE KEY" || values["token"] != "npm" || values["inside"] != "inside" {
		t.Errorf("values %q", values)
	}

	// What the command line names itself needs nothing more.
	flagKey, _ := ParseSecret("id=key,src="+key, nil)
	flagLinked, _ := ParseSecret("id=linked,src="+key, nil)
	flagToken, _ := ParseSecret("id=token,env=NPM_TOKEN", nil)
	agent, _ := ParseSSH("default")
	keys, _ := ParseSSH("keys=" + key)
	cacheFrom, _ := ParseCache("type=local,src="+outside, false)
	cacheTo, _ := ParseCache("type=local,dest="+outside, true)
	out, _ := ParseOutput("type=local,dest=" + outside)
	p, diags = planDiags(t, src, Options{ContextDir: ctx, Secrets: []SecretSource{flagKey, flagLinked, flagToken},
		SSH: []SSHSource{agent, keys}, CacheFrom: []client.CacheOptionsEntry{cacheFrom}, CacheTo: []client.CacheOptionsEntry{cacheTo}, Outputs: []Output{out}}, map[string]string{"NPM_TOKEN": "npm", "SSH_AUTH_SOCK": sock})
	if len(diags) > 0 || p.Check() != nil {
		t.Errorf("command line: %v, %v", diags, p.Check())
	}
}

// The sample of spec/language.md, "buildlang build asks for consent".
func TestConsentSpecSample(t *testing.T) {
	src := `
secret "key" {
  src = "/root/.ssh/id_rsa"
}

target "app" {
  from = "alpine:3.20"
  run {
    command = "ssh-keygen -y -f /run/secrets/key"
    secret "key" {}
  }
}
`
	dir := t.TempDir()
	p, diags := planDiags(t, src, Options{ContextDir: dir}, nil)
	if got := summaries(diags, dir); !slices.Equal(got, []string{"build.hcl:2: Reading outside the build context needs consent [fs.read=/root/.ssh/id_rsa]"}) {
		t.Errorf("diagnostics %q", got)
	}
	if err := p.Check(); err == nil || !strings.HasSuffix(err.Error(), "pass --allow fs.read=/root/.ssh/id_rsa") {
		t.Errorf("Check: %v", err)
	}
	allow, _ := lang.ParseAllow([]string{"fs.read=/root/.ssh/id_rsa"})
	if _, diags := planDiags(t, src, Options{ContextDir: dir, Allow: allow}, nil); len(diags) > 0 {
		t.Errorf("granted: %v", diags)
	}
}
