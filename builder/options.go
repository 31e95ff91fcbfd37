package builder

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/attest"
	"github.com/org/buildlang/lang"
)

// Options configure a build. The zero value builds the default group with
// each target's own outputs and cache policy.
type Options struct {
	// Targets are target, matrix or group names; empty means the default
	// group (lang's Build.Expand(nil)).
	Targets []string
	// Platforms override every requested target's platforms.
	Platforms []ocispecs.Platform
	// Push pushes every target that has tags (image exporter, push=true).
	Push bool
	// Outputs replace every target's outputs; a dest may contain {target}.
	Outputs []Output
	// CacheFrom and CacheTo replace the cache policy's imports and exports.
	CacheFrom, CacheTo []client.CacheOptionsEntry
	// NoCache ignores the cache for every step.
	NoCache bool
	// Attest are the --sbom, --provenance and --attest flags; over each
	// target's attest they give the attest:* frontend attributes
	// (attest.FrontendAttrs): BuildKit records provenance for them, and
	// the SBOM generator they name scans the target.
	Attest attest.Flags
	// Epoch is SOURCE_DATE_EPOCH: the created time of image configs and
	// their history, and, for image, oci and docker outputs, the time layer
	// timestamps are rewritten to (rewrite-timestamp), so the same sources
	// give the same image digest. Nil writes no times.
	Epoch *time.Time
	// Secrets and SSH provide secrets and agents by id, before the build
	// file's own secret and ssh blocks.
	Secrets []SecretSource
	SSH     []SSHSource
	// Allow is what the user granted: entitlements and host access beyond
	// the build context (--allow).
	Allow lang.Allow
	// ContextDir is the build context sent as `context`; default ".".
	ContextDir string
	// BuildContexts provide named contexts and local(...) directories:
	// NAME → DIR, docker-image://REF, oci-layout://PATH[:TAG][@DIGEST],
	// a git URL (https://host/repo.git#ref, git@host:repo) or an HTTP(S)
	// URL of a file.
	BuildContexts map[string]string
	// KeepGoing lets the other targets finish when one fails.
	KeepGoing bool
	// Progress is auto, tty, plain, rawjson or quiet.
	Progress string
	// MetadataFile, when set, receives the build's metadata as JSON.
	MetadataFile string
	// StateDir is buildlang's project state directory (build records);
	// when it lies inside the build context, the context is sent without it.
	StateDir string
	// Connect says how to reach BuildKit.
	Connect ConnectOptions

	// PushAttempts bounds the solves of a target whose push fails with a
	// transient registry error (default 4); RetryDelay is the first wait,
	// doubled after each retry (default 1s).
	PushAttempts int
	RetryDelay   time.Duration

	// Connection is the daemon the build runs on, connected before the
	// build files are loaded (so they are loaded for its platform,
	// Connection.Platform): NewPlan compiles with its image resolver and
	// Run solves on it. Nil plans a dry run, which Run refuses.
	Connection *Connection
	// Node names the connection in a multi-node build (--node), for the
	// summary and the metadata file.
	Node string
	// Parts are targets this plan builds only some platforms of, as one
	// part of an image whose platforms other nodes build: their pushes go
	// by digest, never to a tag, and MergeParts pushes the one index.
	Parts map[string][]ocispecs.Platform

	// Warnings (the build files' load warnings and lint findings) are
	// printed after the build, with the build's own warnings.
	Warnings hcl.Diagnostics

	// Stdout receives tar outputs with dest=-; Stderr progress, notes and
	// the summary. LookupEnv reads the host environment (secrets' env).
	Stdout, Stderr io.Writer
	LookupEnv      func(string) (string, bool)
}

func (o *Options) setDefaults() {
	if o.ContextDir == "" {
		o.ContextDir = "."
	}
	if o.Progress == "" {
		o.Progress = "auto"
	}
	if o.PushAttempts <= 0 {
		o.PushAttempts = 4
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = time.Second
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	if o.Connect.Log == nil {
		o.Connect.Log = o.Stderr
	}
}

// ProgressModes are the values of --progress.
var ProgressModes = []string{"auto", "tty", "plain", "rawjson", "quiet"}

// Print writes what the plan would build, for --dry-run: targets,
// platforms, outputs, cache, secrets, SSH agents and local directories.
// Secret values are never printed, only where they come from.
func (p *Plan) Print(w io.Writer) {
	for _, t := range p.Targets {
		fmt.Fprintf(w, "target %s\n", t.Name)
		fmt.Fprintf(w, "  platforms: %s\n", formatPlatforms(t.Platforms))
		if len(t.Tags) > 0 {
			fmt.Fprintf(w, "  tags:      %s\n", strings.Join(t.Tags, ", "))
		}
		if len(t.Outputs) == 0 {
			fmt.Fprintf(w, "  output:    none\n")
		}
		for _, o := range t.Outputs {
			fmt.Fprintf(w, "  output:    %s\n", o)
		}
		if t.CachePolicy != "" {
			fmt.Fprintf(w, "  cache:     policy %s\n", t.CachePolicy)
		}
		for _, e := range t.CacheImports {
			fmt.Fprintf(w, "  cache-from: %s\n", cacheString(e))
		}
		for _, e := range t.CacheExports {
			fmt.Fprintf(w, "  cache-to:   %s\n", cacheString(e))
		}
		fmt.Fprintf(w, "  steps:     %d\n", t.Steps)
		for _, n := range t.Notes {
			fmt.Fprintf(w, "  note:      %s\n", n)
		}
	}
	for _, s := range p.Secrets {
		state := "provided"
		switch {
		case s.Source == nil:
			state = "not provided"
		case s.Problem != "":
			state = s.Problem
		}
		req := "optional"
		if s.Required {
			req = "required"
		}
		src := "-"
		if s.Source != nil {
			src = s.Source.String() + " (" + s.From + ")"
		}
		fmt.Fprintf(w, "secret %s: %s, for %s, from %s: %s\n", s.ID, req, strings.Join(s.Targets, ", "), src, state)
	}
	for _, s := range p.SSH {
		state := "forwarded"
		switch {
		case s.Source == nil:
			state = "not forwarded"
		case s.Problem != "":
			state = s.Problem
		}
		src := "-"
		if s.Source != nil {
			src = s.Source.String() + " (" + s.From + ")"
		}
		fmt.Fprintf(w, "ssh %s: for %s, from %s: %s\n", s.ID, strings.Join(s.Targets, ", "), src, state)
	}
	for _, name := range sortedKeys(p.Locals) {
		fmt.Fprintf(w, "local %s: %s\n", name, p.Locals[name])
	}
	for _, name := range sortedKeys(p.Images) {
		fmt.Fprintf(w, "context %s: docker-image://%s\n", name, p.Images[name])
	}
	for _, name := range sortedKeys(p.Remotes) {
		fmt.Fprintf(w, "context %s: %s\n", name, p.Remotes[name])
	}
	for _, name := range sortedKeys(p.Layouts) {
		fmt.Fprintf(w, "context %s: %s\n", name, p.Layouts[name])
	}
	if len(p.Entitlements) > 0 {
		fmt.Fprintf(w, "entitlements: %s\n", strings.Join(p.Entitlements, ", "))
	}
}

func cacheString(e client.CacheOptionsEntry) string {
	return Output{Type: e.Type, Attrs: e.Attrs}.String()
}
