package ci

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/org/buildlang/internal/e2eenv"
	"go.yaml.in/yaml/v3"
)

// scenario is what a CI run is started by: a branch push or a tag push.
type scenario struct {
	name, branch, tag, slug string
	env                     string   // the environment the recipe must select
	tags                    []string // the image tags it must push
	platforms               []string
}

var scenarios = []scenario{
	{name: "branch", branch: "feature/ci-recipes", slug: "feature-ci-recipes", env: "dev",
		tags: []string{"feature-ci-recipes"}, platforms: []string{"linux/amd64"}},
	{name: "tag", tag: "v1.2.3", slug: "v1-2-3", env: "prod",
		tags: []string{"1.2.3", "1.2", "1", "latest"}, platforms: []string{"linux/amd64", "linux/arm64"}},
}

// run is one recipe run: a copy of this directory as the repository, a
// home, a GOPATH holding the buildlang binary, and the variables a CI
// service sets.
type run struct {
	t        *testing.T
	e2e      *e2eenv.Env
	dir      string
	home     string
	registry string // REGISTRY, a repository prefix in the e2e registry
	base     map[string]string
	installs int // `go install .../cmd/buildlang@...` lines replaced
}

// installLine is how the recipes install buildlang; the test has built it
// into $GOPATH/bin already, as go install would.
var installLine = regexp.MustCompile(`(?m)^\s*go install github\.com/org/buildlang/cmd/buildlang@\S+\s*$`)

func TestRecipes(t *testing.T) {
	env := e2eenv.Require(t)
	if !env.HasPlatform("linux/arm64") {
		t.Fatalf("no linux/arm64 worker (platforms %v): prod builds need it; hack/e2e-env up registers qemu", env.Platforms)
	}
	gopath := t.TempDir()
	bin := filepath.Join(gopath, "bin", "buildlang")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/buildlang").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	for _, recipe := range []struct {
		name string
		run  func(*run, scenario)
	}{{"github-actions", (*run).github}, {"gitlab-ci", (*run).gitlab}} {
		for _, sc := range scenarios {
			t.Run(recipe.name+"/"+sc.name, func(t *testing.T) {
				r := &run{t: t, e2e: env, dir: copyDir(t, "."), home: t.TempDir(),
					registry: fmt.Sprintf("%s/ci-%s/%s", env.Registry, runID, recipe.name)}
				r.base = map[string]string{
					"PATH":     filepath.Join(gopath, "bin") + ":" + filepath.Dir(goBin) + ":/usr/local/bin:/usr/bin:/bin",
					"HOME":     r.home,
					"GOPATH":   gopath,
					"GOCACHE":  filepath.Join(r.home, "gocache"),
					"CI":       "true",
					"NO_COLOR": "1",
				}
				recipe.run(r, sc)
				if r.installs == 0 {
					t.Errorf("the recipe does not install buildlang with go install github.com/org/buildlang/cmd/buildlang@VERSION")
				}
				r.checkSARIF(filepath.Join(r.dir, "buildlang.sarif"))
				r.checkPushed(sc)
			})
		}
	}
}

// script is a step's shell script with the install line replaced.
func (r *run) script(s string) string {
	n := len(installLine.FindAllString(s, -1))
	r.installs += n
	return installLine.ReplaceAllString(s, ": buildlang is installed in $$GOPATH/bin by ci_test.go")
}

// bash runs a script as the CI services do (bash, -e, pipefail) in the
// repository with env, and fails the test when it fails.
func (r *run) bash(what, script string, env map[string]string) {
	r.t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = r.dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r.t.Logf("%s (%.1fs)", what, time.Since(start).Seconds())
	if err != nil {
		r.t.Fatalf("%s: %v\n%s", what, err, out)
	}
}

// ghExpr resolves the ${{ }} expressions the workflow uses.
var ghExpr = map[string]string{
	"github.repository_owner":   "owner",
	"github.actor":              "ci",
	"github.event_name":         "push",
	"secrets.GITHUB_TOKEN":      "token",
	"steps.buildx.outputs.name": "builder",
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

func (r *run) expand(s string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		e := exprRE.FindStringSubmatch(m)[1]
		v, ok := ghExpr[e]
		if !ok {
			r.t.Fatalf("the test does not know the expression %q", m)
		}
		return v
	})
}

type ghStep struct {
	Name string
	ID   string `yaml:"id"`
	Uses string
	Run  string
	If   string `yaml:"if"`
	With map[string]string
	Env  map[string]string
}

