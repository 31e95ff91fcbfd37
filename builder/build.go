package builder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/containerd/platforms"
	"github.com/docker/cli/cli/config"
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	"github.com/moby/buildkit/frontend/dockerui"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/identity"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
	sessioncontent "github.com/moby/buildkit/session/content"
	"github.com/moby/buildkit/session/filesync"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
	"github.com/moby/buildkit/solver/result"
	"github.com/moby/patternmatcher/ignorefile"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/attest"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/solve"
	"github.com/org/buildlang/internal/diagtext"
	"github.com/org/buildlang/policy"
	"github.com/tonistiigi/fsutil"
)

// Report is the outcome of a build, one TargetResult per target in plan
// order, whether the build succeeded or not.
type Report struct {
	Targets []*TargetResult
	// Addr is the daemon's address; Daemonless is true when it was a
	// private one.
	Addr       string
	Daemonless bool
	// Node is the node's name in a multi-node build (--node), else "".
	Node string
}

// TargetResult is the outcome of one target.
type TargetResult struct {
	Target *TargetPlan
	// Node is the node that built it in a multi-node build, else "".
	Node string
	// Index is the digest of the index MergeParts pushed, for a part.
	Index string
	// NodeLost is true when it failed because its node stopped answering
	// (a multi-node build rebuilds it on another node).
	NodeLost bool
	// Ref is BuildKit's build reference (buildctl debug / history).
	Ref string
	// Response is the exporters' response: containerimage.digest,
	// image.name, containerimage.descriptor, ...
	Response map[string]string
	Digest   string
	// Steps and Cached count the compiled steps BuildKit ran or found in
	// its cache.
	Steps, Cached int
	Duration      time.Duration
	// Retries lists the transient push errors after which buildlang
	// solved (and pushed) again.
	Retries []string
	// RegistryRetries lists the registry errors BuildKit itself retried
	// (it retries 5xx and broken connections for about 7s per request).
	RegistryRetries []string
	// Solved, Images and Vertices are what the last solve compiled,
	// resolved and reported, for build records (solved.go).
	Solved   []*SolvedOutput
	Images   []ResolvedImage
	Vertices map[digest.Digest]client.Vertex
	Err      error
	// Canceled is true when the target was stopped because another one
	// failed or the build was interrupted.
	Canceled bool
}

// Run builds a checked plan made with Options.Connection, on that
// connection (the caller closes it): it solves every target concurrently
// from the plan's compiled outputs. The report is returned even when a
// target fails; err says which.
func Run(ctx context.Context, p *Plan) (*Report, error) {
	reps, err := RunAll(ctx, []*Plan{p})
	if len(reps) == 0 {
		return nil, err
	}
	return reps[0], err
}

// RunAll builds several checked, connected plans at once, each on its own
// connection (the nodes of a multi-node build), in one progress display:
// a target that fails cancels every plan's targets unless KeepGoing. The
// reports are in plan order; err summarizes every target.
func RunAll(ctx context.Context, plans []*Plan) ([]*Report, error) {
	defer func() {
		for _, p := range plans {
			p.closeSession()
		}
	}()
	for _, p := range plans {
		if p.opts.Connection == nil {
			return nil, errors.New("builder.Run: the plan was made without Options.Connection (a dry run's plan cannot be built)")
		}
		if err := p.Check(); err != nil {
			return nil, err
		}
	}
	opts := plans[0].opts
	bctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sctx, stopSession := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSession()
	prog, err := newProgress(opts.Stderr, opts.Progress)
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	var reps []*Report
	var startErr error
	for _, p := range plans {
		conn := p.opts.Connection
		rep := &Report{Addr: conn.Addr, Daemonless: conn.Daemon != nil, Node: p.opts.Node}
		reps = append(reps, rep)
		if err := p.start(bctx, sctx, cancel, prog, rep, &wg); err != nil {
			startErr = err
			cancel(err)
			break
		}
	}
	wg.Wait()
	prog.close()
	printWarnings(opts.Stderr, append(diagnosticWarnings(opts.Warnings), prog.warnings...))
	if startErr != nil {
		return reps, startErr
	}
	all := &Report{}
	for _, r := range reps {
		all.Targets = append(all.Targets, r.Targets...)
	}
	return reps, buildError(ctx, all)
}

type runner struct {
	plan     *Plan
	c        *client.Client
	attach   []session.Attachable
	progress *progress
}

