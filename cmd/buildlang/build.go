package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/attest"
	"github.com/org/buildlang/builder"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/records"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() { addCommand(buildCommand) }

// buildCLIFlags are the build command's own flags, as given.
type buildCLIFlags struct {
	plats                  []string
	push, noCache, dryRun  bool
	keepGoing              bool
	outputs                []string
	progress               string
	addr                   string
	tlsCA, tlsCert, tlsKey string
	tlsServerName          string
	secrets, ssh           []string
	cacheFrom, cacheTo     []string
	metadataFile           string
	contextDir             string
	buildContexts          []string
	nodes                  []string
	builder                string
	targets                []string
	sourceDateEpoch        string
	attest                 attest.Flags
}

func buildCommand() *cobra.Command {
	var bf buildFlags
	var f buildCLIFlags
	cmd := &cobra.Command{
		Use:   "build [-f FILE]... [TARGET|GROUP]... [--target T]... [flags]",
		Short: "Build targets with BuildKit: push, export, cache, in parallel",
		Long: `Build compiles the named targets and groups (default: the "default" group,
else every target) and builds them, and each of their platforms, concurrently
on BuildKit, sharing its cache.

BuildKit is reached at --addr, else $BUILDKIT_HOST (unix://, tcp:// with
--tlscacert/--tlscert/--tlskey, docker-container://, kube-pod://, ssh://...),
else at ` + builder.DefaultAddr + `; when nothing answers there, buildlang runs
daemonless: it starts a private buildkitd from PATH with a temporary state
directory and socket ($BUILDKITD_FLAGS adds flags, e.g. --config FILE) and
removes it afterwards.

Each target's outputs are, in order of precedence: --output (for every
target; put {target} in a dest to separate them), the target's output
attribute, an image named by its tags (pushed with --push), or none. A
target with several platforms gives a manifest list.

Secrets come from --secret, then the build file's secret blocks (env or
src); SSH agents from --ssh, then ssh blocks ($SSH_AUTH_SOCK by default).
A required secret or agent that cannot be provided stops the build before
anything runs. Registry credentials come from the docker config
(~/.docker/config.json).

A build file gets only what the command line names or --allow grants, as
with docker buildx bake: the entitlements network.host and
security.insecure, files outside the build context (fs.read=PATH,
fs.write=PATH), host environment variables (env=NAME) and the ssh agent
(ssh). Anything else it asks for stops the build before BuildKit is
contacted, with the line that asks and the flag that grants it. A step's
CDI devices need the device entitlement unless buildkitd's CDI spec lets
builds use them: device grants every device, device=NAME one.

Exit status: 0 when every target was built, 1 when one failed (or the build
files have errors), 2 for bad flags, 130 when interrupted.`,
		Example: `  buildlang build                                   # the default group
  buildlang build app --push                        # push app's tags
  buildlang build --env prod --var VERSION=1.4.2 release
  buildlang build app --platform linux/amd64,linux/arm64 --output type=oci,dest=app.tar
  buildlang build test lint --keep-going --progress plain
  buildlang build --allow network.host,env=NPM_TOKEN # grant what the build file asks for
  buildlang build --dry-run                         # what would be built, without BuildKit`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBuild(cmd, &bf, &f, args)
		},
	}
	bf.register(cmd)
	fl := cmd.Flags()
	fl.StringSliceVar(&f.plats, "platform", nil, "target platforms for every target, e.g. linux/amd64,linux/arm64 (default: each target's)")
	fl.BoolVar(&f.push, "push", false, "push every target that has tags (shorthand for an image output with push=true)")
	fl.StringArrayVarP(&f.outputs, "output", "o", nil, "output for every target, in buildx syntax: type=image|registry|oci|docker|tar|local|none[,dest=PATH][,KEY=VALUE] (repeatable)")
	fl.StringVar(&f.progress, "progress", "auto", "progress output: "+strings.Join(builder.ProgressModes, ", ")+" (auto: tty on a terminal, plain in CI)")
	fl.StringVar(&f.addr, "addr", "", "BuildKit daemon address (default $BUILDKIT_HOST, then "+builder.DefaultAddr+", then daemonless)")
	fl.StringVar(&f.tlsCA, "tlscacert", "", "CA certificate for the daemon's TLS")
	fl.StringVar(&f.tlsCert, "tlscert", "", "client certificate for the daemon's TLS")
	fl.StringVar(&f.tlsKey, "tlskey", "", "client key for the daemon's TLS")
	fl.StringVar(&f.tlsServerName, "tlsservername", "", "server name the daemon's certificate is checked against")
	fl.StringArrayVar(&f.secrets, "secret", nil, "provide a secret: id=ID,src=FILE or id=ID,env=VAR (repeatable)")
	fl.StringArrayVar(&f.ssh, "ssh", nil, "forward an SSH agent or keys: default, ID or ID=PATH[,PATH] (repeatable)")
	fl.StringArrayVar(&f.cacheFrom, "cache-from", nil, "import cache, replacing the cache policy's imports: type=local,src=DIR, type=registry,ref=REF or REF (repeatable)")
	fl.StringArrayVar(&f.cacheTo, "cache-to", nil, "export cache, replacing the cache policy's exports: type=local,dest=DIR, type=registry,ref=REF, type=inline (repeatable)")
	fl.BoolVar(&f.noCache, "no-cache", false, "build every step without the cache")
	fl.StringVar(&f.metadataFile, "metadata-file", "", "write build metadata (digests, image names, refs) per target as JSON to this file")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print what would be built (targets, platforms, outputs, cache, secrets) without contacting BuildKit")
	fl.BoolVar(&f.keepGoing, "keep-going", false, "when a target fails, let the others finish (the exit status is still 1)")
	fl.StringVar(&f.contextDir, "context", "", "build context directory (default: the directory of the first build file)")
	fl.StringArrayVar(&f.buildContexts, "build-context", nil, "provide contexts.NAME or local(\"NAME\"): NAME=DIR, NAME=docker-image://REF, NAME=oci-layout://PATH[:TAG][@sha256:DIGEST], NAME=GIT_URL[#REF] or NAME=https://URL (repeatable)")
	fl.StringVar(&f.builder, "builder", "", "build on the nodes of a docker buildx builder, read from buildx's builder store ($BUILDX_CONFIG, else ~/.docker/buildx): its remote, docker-container or kubernetes nodes")
	fl.StringArrayVar(&f.nodes, "node", nil, "build on several BuildKit daemons: NAME=ADDR[,platforms=P,...][,tlscacert=F,tlscert=F,tlskey=F,servername=N] (repeatable); each target goes to the node that runs its platforms natively, a node that is down is skipped")
	registerTargets(cmd, &f.targets, "build")
	fl.StringVar(&f.attest.SBOM, "sbom", "", "attach an SPDX SBOM, as buildx: true, false or generator=IMAGE (default: the build file's attest)")
	fl.Lookup("sbom").NoOptDefVal = "true"
	fl.StringVar(&f.attest.Provenance, "provenance", "", "attach SLSA provenance, as buildx: true, false, min, max or mode=min|max (default: the build file's attest)")
	fl.Lookup("provenance").NoOptDefVal = "true"
	fl.StringArrayVar(&f.attest.Attest, "attest", nil, "attestation, as buildx: type=sbom[,generator=IMAGE] or type=provenance[,mode=max], disabled=true to turn one off (repeatable)")
	fl.StringVar(&f.sourceDateEpoch, "source-date-epoch", "", "SOURCE_DATE_EPOCH for reproducible images: unix seconds, or git for HEAD's commit time (default $SOURCE_DATE_EPOCH, then the environment's source_date_epoch)")
	return cmd
}

