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
	allow                  []string
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
contacted, with the line that asks and the flag that grants it.

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
	fl.StringArrayVar(&f.buildContexts, "build-context", nil, "provide contexts.NAME or local(\"NAME\"): NAME=DIR, NAME=docker-image://REF, NAME=GIT_URL[#REF] or NAME=https://URL (repeatable)")
	fl.StringArrayVar(&f.nodes, "node", nil, "build on several BuildKit daemons: NAME=ADDR[,platforms=P,...][,tlscacert=F,tlscert=F,tlskey=F,servername=N] (repeatable); each target goes to the node that runs its platforms natively, a node that is down is skipped")
	registerTargets(cmd, &f.targets, "build")
	fl.StringVar(&f.attest.SBOM, "sbom", "", "attach an SPDX SBOM, as buildx: true, false or generator=IMAGE (default: the build file's attest)")
	fl.Lookup("sbom").NoOptDefVal = "true"
	fl.StringVar(&f.attest.Provenance, "provenance", "", "attach SLSA provenance, as buildx: true, false, min, max or mode=min|max (default: the build file's attest)")
	fl.Lookup("provenance").NoOptDefVal = "true"
	fl.StringArrayVar(&f.attest.Attest, "attest", nil, "attestation, as buildx: type=sbom[,generator=IMAGE] or type=provenance[,mode=max], disabled=true to turn one off (repeatable)")
	fl.StringVar(&f.sourceDateEpoch, "source-date-epoch", "", "SOURCE_DATE_EPOCH for reproducible images: unix seconds, or git for HEAD's commit time (default $SOURCE_DATE_EPOCH, then the environment's source_date_epoch)")
	fl.StringSliceVar(&f.allow, "allow", nil, "grant what the build file asks for: network.host, security.insecure, ssh, fs.read=PATH, fs.write=PATH, fs=PATH, env=NAME (repeatable, comma separated)")
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
	allow, err := builder.ParseAllow(f.allow)
	if err != nil {
		return nil, err
	}
	o.Allow = allow
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
			return nil, fmt.Errorf("--build-context %q: write NAME=DIR, NAME=docker-image://REF, NAME=GIT_URL or NAME=https://URL", s)
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
	if len(f.nodes) > 0 && !f.dryRun {
		return runOnNodes(ctx, cmd, bf, f, opts)
	}
	var conn *builder.Connection
	var connErr error
	if !f.dryRun {
		opts.Connect.Log = os.Stderr // daemonless mode's notes
		if conn, connErr = builder.ConnectRunning(ctx, opts.Connect); conn != nil {
			defer closeConnection(conn)
		}
	}
	b, plan, err := planBuild(ctx, bf, f, opts, conn)
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
		if b, plan, err = planBuild(ctx, bf, f, opts, conn); err != nil {
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

// runOnNodes builds on several nodes (--node): each target on the node
// that runs its platforms best (builder.Schedule), all in one progress
// display, with a summary per node.
func runOnNodes(ctx context.Context, cmd *cobra.Command, bf *buildFlags, f *buildCLIFlags, opts *builder.Options) error {
	var nodes []builder.Node
	for _, s := range f.nodes {
		n, err := builder.ParseNode(s)
		if err != nil {
			return err // bad flags: exit 2
		}
		nodes = append(nodes, n)
	}
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
	b, _, err := bf.loadValid(func(o *lang.Options) { o.BuildPlatform = live[0].Workers[0] })
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
	// its part by digest; other targets are built whole on one node.
	var whole []string
	parts := map[*builder.LiveNode]map[string][]ocispecs.Platform{}
	for _, t := range names {
		if len(plats[t]) > 1 && builder.Splittable(b, opts, t, plats[t][0]) {
			byNode := map[*builder.LiveNode][]ocispecs.Platform{}
			for _, p := range plats[t] {
				s, err := builder.Schedule(live, []string{t}, map[string][]ocispecs.Platform{t: {p}})
				if err != nil {
					fmt.Fprintln(os.Stderr, "buildlang:", err)
					return exitError{1}
				}
				byNode[s[t]] = append(byNode[s[t]], p)
			}
			if len(byNode) > 1 {
				for n, ps := range byNode {
					if parts[n] == nil {
						parts[n] = map[string][]ocispecs.Platform{}
					}
					parts[n][t] = ps
				}
				continue
			}
		}
		whole = append(whole, t)
	}
	sched, err := builder.Schedule(live, whole, plats)
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildlang:", err)
		return exitError{1}
	}
	whole2 := map[*builder.LiveNode][]string{}
	for _, t := range whole {
		whole2[sched[t]] = append(whole2[sched[t]], t)
	}
	plans, builds, err := planNodes(ctx, bf, f, opts, live, names, whole2, parts)
	if err != nil {
		return err
	}
	reps, err := builder.RunAll(ctx, plans)
	// Faults: the targets of a node that stopped answering are rebuilt on
	// the nodes left, as parts again for a split image.
	for err != nil && ctx.Err() == nil {
		lost := map[string]bool{}
		var again []*builder.TargetResult
		for _, rep := range reps {
			for _, t := range rep.Targets {
				if t.NodeLost {
					lost[t.Node] = true
					again = append(again, t)
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
		wholeAgain, partsAgain := map[*builder.LiveNode][]string{}, map[*builder.LiveNode]map[string][]ocispecs.Platform{}
		var namesAgain []string
		for _, t := range again {
			tp := t.Target
			s, serr := builder.Schedule(live, []string{tp.Name}, map[string][]ocispecs.Platform{tp.Name: tp.Platforms})
			if serr != nil {
				err = fmt.Errorf("node %s stopped answering, and %w", t.Node, serr)
				break
			}
			n := s[tp.Name]
			namesAgain = append(namesAgain, tp.Name)
			if tp.Part {
				if partsAgain[n] == nil {
					partsAgain[n] = map[string][]ocispecs.Platform{}
				}
				partsAgain[n][tp.Name] = tp.Platforms
			} else {
				wholeAgain[n] = append(wholeAgain[n], tp.Name)
			}
		}
		if len(namesAgain) < len(again) {
			break
		}
		p2, b2, perr := planNodes(ctx, bf, f, opts, live, namesAgain, wholeAgain, partsAgain)
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
func planNodes(ctx context.Context, bf *buildFlags, f *buildCLIFlags, opts *builder.Options, live []*builder.LiveNode, names []string,
	whole map[*builder.LiveNode][]string, parts map[*builder.LiveNode]map[string][]ocispecs.Platform) ([]*builder.Plan, []*lang.Build, error) {
	var plans []*builder.Plan
	var builds []*lang.Build
	for _, n := range live {
		o := *opts
		o.Targets, o.Node, o.Parts = nil, n.Name, parts[n]
		for _, t := range names {
			if _, part := parts[n][t]; (part || slices.Contains(whole[n], t)) && !slices.Contains(o.Targets, t) {
				o.Targets = append(o.Targets, t)
			}
		}
		if len(o.Targets) == 0 {
			continue
		}
		nb, plan, err := planBuild(ctx, bf, f, &o, n.Conn)
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

// planBuild loads the build files and plans the build: on conn, for its
// platform and with its resolver; without, as a dry run. Problems are
// printed; the error is the exit.
func planBuild(ctx context.Context, bf *buildFlags, f *buildCLIFlags, opts *builder.Options, conn *builder.Connection) (*lang.Build, *builder.Plan, error) {
	var mutate []func(*lang.Options)
	opts.Connection = conn
	if conn != nil {
		if p, ok := conn.Platform(ctx); ok {
			mutate = append(mutate, func(o *lang.Options) { o.BuildPlatform = p })
		}
	}
	b, warnings, err := bf.loadValid(mutate...)
	if err != nil {
		return nil, nil, err
	}
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