// start starts solving a plan's targets (wg counts them): bctx cancels
// them, sctx outlives them for the session sending local directories.
func (p *Plan) start(bctx, sctx context.Context, cancel context.CancelCauseFunc, prog *progress, rep *Report, wg *sync.WaitGroup) error {
	opts := p.opts
	c := opts.Connection.Client
	r := &runner{plan: p, c: c, progress: prog}
	var err error
	if r.attach, err = p.attachables(); err != nil {
		return err
	}
	// One session serves the build context and every named local to all
	// targets' solves, so each directory is sent once (buildx bake does the
	// same for targets sharing a context). Each solve has its own session
	// too, for its outputs: BuildKit addresses a file or directory export
	// by the exporter's index within a solve.
	if len(p.Locals) > 0 || len(p.Layouts) > 0 {
		if err := p.allowLocals(); err != nil {
			return err
		}
		go func() {
			// Solves wait for the session; if it cannot run, stop them.
			if err := p.session.Run(sctx, c.Dialer()); err != nil && sctx.Err() == nil {
				cancel(fmt.Errorf("the session sending local directories failed: %w", err))
			}
		}()
	}
	for _, t := range p.Targets {
		res := &TargetResult{Target: t, Node: opts.Node}
		rep.Targets = append(rep.Targets, res)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.buildTarget(bctx, res)
			if res.Err != nil && !res.Canceled && opts.Node != "" {
				res.NodeLost = !answers(opts.Connection)
				res.Err = fmt.Errorf("on node %s (%s): %w", opts.Node, opts.Connection.Addr, res.Err)
			}
			// A node that stopped answering cancels nothing: its targets
			// are rebuilt elsewhere.
			if res.Err != nil && !res.Canceled && !opts.KeepGoing && !res.NodeLost {
				cancel(fmt.Errorf("target %q failed", t.Name))
			}
		}()
	}
	return nil
}

// answers says whether a daemon still answers, within 5 seconds.
func answers(c *Connection) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Client.ListWorkers(ctx)
	return err == nil
}

// ReportError is the error of a report's targets, as Run gives it: nil
// when every target was built.
func ReportError(ctx context.Context, rep *Report) error { return buildError(ctx, rep) }

// buildError summarizes the failed targets.
func buildError(ctx context.Context, rep *Report) error {
	var failed, canceled []string
	var first error
	for _, t := range rep.Targets {
		switch {
		case t.Err == nil:
		case t.Canceled:
			canceled = append(canceled, t.Target.Name)
		default:
			failed = append(failed, t.Target.Name)
			if first == nil {
				first = t.Err
			}
		}
	}
	if first == nil && len(canceled) == 0 {
		return nil
	}
	if ctx.Err() != nil {
		return &BuildError{Interrupted: true, Canceled: append(failed, canceled...), cause: context.Cause(ctx)}
	}
	if first == nil {
		return &BuildError{Canceled: canceled, cause: context.Canceled}
	}
	return &BuildError{Failed: failed, Canceled: canceled, cause: first}
}

// BuildError says which targets failed and which were canceled.
type BuildError struct {
	Failed, Canceled []string
	Interrupted      bool
	cause            error
}

func (e *BuildError) Error() string {
	if e.Interrupted {
		msg := "build interrupted"
		if len(e.Canceled) > 0 {
			msg += "; canceled " + quoteJoin(e.Canceled)
		}
		return msg
	}
	if len(e.Failed) == 0 {
		return "canceled " + quoteJoin(e.Canceled)
	}
	msg := fmt.Sprintf("target %s failed: %v", quoteJoin(e.Failed[:1]), e.cause)
	if len(e.Failed) > 1 {
		msg += fmt.Sprintf(" (also failed: %s)", quoteJoin(e.Failed[1:]))
	}
	if len(e.Canceled) > 0 {
		msg += fmt.Sprintf("; canceled %s (use --keep-going to let other targets finish)", quoteJoin(e.Canceled))
	}
	return msg
}

func (e *BuildError) Unwrap() error { return e.cause }

