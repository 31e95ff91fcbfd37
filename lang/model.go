package lang

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lock"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Build is the checked model of a set of build files with one selected
// environment. Targets are evaluated per platform on demand by Resolve.
type Build struct {
	// Files holds every parsed file, including included ones, by name.
	Files map[string]*hcl.File
	// FileOrder lists Files' names in load order.
	FileOrder []string

	Env          *Environment   // the selected environment; never nil
	Environments []*Environment // declared ones, in source order
	Variables    []*Variable
	Locals       []*Local
	Functions    []*Function
	Secrets      []*Secret
	SSH          []*SSH
	Caches       []*CachePolicy
	MountSets    []*MountSet
	Policies     []*Policy
	Targets      []*Target // matrix instances expanded, in source order
	Groups       []*Group

	// NamedContexts are the names used as contexts.NAME, sorted: the named
	// contexts (--build-context NAME=...) the client must provide.
	NamedContexts []string

	// Lock is build.lock, read next to the entry file; nil when there is none
	// (or Options.NoLock). Image sources it lists carry its digests.
	Lock *lock.File

	// BuildPlatform is the platform the builder runs on (build_platform).
	BuildPlatform ocispecs.Platform

	// Proxy holds the proxy variables given as --var or build args
	// (HTTP_PROXY, https_proxy, ...; see ProxyVars), by upper-case name.
	// Run steps see them, but neither the image nor the cache key does, as
	// with the Dockerfile frontend.
	Proxy map[string]string

	eval *evaluator
	uses *nameUses // the names the files refer to (Refers)
}

// Variable is a declared input with its resolved value.
type Variable struct {
	Name        string
	Description string
	Type        cty.Type
	Default     cty.Value // cty.NilVal when there is no default
	Value       cty.Value
	Source      ValueSource
	Sensitive   bool
	HostEnv     string // the host variable the CLI may read, from `env = "..."`
	DeclRange   hcl.Range
}

// ValueString is the variable's value as --var would give it: a string as
// it is, null as "null", any other type as JSON; "" when it has none yet.
// Build records and the invocation attestation show values this way.
func (v *Variable) ValueString() string {
	val := v.Value
	if val == cty.NilVal || !val.IsWhollyKnown() {
		return ""
	}
	val, _ = val.Unmark()
	if val.IsNull() {
		return "null"
	}
	if val.Type() == cty.String {
		return val.AsString()
	}
	dt, err := ctyjson.Marshal(val, val.Type())
	if err != nil {
		return val.GoString()
	}
	return string(dt)
}

// ValueSource says which rule of the precedence order set a variable.
type ValueSource string

// The sources of a variable's value, from strongest to weakest.
const (
	FromOverride    ValueSource = "override"    // --var or build-arg
	FromHostEnv     ValueSource = "host-env"    // the variable's explicit env attribute
	FromEnvironment ValueSource = "environment" // the selected environment's vars
	FromDefault     ValueSource = "default"
)

// Local is a named value from a locals block.
type Local struct {
	Name      string
	Value     cty.Value
	DeclRange hcl.Range
}

// Function is a user-defined function.
type Function struct {
	Name      string
	Params    []string
	DeclRange hcl.Range
}

// Environment is a build profile.
type Environment struct {
	Name        string
	Description string
	Platforms   []ocispecs.Platform
	Cache       string // cache policy name, "" for none
	Vars        map[string]cty.Value
	Network     string // "" (default), "none" or "host"
	NoCache     bool
	Policy      string // policy name, "" for none
	// Attest are the attestations its images get unless a target says.
	Attest Attest
	// SourceDateEpoch is the environment's source_date_epoch: unix seconds
	// as digits, "git" (the commit time of the build's git checkout, which
	// the CLI reads), or "" for none.
	SourceDateEpoch string
	// Nodes are the BuildKit daemons its builds are spread over when the
	// command line names none (--node, --builder).
	Nodes     []*Node
	DeclRange hcl.Range
	// Implicit is true for the environment used when none is declared or selected.
	Implicit bool
}

// Node is one BuildKit daemon of an environment's nodes.
type Node struct {
	Name    string
	Address string // unix://, tcp://, docker-container://, ... (NodeSchemes)
	// Platforms are the ones the node is declared for: it is preferred for
	// them over a node whose workers only list them.
	Platforms []ocispecs.Platform
	// TLS files are as written: relative ones are relative to the file
	// that declares the environment.
	TLS       NodeTLS
	DeclRange hcl.Range // the node's object
}

// NodeTLS are a tcp:// node's TLS client settings.
type NodeTLS struct {
	CACert, Cert, Key, ServerName string
}

// Secret is a secret the client provides by id.
type Secret struct {
	Name        string
	ID          string
	Env         string // CLI source: host environment variable
	Src         string // CLI source: file path
	Var         string // CLI source: a sensitive variable's name (see Build.SecretValue)
	Required    bool
	Description string
	DeclRange   hcl.Range
}

// SSH is an ssh agent or key set forwarded by id.
type SSH struct {
	Name        string
	ID          string
	Paths       []string
	Required    bool
	Description string
	DeclRange   hcl.Range
}