// options turns the build command's flags into builder options.
func (f *buildCLIFlags) options(targets, files []string, lookupEnv func(string) (string, bool)) (*builder.Options, error) {
	ps, err := parsePlatforms(f.plats)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(builder.ProgressModes, f.progress) {
		return nil, fmt.Errorf("--progress %q: use one of %s", f.progress, strings.Join(builder.ProgressModes, ", "))
	}
	if f.progress == "tty" && !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil, fmt.Errorf("--progress tty: standard error is not a terminal; use auto or plain")
	}
	o := &builder.Options{
		Targets: targets, Platforms: ps, Push: f.push, NoCache: f.noCache,
		KeepGoing: f.keepGoing, Progress: f.progress, MetadataFile: f.metadataFile,
		ContextDir: f.contextDir, LookupEnv: lookupEnv, StateDir: stateDir(files),
		Connect: builder.ConnectOptions{
			Addr: f.addr, TLSCACert: f.tlsCA, TLSCert: f.tlsCert, TLSKey: f.tlsKey, TLSServerName: f.tlsServerName,
		},
	}
	if o.ContextDir == "" {
		o.ContextDir = "."
		if len(files) > 0 {
			o.ContextDir = filepath.Dir(files[0])
		}
	}
	for _, s := range f.outputs {
		out, err := builder.ParseOutput(s)
		if err != nil {
			return nil, fmt.Errorf("--output: %w", err)
		}
		o.Outputs = append(o.Outputs, out)
	}
	for _, s := range f.secrets {
		sec, err := builder.ParseSecret(s, lookupEnv)
		if err != nil {
			return nil, err
		}
		o.Secrets = append(o.Secrets, sec)
	}
	for _, s := range f.ssh {
		ssh, err := builder.ParseSSH(s)
		if err != nil {
			return nil, err
		}
		o.SSH = append(o.SSH, ssh)
	}
	for _, s := range f.cacheFrom {
		e, err := builder.ParseCache(s, false)
		if err != nil {
			return nil, err
		}
		o.CacheFrom = append(o.CacheFrom, e)
	}
	for _, s := range f.cacheTo {
		e, err := builder.ParseCache(s, true)
		if err != nil {
			return nil, err
		}
		o.CacheTo = append(o.CacheTo, e)
	}
	for _, s := range f.buildContexts {
		name, src, ok := strings.Cut(s, "=")
		if !ok || name == "" || src == "" {
			return nil, fmt.Errorf("--build-context %q: write NAME=DIR, NAME=docker-image://REF, NAME=oci-layout://PATH, NAME=GIT_URL or NAME=https://URL", s)
		}
		if o.BuildContexts == nil {
			o.BuildContexts = map[string]string{}
		}
		o.BuildContexts[name] = src
	}
	return o, nil
}