// attachables are the session services every solve offers: registry
// credentials from the docker config, the secrets and the SSH agents.
func (p *Plan) attachables() ([]session.Attachable, error) {
	as := p.registryAuth()
	secrets := map[string][]byte{}
	for _, s := range p.Secrets {
		if s.Source != nil && s.Problem == "" {
			secrets[s.ID] = s.value
		}
	}
	as = append(as, secretsprovider.FromMap(secrets))
	var agents []sshprovider.AgentConfig
	for _, s := range p.SSH {
		if s.Source != nil && s.Problem == "" {
			agents = append(agents, sshprovider.AgentConfig{ID: s.ID, Paths: s.Source.Paths})
		}
	}
	if len(agents) > 0 {
		a, err := sshprovider.NewSSHAgentProvider(agents)
		if err != nil {
			return nil, fmt.Errorf("forwarding ssh: %w", err)
		}
		as = append(as, a)
	}
	return as, nil
}

// registryAuth is the session service giving registry credentials from
// the docker config.
func (p *Plan) registryAuth() []session.Attachable {
	cfg := config.LoadDefaultConfigFile(io.Discard)
	return []session.Attachable{authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{
		AuthConfigProvider: authprovider.LoadAuthConfig(cfg),
	})}
}

// allowLocals lets the plan's session send its local directories and the
// blobs of its OCI layout contexts.
func (p *Plan) allowLocals() error {
	dirs := filesync.StaticDirSource{}
	for name, dir := range p.Locals {
		fs, err := fsutil.NewFS(dir)
		if err != nil {
			return fmt.Errorf("local %q: %w", name, err)
		}
		dirs[name] = fs
	}
	p.session.Allow(filesync.NewFSSyncProvider(dirs))
	if len(p.Layouts) > 0 {
		p.session.Allow(sessioncontent.NewAttachable(p.ociStores()))
	}
	return nil
}

// closeSession closes the session of a connected plan, once it is no
// longer needed (built, or refused).
func (p *Plan) closeSession() {
	if p.session != nil {
		p.session.Close()
	}
}