// CachePolicy lists cache imports and exports in BuildKit attribute form.
type CachePolicy struct {
	Name        string
	Description string
	Import      []map[string]string
	Export      []map[string]string
	DeclRange   hcl.Range
}

// MountSet is a mounts block: mounts written once, which run steps take
// with mounts = [mounts.NAME]. Its mounts are evaluated in each step that
// lists it, as if written there, and end up in that step's RunStep.Mounts.
type MountSet struct {
	Name        string
	Description string
	DeclRange   hcl.Range
}

// Group is a named set of targets.
type Group struct {
	Name        string
	Description string
	Targets     []string // target (instance) names, groups flattened, in order
	DeclRange   hcl.Range
}

// Target is a target or one matrix instance of a target block.
type Target struct {
	Name        string
	Block       string // the target block's name; differs from Name for matrix instances
	Description string
	Matrix      map[string]cty.Value // this instance's matrix values; nil when not a matrix
	// Platforms are the target's own `platforms`; empty when it inherits them.
	Platforms []ocispecs.Platform
	// DefaultPlatforms are the platforms it is built for when requested with
	// no --platform: its own, else its consumers', else the environment's,
	// else the build platform.
	DefaultPlatforms []ocispecs.Platform
	// Deps names the targets this one reads from (from, copy, bind), sorted.
	Deps      []string
	DeclRange hcl.Range // the block header
	decl      *targetDecl
	state     *targetState
}

// TargetSpec is a target evaluated for one target platform.
type TargetSpec struct {
	Target *Target
	// Platform is the platform produced (target_platform).
	Platform ocispecs.Platform
	// RunPlatform is where steps run and the base is pulled for (platform).
	RunPlatform ocispecs.Platform
	From        Source
	Steps       []Step
	Image       ImageConfig
	Args        map[string]string
	Tags        []string
	Outputs     []string
	Cache       string // cache policy name, "" for none
	NoCache     bool
	Network     string // default network of run steps: "", "none" or "host"
	// Attest are the attestations the image gets: the environment's, then
	// its parents', then its own attest.
	Attest Attest
}

// Attest says which attestations an image gets.
type Attest struct {
	SBOM       bool
	Provenance string // "", "min" or "max"
}

// SourceKind says what a Source reads from.
type SourceKind string

// The kinds of source.
const (
	SourceScratch      SourceKind = "scratch"
	SourceImage        SourceKind = "image"
	SourceTarget       SourceKind = "target"
	SourceContext      SourceKind = "context"       // the main build context
	SourceNamedContext SourceKind = "named-context" // contexts.NAME / --build-context
	SourceGit          SourceKind = "git"
	SourceHTTP         SourceKind = "http"
	SourceLocal        SourceKind = "local" // a named local directory from the client
)

// Source is something a target, copy or bind mount reads from.
type Source struct {
	Kind SourceKind
	// Ref is the image reference, target name, context name, git or http URL,
	// or local name, by Kind.
	Ref string
	// Digest is the digest build.lock pins an image Ref's tag to; "" when
	// the build has no lock file, the lock has no entry, or Ref has its own.
	Digest   string
	GitRef   string      // git: branch, tag or commit
	Git      *GitOptions // git: the options; nil for other kinds
	Checksum string      // http: expected digest
	Include  []string
	Exclude  []string
	Range    hcl.Range
}

// GitOptions are a git source's options: those of BuildKit's llb.Git that
// a build file can set. Secrets and ssh agents are named by their blocks'
// names; Build.Secret and the SSH list give their ids.
type GitOptions struct {
	Subdir         string // the directory of the repository to use
	KeepGitDir     bool   // keep the .git directory
	SkipSubmodules bool   // submodules = false
	Checksum       string // the commit expected, or a prefix of its SHA
	AuthToken      string // secret block holding an HTTP auth token
	AuthHeader     string // secret block holding a whole HTTP auth header
	SSH            string // ssh block forwarded for ssh URLs
	KnownHosts     string // known_hosts lines for ssh URLs
}

// StepKind names a step block.
type StepKind string

// The kinds of step.
const (
	StepRun     StepKind = "run"
	StepCopy    StepKind = "copy"
	StepFile    StepKind = "file"
	StepMkdir   StepKind = "mkdir"
	StepRemove  StepKind = "remove"
	StepSymlink StepKind = "symlink"
	StepSet     StepKind = "set"
)

// Step is one step of a target; exactly the field for its Kind is set.
type Step struct {
	Kind    StepKind
	Range   hcl.Range // the whole block, for source maps
	Run     *RunStep
	Copy    *CopyStep
	File    *FileStep
	Mkdir   *MkdirStep
	Remove  *RemoveStep
	Symlink *SymlinkStep
	Set     *SetStep
}