// github runs github-actions.yml's one job: run steps with bash, actions
// replaced by what they do, $GITHUB_ENV carried from step to step.
func (r *run) github(sc scenario) {
	var wf struct {
		Env  map[string]string
		Jobs map[string]struct {
			Env   map[string]string
			Steps []ghStep
		}
	}
	readYAML(r.t, "github-actions.yml", &wf)
	if len(wf.Jobs) != 1 {
		r.t.Fatalf("want one job, got %d", len(wf.Jobs))
	}
	ghEnv := filepath.Join(r.home, "github_env")
	if err := os.WriteFile(ghEnv, nil, 0o644); err != nil {
		r.t.Fatal(err)
	}
	vars := map[string]string{
		"GITHUB_ENV": ghEnv, "GITHUB_WORKSPACE": r.dir, "GITHUB_SHA": "0123abc", "GITHUB_EVENT_NAME": "push",
		"GITHUB_REF_TYPE": "branch", "GITHUB_REF_NAME": sc.branch, "GITHUB_ACTIONS": "true",
	}
	if sc.tag != "" {
		vars["GITHUB_REF_TYPE"], vars["GITHUB_REF_NAME"] = "tag", sc.tag
	}
	for k, v := range wf.Env {
		vars[k] = r.expand(v)
	}
	for _, job := range wf.Jobs {
		for k, v := range job.Env {
			vars[k] = r.expand(v)
		}
		// The registry is the e2e one; the login and the builder follow.
		vars["REGISTRY"] = r.registry
		for i, step := range job.Steps {
			what := fmt.Sprintf("step %d %s%s", i+1, step.Name, step.Uses)
			if step.Uses != "" {
				r.action(step)
				continue
			}
			if step.If != "" {
				r.t.Fatalf("%s: the test runs every run step; it does not evaluate if: %s", what, step.If)
			}
			env := maps(r.base, vars, readGitHubEnv(r.t, ghEnv))
			for k, v := range step.Env {
				env[k] = r.expand(v)
			}
			if _, ok := step.Env["BUILDKIT_HOST"]; ok {
				env["BUILDKIT_HOST"] = r.e2e.BuildkitHost // what setup-buildx gives
			}
			r.bash(what, r.script(step.Run), env)
		}
	}
	if got := readGitHubEnv(r.t, ghEnv)["BUILDLANG_ENV"]; got != sc.env {
		r.t.Errorf("the workflow selected --env %q, want %q", got, sc.env)
	}
}

// action does what a uses: step does, on this machine.
func (r *run) action(step ghStep) {
	uses, _, _ := strings.Cut(step.Uses, "@")
	switch uses {
	case "actions/checkout": // the repository is the working directory
	case "actions/setup-go": // go is on PATH, $GOPATH/bin too
	case "docker/setup-qemu-action":
		if !r.e2e.HasPlatform("linux/arm64") {
			r.t.Fatal("setup-qemu: the daemon has no linux/arm64 worker")
		}
	case "docker/setup-buildx-action":
		if step.ID != "buildx" {
			r.t.Fatalf("the build step reads steps.buildx.outputs.name: setup-buildx needs id: buildx, got %q", step.ID)
		}
	case "docker/login-action":
		r.dockerLogin(r.registryHost(), r.expand(step.With["username"]), r.expand(step.With["password"]))
	case "github/codeql-action/upload-sarif":
		if step.If != "always()" {
			r.t.Errorf("upload-sarif should run when the check fails too (if: always()), has if: %q", step.If)
		}
		r.checkSARIF(filepath.Join(r.dir, step.With["sarif_file"]))
	default:
		r.t.Fatalf("the test does not know what %s does on this machine", step.Uses)
	}
}

// registryHost is the host of the e2e registry, where the recipes log in.
func (r *run) registryHost() string { host, _, _ := strings.Cut(r.registry, "/"); return host }