func dockerignore(dir string) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
	f, err := os.Open(filepath.Join(dir, ".dockerignore"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	return ignorefile.ReadAll(f)
}

// buildTarget solves one target, retrying a push that failed with a
// transient registry error. The solve is repeated whole; what was built
// before comes from BuildKit's cache.
func (r *runner) buildTarget(ctx context.Context, res *TargetResult) {
	opts := r.plan.opts
	t := res.Target
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	delay := opts.RetryDelay
	for attempt := 1; ; attempt++ {
		stats := newStepStats(t.compiled.outputs)
		var solved solvedOutputs
		resp, ref, err := r.solve(ctx, t, stats, &solved)
		res.Ref = ref
		res.Steps, res.Cached = stats.counts()
		res.Solved, res.Images, res.Vertices = solved.list(), t.compiled.images, stats.vertexStates()
		res.RegistryRetries = append(res.RegistryRetries, stats.registryRetries()...)
		if err == nil {
			res.Response = resp.ExporterResponse
			res.Digest = resp.ExporterResponse[exptypes.ExporterImageDigestKey]
			res.Err = nil
			return
		}
		res.Err = withDeviceHint(err)
		if ctx.Err() != nil {
			res.Canceled = true
			return
		}
		if !t.Push() || attempt >= opts.PushAttempts || !transientPushError(err) {
			return
		}
		reason := firstLine(err.Error())
		res.Retries = append(res.Retries, reason)
		fmt.Fprintf(opts.Stderr, "buildlang: target %q: push failed with a transient registry error, retrying in %s (attempt %d of %d): %s\n",
			t.Name, delay, attempt+1, opts.PushAttempts, reason)
		select {
		case <-ctx.Done():
			res.Canceled = true
			return
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// solve runs one client.Build for a target: the gateway function solves
// each platform the plan compiled and returns one result (a manifest list
// for several).
func (r *runner) solve(ctx context.Context, t *TargetPlan, stats *stepStats, solved *solvedOutputs) (*client.SolveResponse, string, error) {
	exports, err := r.exports(t)
	if err != nil {
		return nil, "", err
	}
	ref := identity.NewID()
	so := client.SolveOpt{
		Exports:             exports,
		CacheImports:        cloneEntries(t.CacheImports),
		CacheExports:        cloneEntries(t.CacheExports),
		Session:             r.attach,
		AllowedEntitlements: r.plan.Entitlements,
		// build.lock's pins and the environment's policy, enforced by
		// BuildKit for every source of the solve, spelled or not.
		SourcePolicy: policy.ForBuild(r.plan.Build),
		Ref:          ref,
		// The platforms asked for; exporters check the result against them.
		FrontendAttrs: r.frontendAttrs(t),
	}
	ch := r.progress.attach(stats)
	resp, err := r.c.Build(ctx, so, "buildlang", r.buildFunc(t, solved), ch)
	return resp, ref, r.explainPolicy(err)
}

// explainPolicy says which policy BuildKit enforced when it refuses a
// source: the refusal comes from the daemon as text.
func (r *runner) explainPolicy(err error) error {
	b := r.plan.Build
	if err == nil || !strings.Contains(err.Error(), "denied by policy") {
		return err
	}
	if b.Env.Policy != "" {
		return fmt.Errorf("%w (policy %s of environment %q refuses this source; BuildKit enforces it as a source policy)", err, b.Env.Policy, b.Env.Name)
	}
	return err
}

// frontendAttrs are the solve's frontend attributes: the platforms asked
// for (exporters check the result against them) and the attestations
// asked for. (BuildKit records request parameters in provenance only for
// frontend solves, not for a client-side build like this one, so the
// environment and variables are not sent here: the invocation attestation
// records them.)
func (r *runner) frontendAttrs(t *TargetPlan) map[string]string {
	attrs := map[string]string{"platform": formatPlatforms(t.Platforms)}
	for k, v := range r.attestAttrs(t) {
		attrs[k] = v
	}
	return attrs
}

// attestAttrs are the attest:* attributes of a target: the flags over the
// target's attest (errors were reported when the plan was made).
func (r *runner) attestAttrs(t *TargetPlan) map[string]string {
	attrs, _ := r.plan.attestAttrs(t)
	return attrs
}

// attestAttrs are a target's attest:* attributes, and an error when the
// environment's policy requires an attestation the flags turn off.
func (p *Plan) attestAttrs(t *TargetPlan) (map[string]string, error) {
	var d attest.Defaults
	if len(t.Platforms) > 0 {
		if spec, _ := p.Build.Resolve(t.Name, t.Platforms[0]); spec != nil {
			d = attest.Defaults{SBOM: spec.Attest.SBOM, Provenance: spec.Attest.Provenance}
		}
	}
	attrs, err := attest.FrontendAttrs(p.opts.Attest, d)
	if err != nil {
		return nil, err
	}
	if pol := p.Build.Policy(p.Build.Env.Policy); pol != nil {
		for _, kind := range pol.Attestations {
			if _, ok := attrs["attest:"+kind]; !ok {
				return nil, fmt.Errorf("target %q: policy %s of environment %q requires %s attestations, which the flags turn off", t.Name, pol.Name, p.Build.Env.Name, kind)
			}
		}
	}
	return attrs, nil
}

// buildFunc solves each platform the plan compiled for t and assembles
// the result as the frontend does (solve.Build): dockerui reads the
// platforms and the cache imports client.Build passed to the gateway.
func (r *runner) buildFunc(t *TargetPlan, solved *solvedOutputs) gateway.BuildFunc {
	return func(ctx context.Context, gw gateway.Client) (*gateway.Result, error) {
		p := r.plan
		warn(ctx, gw, p.Build.Files, t.compiled.warnings)
		bc, err := dockerui.NewClient(gw)
		if err != nil {
			return nil, err
		}
		attAttrs, err := p.attestAttrs(t)
		if err != nil {
			return nil, err
		}
		scanner, err := attest.NewScanner(ctx, gw, attAttrs, p.Build.BuildPlatform)
		if err != nil {
			return nil, err
		}
		provenance, err := attest.ProvenanceMode(attAttrs)
		if err != nil {
			return nil, err
		}
		var invocation func(ctx context.Context, pl ocispecs.Platform) ([]result.Attestation[gateway.Reference], error)
		if provenance != "" {
			invocation = func(ctx context.Context, pl ocispecs.Platform) ([]result.Attestation[gateway.Reference], error) {
				inv, err := p.invocation(t, pl, provenance).Attestation(ctx, gw)
				if err != nil {
					return nil, err
				}
				return []result.Attestation[gateway.Reference]{*inv}, nil
			}
		}
		outputs := map[string]*compiler.Output{}
		for _, out := range t.compiled.outputs {
			outputs[platformID(out.Platform)] = out
		}
		return solve.Build(ctx, gw, bc, solve.Options{
			Output: func(_ context.Context, pl ocispecs.Platform) (*compiler.Output, error) {
				if out := outputs[platformID(pl)]; out != nil {
					return out, nil
				}
				return nil, fmt.Errorf("target %q was not compiled for %s", t.Name, platformID(pl))
			},
			Epoch:   p.opts.Epoch,
			Scanner: scanner,
			Attest:  invocation,
			Solved:  solved.add,
		})
	}
}

// invocation is what this build of t for plat was asked, for the
// invocation attestation beside BuildKit's provenance (which records
// request parameters only for frontend solves): the files, the target,
// the environment and every variable, sensitive ones without their value,
// and in min mode none with a value (as min provenance leaves out build
// args).
func (p *Plan) invocation(t *TargetPlan, plat ocispecs.Platform, mode string) *attest.Invocation {
	b := p.Build
	inv := &attest.Invocation{
		Files:       slices.Clone(b.FileOrder),
		Target:      t.Name,
		Platform:    platformID(plat),
		Environment: b.Env.Name,
		Variables:   map[string]attest.InvocationVar{},
		Complete:    mode == "max",
	}
	for _, v := range b.Variables {
		iv := attest.InvocationVar{Source: string(v.Source), Sensitive: v.Sensitive}
		if inv.Complete && !v.Sensitive {
			val := v.ValueString()
			iv.Value = &val
		}
		inv.Variables[v.Name] = iv
	}
	return inv
}

func platformID(p ocispecs.Platform) string {
	return platforms.FormatAll(platforms.Normalize(p))
}

// exports turns a target's outputs into exporters; files are created when
// BuildKit sends them.
func (r *runner) exports(t *TargetPlan) ([]client.ExportEntry, error) {
	var out []client.ExportEntry
	for _, o := range t.Outputs {
		attrs := map[string]string{}
		for k, v := range o.Attrs {
			if k != "dest" {
				attrs[k] = v
			}
		}
		dest := o.Attrs["dest"]
		if e := r.plan.opts.Epoch; e != nil && (o.Type == OutputImage || o.Type == OutputOCI || o.Type == OutputDocker) {
			setDefault(attrs, "source-date-epoch", strconv.FormatInt(e.Unix(), 10))
			setDefault(attrs, "rewrite-timestamp", "true")
		}
		e := client.ExportEntry{Type: o.Type, Attrs: attrs}
		switch o.Type {
		case OutputImage:
			e.Type = client.ExporterImage
		case OutputLocal:
			e.OutputDir = dest
		case OutputOCI, OutputDocker, OutputTar:
			if o.Type == OutputDocker && attrs["name"] == "" && len(t.Tags) > 0 {
				attrs["name"] = strings.Join(t.Tags, ",")
			}
			if o.Type != OutputTar && attrs["tar"] == "false" {
				e.OutputDir = dest
			} else {
				e.Output = fileOutput(dest, r.plan.opts.Stdout)
			}
		default:
			return nil, fmt.Errorf("target %q: output type %q", t.Name, o.Type)
		}
		out = append(out, e)
	}
	return out, nil
}

// setDefault sets m[k] unless the user set it.
func setDefault(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func fileOutput(dest string, stdout io.Writer) func(map[string]string) (io.WriteCloser, error) {
	return func(map[string]string) (io.WriteCloser, error) {
		if dest == "-" {
			return nopCloser{stdout}, nil
		}
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return nil, err
		}
		return os.Create(dest)
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// transientPushError reports whether a failed solve failed while pushing,
// with an error a registry may not give next time: 5xx, 429, or a broken
// connection.
func transientPushError(err error) bool {
	msg := strings.ToLower(err.Error())
	if !strings.Contains(msg, "push") && !strings.Contains(msg, "unexpected status from put") &&
		!strings.Contains(msg, "unexpected status from post") && !strings.Contains(msg, "unexpected status from patch") {
		return false
	}
	for _, s := range []string{
		"500 internal server error", "502 bad gateway", "503 service unavailable", "504 gateway timeout",
		"429 too many requests", ": 500", ": 502", ": 503", ": 504", ": 429",
		"connection reset by peer", "broken pipe", "i/o timeout", "unexpected eof", "tls handshake timeout",
		"server misbehaving", "connection refused",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// diagnosticsError formats compile diagnostics the way the CLI prints them.
func diagnosticsError(files map[string]*hcl.File, diags hcl.Diagnostics) error {
	var b bytes.Buffer
	wr := diagtext.NewWriter(&b, files, 0, false)
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	_ = wr.WriteDiagnostics(errs)
	return fmt.Errorf("%s", strings.TrimSpace(b.String()))
}