// RunStep runs a command.
type RunStep struct {
	// Args is the command as argv; for a shell command it is the target's
	// shell followed by the script.
	Args []string
	// Shell is true when the command was written as a string.
	Shell    bool
	Env      map[string]string // step-level env only; the target's env is in Image.Env
	Workdir  string            // "" means the target's
	User     string            // "" means the target's
	Network  string            // resolved: "" (default), "none" or "host"
	Security string            // "" (sandbox) or "insecure"
	NoCache  bool
	Mounts   []Mount
	// PlatformArgs are the predefined platform args (TARGETARCH, ...; see
	// PlatformArgNames) the command mentions as $NAME or ${NAME}, with
	// their values, so Dockerfile RUN lines work as written. Steps see
	// them below the target's args.
	PlatformArgs map[string]string
}

// BuildKit entitlements a run step can need, as --allow spells them. A
// device mount needs EntitlementDevice unless buildkitd's CDI spec lets
// builds use that device without it; "device" grants every device,
// "device=NAME" one.
const (
	EntitlementNetworkHost      = "network.host"
	EntitlementSecurityInsecure = "security.insecure"
	EntitlementDevice           = "device"
)

// AllowForms are the grants buildlang build --allow takes, as bake's
// --allow spells them: the entitlements, the ssh agent, and host paths and
// variables (PATH and NAME stand for a value, * for any).
var AllowForms = []string{EntitlementNetworkHost, EntitlementSecurityInsecure, EntitlementDevice, EntitlementDevice + "=NAME", "ssh", "fs.read=PATH", "fs.write=PATH", "fs=PATH", "env=NAME"}

// IsAllowForm reports whether --allow takes v as one grant: a form of
// AllowForms, with a value where the form has one.
func IsAllowForm(v string) bool {
	key, val, hasVal := strings.Cut(v, "=")
	for _, f := range AllowForms {
		fkey, _, fhasVal := strings.Cut(f, "=")
		if key == fkey && hasVal == fhasVal && (!hasVal || val != "") {
			return true
		}
	}
	return false
}

// Entitlements are the BuildKit entitlements the step needs: the one
// place that says so, for the needs-entitlement lint rule and for what
// the compiler reports a build needs.
func (r *RunStep) Entitlements() []string {
	var out []string
	if r.Network == "host" {
		out = append(out, EntitlementNetworkHost)
	}
	if r.Security == "insecure" {
		out = append(out, EntitlementSecurityInsecure)
	}
	return out
}

// MountKind names a run step mount.
type MountKind string

// The kinds of mount.
const (
	MountCache  MountKind = "cache"
	MountSecret MountKind = "secret"
	MountSSH    MountKind = "ssh"
	MountTmpfs  MountKind = "tmpfs"
	MountBind   MountKind = "bind"
	MountDevice MountKind = "device" // a CDI device, like RUN --device
)

// Mount is one mount of a run step.
type Mount struct {
	Kind   MountKind
	Target string // mount path in the step; for env-only secrets ""
	Range  hcl.Range

	// cache
	CacheID string
	Sharing string // "shared", "private" or "locked"

	// secret and ssh: the client-facing id
	ID       string
	Env      string // secret exposed as this env var
	Required bool

	// cache, secret, ssh ownership; -1 when unset
	Mode, UID, GID int

	// tmpfs
	Size int64

	// device: ID is the CDI device name; Required as above

	// bind, and cache with a source (ReadOnly)
	From      *Source
	Source    string
	ReadWrite bool
	ReadOnly  bool
}

// CopyStep copies files from a source.
type CopyStep struct {
	From           Source // SourceContext when not given
	Src            []string
	Dest           string
	Include        []string
	Exclude        []string
	Chown          string
	Chmod          int    // -1 when unset or symbolic
	ChmodSymbolic  string // a symbolic chmod like "u+x,go-w"; "" when octal or unset
	Link           bool
	Unpack         bool // extract local tar archives into dest, like ADD
	Parents        bool
	FollowSymlinks bool
}

// FileStep writes a file.
type FileStep struct {
	Path    string
	Content string
	Mode    int
	Chown   string
}

// MkdirStep makes a directory with parents.
type MkdirStep struct {
	Path  string
	Mode  int
	Chown string
}

// RemoveStep removes paths.
type RemoveStep struct {
	Paths []string
}

// SymlinkStep makes a symbolic link at Path pointing to Target.
type SymlinkStep struct {
	Path   string
	Target string
}

// SetStep changes the config seen by the steps after it and by the image.
// Empty fields change nothing.
type SetStep struct {
	Env     map[string]string
	Workdir string
	User    string
	Shell   []string
}

// ImageConfig is the image configuration a target sets over its base's.
// Nil slices and maps and empty strings mean "inherit from the base".
type ImageConfig struct {
	Entrypoint  []string
	Cmd         []string
	Env         map[string]string
	Workdir     string
	User        string
	Shell       []string
	Labels      map[string]string
	Annotations map[string]string
	Expose      []string // "8080/tcp"
	Volumes     []string
	StopSignal  string
	Healthcheck *Healthcheck
	Author      string   // the config's author, as MAINTAINER sets it
	OnBuild     []string // triggers stored for images built from this one
}

// Healthcheck is the image's health check, durations in nanoseconds.
type Healthcheck struct {
	Test          []string
	Interval      int64
	Timeout       int64
	StartPeriod   int64
	StartInterval int64
	Retries       int
}