// dockerLogin writes the credentials docker login would.
func (r *run) dockerLogin(host, user, password string) {
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	cfg := fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, host, auth)
	os.MkdirAll(filepath.Join(r.home, ".docker"), 0o700)
	if err := os.WriteFile(filepath.Join(r.home, ".docker", "config.json"), []byte(cfg), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// gitlab runs gitlab-ci.yml's jobs in stage order, each in a new shell:
// default before_script, then script; the buildkitd service is the e2e
// daemon and artifacts are checked to exist.
func (r *run) gitlab(sc scenario) {
	var doc map[string]yaml.Node
	readYAML(r.t, "gitlab-ci.yml", &doc)
	var top struct {
		Stages    []string
		Variables map[string]string
		Default   struct {
			Image        string
			BeforeScript []string `yaml:"before_script"`
			Services     []struct{ Name, Alias string }
		}
	}
	readYAML(r.t, "gitlab-ci.yml", &top)
	if !slices.ContainsFunc(top.Default.Services, func(s struct{ Name, Alias string }) bool {
		return strings.HasPrefix(s.Name, "moby/buildkit:") && strings.Contains(top.Variables["BUILDKIT_HOST"], s.Alias)
	}) {
		r.t.Fatalf("no buildkitd service that BUILDKIT_HOST names: %+v, %q", top.Default.Services, top.Variables["BUILDKIT_HOST"])
	}
	vars := map[string]string{
		"GITLAB_CI": "true", "CI_COMMIT_SHA": "0123abc", "CI_COMMIT_REF_SLUG": sc.slug,
		"CI_REGISTRY": r.registryHost(), "CI_REGISTRY_IMAGE": r.registry,
		"CI_REGISTRY_USER": "gitlab-ci-token", "CI_REGISTRY_PASSWORD": "token",
	}
	if sc.tag != "" {
		vars["CI_COMMIT_TAG"], vars["CI_COMMIT_REF_NAME"] = sc.tag, sc.tag
	} else {
		vars["CI_COMMIT_BRANCH"], vars["CI_COMMIT_REF_NAME"] = sc.branch, sc.branch
	}
	for k, v := range top.Variables {
		vars[k] = os.Expand(v, func(name string) string { return vars[name] })
	}
	vars["BUILDKIT_HOST"] = r.e2e.BuildkitHost // the service
	type job struct {
		name      string
		stage     int
		Stage     string
		Script    []string
		Artifacts struct{ Paths []string }
	}
	var jobs []job
	for name, node := range doc {
		if slices.Contains([]string{"stages", "variables", "default", "workflow", "include"}, name) {
			continue
		}
		var j job
		if err := node.Decode(&j); err != nil {
			r.t.Fatalf("job %s: %v", name, err)
		}
		j.name, j.stage = name, slices.Index(top.Stages, j.Stage)
		if j.stage < 0 {
			r.t.Fatalf("job %s: stage %q is not in stages %v", name, j.Stage, top.Stages)
		}
		jobs = append(jobs, j)
	}
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].stage < jobs[b].stage })
	for _, j := range jobs {
		script := strings.Join(append(slices.Clone(top.Default.BeforeScript), j.Script...), "\n")
		record := "trap 'echo \"BUILDLANG_ENV=${BUILDLANG_ENV:-}\" > .selected-env' EXIT\n"
		r.bash("job "+j.name, record+r.script(script), maps(r.base, vars))
		for _, p := range j.Artifacts.Paths {
			if _, err := os.Stat(filepath.Join(r.dir, p)); err != nil {
				r.t.Errorf("job %s: artifact %s: %v", j.name, p, err)
			}
		}
		if got, _ := os.ReadFile(filepath.Join(r.dir, ".selected-env")); strings.TrimSpace(string(got)) != "BUILDLANG_ENV="+sc.env {
			r.t.Errorf("job %s selected %s, want --env %s", j.name, got, sc.env)
		}
	}
}

// checkSARIF checks the check's SARIF report is one code scanning takes,
// from buildlang, with no findings for this clean project.
func (r *run) checkSARIF(path string) {
	r.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		r.t.Fatalf("SARIF: %v", err)
	}
	var s struct {
		Version string
		Runs    []struct {
			Tool    struct{ Driver struct{ Name string } }
			Results []json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &s); err != nil {
		r.t.Fatalf("SARIF %s: %v", path, err)
	}
	if s.Version != "2.1.0" || len(s.Runs) != 1 || s.Runs[0].Tool.Driver.Name != "buildlang" || len(s.Runs[0].Results) != 0 {
		r.t.Errorf("SARIF %s: version %q, runs %+v; want 2.1.0 from buildlang with no results", path, s.Version, s.Runs)
	}
}

// checkPushed checks the registry has the scenario's tags, each for its
// platforms, and the build cache.
func (r *run) checkPushed(sc scenario) {
	repo := r.registry + "/app"
	for _, tag := range sc.tags {
		ref, err := name.ParseReference(repo + ":" + tag)
		if err != nil {
			r.t.Fatal(err)
		}
		desc, err := remote.Get(ref)
		if err != nil {
			r.t.Errorf("%s was not pushed: %v", ref, err)
			continue
		}
		var got []string
		if desc.MediaType.IsIndex() {
			idx, err := desc.ImageIndex()
			if err != nil {
				r.t.Fatal(err)
			}
			im, err := idx.IndexManifest()
			if err != nil {
				r.t.Fatal(err)
			}
			for _, m := range im.Manifests {
				if m.Platform != nil && m.Platform.OS != "unknown" {
					got = append(got, m.Platform.OS+"/"+m.Platform.Architecture)
				}
			}
		} else {
			img, err := desc.Image()
			if err != nil {
				r.t.Fatal(err)
			}
			cf, err := img.ConfigFile()
			if err != nil {
				r.t.Fatal(err)
			}
			got = []string{cf.OS + "/" + cf.Architecture}
		}
		sort.Strings(got)
		if !slices.Equal(got, sc.platforms) {
			r.t.Errorf("%s is for %v, want %v", ref, got, sc.platforms)
		}
	}
	cache, _ := name.ParseReference(repo + ":buildcache")
	if _, err := remote.Get(cache); err != nil {
		r.t.Errorf("no registry cache at %s: %v", cache, err)
	}
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// readGitHubEnv reads what steps wrote to $GITHUB_ENV (NAME=value lines).
func readGitHubEnv(t *testing.T, path string) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.Contains(k, "<<") {
			t.Fatalf("$GITHUB_ENV line %q: the test reads NAME=value lines only", line)
		}
		out[k] = v
	}
	return out
}

// maps merges maps, later ones winning.
func maps(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// copyDir copies the recipes' project (this directory's files, not the
// test's) to a new directory: the repository a CI run checks out.
func copyDir(t *testing.T, src string) string {
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