func closeConnection(conn *builder.Connection) {
	if err := conn.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "buildlang:", err)
	}
}

func runBuild(cmd *cobra.Command, bf *buildFlags, f *buildCLIFlags, args []string) error {
	// BuildKit's client libraries log warnings (e.g. about fsverity on a
	// local cache directory) that are noise next to the progress display.
	logrus.SetLevel(logrus.ErrorLevel)
	opts, err := f.options(append(args, f.targets...), bf.filenames(), os.LookupEnv)
	if err != nil {
		return err // bad flags: exit 2
	}
	if opts.Allow, err = lang.ParseAllow(bf.allow); err != nil {
		return err // bad flags: exit 2
	}
	opts.Attest = f.attest
	if _, err := attest.FrontendAttrs(f.attest, attest.Defaults{}); err != nil {
		return err // bad flags: exit 2
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	// Ctrl-C (or SIGTERM) cancels the build: BuildKit stops the running
	// steps, nothing more is exported or pushed, and a private daemon is
	// stopped and removed.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// A build connects first, so the files are loaded, and compiled, once,
	// for the daemon's platform (what targets without platforms build
	// for), with its image resolver. When it cannot connect, the plan is
	// made without it, so the build file's own problems are reported
	// first. A private daemon (daemonless mode) is started only once such
	// a plan is checked, so nothing the user has not granted starts one;
	// the build is then planned on it.
	//
	// A build goes over several nodes when --node or --builder names them,
	// else when the environment has nodes and --addr names no daemon.
	var pre *loaded
	if !f.dryRun {
		nodes, err := f.flagNodes(os.Getenv)
		if err != nil {
			return err // bad flags: exit 2
		}
		if nodes == nil && f.addr == "" {
			// The environment's nodes, from a load for lang's default
			// build platform that the one-daemon path reuses when its
			// daemon has that platform.
			if pre, err = loadBuild(bf, opts.Targets); err != nil {
				return err
			}
			nodes = builder.EnvNodes(pre.b.Env)
		}
		if len(nodes) > 0 {
			return runOnNodes(ctx, cmd, bf, f, opts, nodes)
		}
	}
	var conn *builder.Connection
	var connErr error
	if !f.dryRun {
		opts.Connect.Log = os.Stderr // daemonless mode's notes
		if conn, connErr = builder.ConnectRunning(ctx, opts.Connect); conn != nil {
			defer closeConnection(conn)
		}
	}
	b, plan, err := planBuild(ctx, bf, f, opts, conn, pre)
	if err != nil {
		return err
	}
	if !f.dryRun {
		if err := verifyBases(cmdContext(cmd), b, filepath.Dir(bf.filenames()[0])); err != nil {
			return err
		}
	}
	if f.dryRun || conn == nil {
		if f.dryRun {
			plan.Print(os.Stdout)
		}
		if err := plan.Check(); err != nil {
			fmt.Fprintln(os.Stderr, "buildlang:", err)
			return exitError{1}
		}
		if connErr != nil {
			fmt.Fprintln(os.Stderr, "buildlang:", connErr)
			return exitError{1}
		}
		if f.dryRun {
			return nil
		}
		if conn, err = builder.Connect(ctx, opts.Connect); err != nil {
			fmt.Fprintln(os.Stderr, "buildlang:", err)
			return exitError{1}
		}
		defer closeConnection(conn)
		if b, plan, err = planBuild(ctx, bf, f, opts, conn, nil); err != nil {
			return err
		}
	}

	rep, err := builder.Run(ctx, plan)
	if rep != nil {
		saveRecords(context.WithoutCancel(ctx), os.Stderr, records.Open(opts.StateDir), b, plan, rep, opts.NoCache)
		if err != nil || f.progress != "quiet" {
			rep.PrintSummary(os.Stderr)
		}
		if f.metadataFile != "" {
			if merr := rep.WriteMetadata(f.metadataFile); merr != nil {
				fmt.Fprintln(os.Stderr, "buildlang: writing --metadata-file:", merr)
				if err == nil {
					return exitError{1}
				}
			}
		}
	}
	return buildExit(ctx, err)
}

// flagNodes are the nodes --node or --builder name; nil for neither.
func (f *buildCLIFlags) flagNodes(getenv func(string) string) ([]builder.Node, error) {
	if f.builder != "" {
		if len(f.nodes) > 0 {
			return nil, fmt.Errorf("--builder and --node both name the nodes to build on; give one of them")
		}
		return builder.BuilderNodes(f.builder, getenv)
	}
	var nodes []builder.Node
	for _, s := range f.nodes {
		n, err := builder.ParseNode(s)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// runOnNodes builds on several nodes (--node, --builder, the
// environment's nodes): each target on the node that runs its platforms
// best (builder.Schedule), all in one progress display, with a summary
// per node.
func runOnNodes(ctx context.Context, cmd *cobra.Command, bf *buildFlags, f *buildCLIFlags, opts *builder.Options, nodes []builder.Node) error {
	live, err := builder.ConnectNodes(ctx, nodes, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildlang:", err)
		return exitError{1}
	}
	defer func() {
		if err := builder.CloseNodes(live); err != nil {
			fmt.Fprintln(os.Stderr, "buildlang:", err)
		}
	}()
	b, _, err := bf.loadFor(opts.Targets, func(o *lang.Options) { o.BuildPlatform = live[0].Workers[0] })
	if err != nil {
		return err
	}
	if err := verifyBases(cmdContext(cmd), b, filepath.Dir(bf.filenames()[0])); err != nil {
		return err
	}
	names, diags := b.Expand(opts.Targets)
	if diags.HasErrors() {
		writeDiagnostics(os.Stderr, b.Files, diags)
		return exitError{1}
	}
	plats := map[string][]ocispecs.Platform{}
	for _, n := range names {
		plats[n] = opts.Platforms
		if len(plats[n]) == 0 {
			plats[n] = b.Target(n).DefaultPlatforms
		}
	}
	// A pushed image's platforms may go to different nodes, each pushing
	// its part by digest; other targets are built whole on one node; a
	// target that feeds another goes where it is needed.
	asg, err := builder.Assign(b, live, names, plats, func(t string) bool { return builder.Splittable(b, opts, t, plats[t][0]) })
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildlang:", err)
		return exitError{1}
	}
	plans, builds, err := planNodes(ctx, bf, f, opts, live, names, asg)
	if err != nil {
		return err
	}
	reps, err := builder.RunAll(ctx, plans)
	// Faults: the targets of a node that stopped answering are rebuilt on
	// the nodes left, as parts again for a split image.
	for err != nil && ctx.Err() == nil {
		lost := map[string]bool{}
		var again, kept []*builder.TargetResult
		for _, rep := range reps {
			for _, t := range rep.Targets {
				if t.NodeLost {
					lost[t.Node] = true
					again = append(again, t)
				} else {
					kept = append(kept, t)
				}
			}
		}
		if len(again) == 0 {
			break
		}
		live = slices.DeleteFunc(live, func(n *builder.LiveNode) bool {
			if lost[n.Name] {
				n.Conn.Close()
			}
			return lost[n.Name]
		})
		for name := range lost {
			fmt.Fprintf(os.Stderr, "WARNING: node %s stopped answering; rebuilding its targets on the other nodes\n", name)
		}
		again2, namesAgain, serr := builder.Reschedule(b, live, again, kept)
		if serr != nil {
			err = serr
			break
		}
		p2, b2, perr := planNodes(ctx, bf, f, opts, live, namesAgain, again2)
		if perr != nil {
			return perr
		}
		r2, _ := builder.RunAll(ctx, p2)
		for _, rep := range reps {
			rep.Targets = slices.DeleteFunc(rep.Targets, func(t *builder.TargetResult) bool { return t.NodeLost })
		}
		reps, plans, builds = append(reps, r2...), append(plans, p2...), append(builds, b2...)
		all := &builder.Report{}
		for _, rep := range reps {
			all.Targets = append(all.Targets, rep.Targets...)
		}
		err = builder.ReportError(ctx, all)
	}
	all := &builder.Report{}
	for i, rep := range reps {
		saveRecords(context.WithoutCancel(ctx), os.Stderr, records.Open(opts.StateDir), builds[i], plans[i], rep, opts.NoCache)
		all.Targets = append(all.Targets, rep.Targets...)
	}
	merged := builder.MergeParts(ctx, reps)
	for _, m := range merged {
		if m.Err != nil && err == nil {
			err = fmt.Errorf("target %q: index not pushed: %w", m.Target, m.Err)
		}
	}
	if len(reps) > 0 && (err != nil || f.progress != "quiet") {
		all.PrintSummary(os.Stderr)
		builder.PrintMerged(os.Stderr, merged)
		builder.PrintNodeSummary(os.Stderr, reps)
	}
	if f.metadataFile != "" && len(reps) > 0 {
		if merr := all.WriteMetadata(f.metadataFile); merr != nil {
			fmt.Fprintln(os.Stderr, "buildlang: writing --metadata-file:", merr)
			if err == nil {
				return exitError{1}
			}
		}
	}
	return buildExit(ctx, err)
}

// planNodes plans each node's targets: whole ones and parts (platforms
// of a split image).
func planNodes(ctx context.Context, bf *buildFlags, f *buildCLIFlags, opts *builder.Options, live []*builder.LiveNode, names []string, asg *builder.Assignment) ([]*builder.Plan, []*lang.Build, error) {
	var plans []*builder.Plan
	var builds []*lang.Build
	for _, n := range live {
		o := *opts
		o.Targets, o.Node, o.Parts = asg.Work(n, names), n.Name, asg.Parts[n]
		if len(o.Targets) == 0 {
			continue
		}
		nb, plan, err := planBuild(ctx, bf, f, &o, n.Conn, nil)
		if err != nil {
			return nil, nil, err
		}
		plans, builds = append(plans, plan), append(builds, nb)
	}
	return plans, builds, nil
}

// buildExit prints a build's error and gives its exit status: 130 when
// it was interrupted.
func buildExit(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	fmt.Fprintln(os.Stderr, "buildlang:", err)
	var be *builder.BuildError
	if ctx.Err() != nil || (errors.As(err, &be) && be.Interrupted) {
		return exitError{130}
	}
	return exitError{1}
}

// loaded is a load of the build files and its warnings.
type loaded struct {
	b        *lang.Build
	warnings hcl.Diagnostics
}

// loadBuild loads the build files for a build of targets, for lang's
// default build platform unless mutate sets one.
func loadBuild(bf *buildFlags, targets []string, mutate ...func(*lang.Options)) (*loaded, error) {
	b, warnings, err := bf.loadFor(targets, mutate...)
	if err != nil {
		return nil, err
	}
	return &loaded{b, warnings}, nil
}

// planBuild loads the build files and plans the build: on conn, for its
// platform and with its resolver; without, as a dry run. pre, if not nil,
// is a load for lang's default platform, used when the daemon has that
// platform. Problems are printed; the error is the exit.
func planBuild(ctx context.Context, bf *buildFlags, f *buildCLIFlags, opts *builder.Options, conn *builder.Connection, pre *loaded) (*lang.Build, *builder.Plan, error) {
	var mutate []func(*lang.Options)
	opts.Connection = conn
	if conn != nil {
		if p, ok := conn.Platform(ctx); ok {
			mutate = append(mutate, func(o *lang.Options) { o.BuildPlatform = p })
			if pre != nil && platforms.FormatAll(p) != platforms.FormatAll(pre.b.BuildPlatform) {
				pre = nil
			}
		}
	}
	var err error
	if pre == nil {
		if pre, err = loadBuild(bf, opts.Targets, mutate...); err != nil {
			return nil, nil, err
		}
	}
	b, warnings := pre.b, pre.warnings
	// Load warnings and lint findings are printed with the build's own
	// warnings, as the Dockerfile frontend prints its lint warnings.
	opts.Warnings = lint.Findings(b, warnings)
	if opts.Epoch, err = sourceDateEpoch(f.sourceDateEpoch, os.LookupEnv, b.Env.SourceDateEpoch, filepath.Dir(bf.filenames()[0])); err != nil {
		return nil, nil, err
	}
	plan, pdiags, err := builder.NewPlan(ctx, b, opts)
	if len(pdiags) > 0 {
		writeDiagnostics(os.Stderr, b.Files, pdiags)
	}
	if pdiags.HasErrors() {
		if plan != nil {
			if err := plan.Check(); err != nil {
				fmt.Fprintln(os.Stderr, "buildlang:", err)
			}
		}
		return nil, nil, exitError{1}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildlang:", err)
		return nil, nil, exitError{1}
	}
	return b, plan, nil
}
