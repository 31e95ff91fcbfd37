package lang

import (
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// AttrSpec describes one attribute a block accepts.
type AttrSpec struct {
	Name     string
	Type     string   // the type as the spec writes it, e.g. "list(string)"
	Doc      string   // one or two sentences for spec/ and editor hover
	Required bool     // the block is invalid without it
	Enum     []string // the only values allowed, when the attribute is an enumeration
}

// BlockSpec describes a block: its labels, attributes and nested blocks.
type BlockSpec struct {
	Type   string
	Labels []string // label names, e.g. ["name"]
	Doc    string
	Attrs  []*AttrSpec
	Blocks []*BlockSpec
	// Open bodies accept any attribute name (locals).
	Open bool
	// Short is the block's one-line form, whose labels stand for
	// attributes; nil when it has none.
	Short *ShortForm
}

// ShortForm is a block's short form: its labels (after the ones the long
// form names, like a target's name) stand for the attributes a Dockerfile
// instruction's arguments are, so
//
//	run "make test" {}
//	copy "go.mod" "go.sum" "/src/" {}
//	target "app" "alpine:3.20" {
//
// are run { command = "make test" }, copy { src = ["go.mod", "go.sum"],
// dest = "/src/" } and a target with from = "alpine:3.20", and the body
// keeps the block's other attributes (a one-line body holds one, like
// { chmod = "0755" }). Labels are literal strings, as HCL's are (no ${}
// interpolation; $${ is a literal ${), so a computed value takes the long
// form.
type ShortForm struct {
	// Attrs are the attributes the labels stand for, in order. With List,
	// the first attribute (a list) takes every label but the last, which
	// is the second's; else there is one label per attribute.
	Attrs []string
	List  bool
	// Conflicts are attributes the body may not have besides Attrs,
	// because they say what the labels say (a run step's script).
	Conflicts []string
	Example   string // the form written out, e.g. run "make test" {}
	Doc       string // one sentence for spec/ and editor hover
	// For diagnostics: what the block is ("run step"), the labels the
	// short form has ("one label, its command"), how to write the long
	// form instead and which labels to remove for it.
	Noun, Shape, Long, Drop string
}

// MinLabels is the fewest labels the short form takes.
func (f *ShortForm) MinLabels() int { return len(f.Attrs) }

// LabelAttr is the attribute label i of n stands for.
func (f *ShortForm) LabelAttr(i, n int) string {
	if f.List {
		if i == n-1 {
			return f.Attrs[1]
		}
		return f.Attrs[0]
	}
	if i < len(f.Attrs) {
		return f.Attrs[i]
	}
	return ""
}

// Attr returns the attribute spec with the given name, or nil.
func (b *BlockSpec) Attr(name string) *AttrSpec {
	for _, a := range b.Attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Block returns the nested block spec with the given type, or nil.
func (b *BlockSpec) Block(typ string) *BlockSpec {
	for _, c := range b.Blocks {
		if c.Type == typ {
			return c
		}
	}
	return nil
}

// BodySchema is the hcl schema for the block's body. Required attributes are
// not marked required here: decoding reports them with a better message.
func (b *BlockSpec) BodySchema() *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, a := range b.Attrs {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	for _, c := range b.Blocks {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: c.Type, LabelNames: c.Labels})
	}
	return s
}

// schemas caches BodySchema per spec for decoding, which asks for it once
// per block of a build; BodySchema itself returns a fresh copy callers may
// change.
var schemas sync.Map // *BlockSpec → *hcl.BodySchema

func (b *BlockSpec) schema() *hcl.BodySchema {
	if s, ok := schemas.Load(b); ok {
		return s.(*hcl.BodySchema)
	}
	s := b.BodySchema()
	schemas.Store(b, s)
	return s
}

// Enumerations shared by decoding, spec/ and the language server.
var (
	NetworkModes  = []string{"default", "none", "host"}
	SecurityModes = []string{"sandbox", "insecure"}
	SharingModes  = []string{"shared", "private", "locked"}
)

func withShort(f *ShortForm, b *BlockSpec) *BlockSpec { b.Short = f; return b }

func attr(name, typ, doc string) *AttrSpec { return &AttrSpec{Name: name, Type: typ, Doc: doc} }

func required(a *AttrSpec) *AttrSpec { a.Required = true; return a }

func enum(a *AttrSpec, values []string) *AttrSpec { a.Enum = values; return a }

func block(typ string, labels []string, doc string, attrs []*AttrSpec, blocks ...*BlockSpec) *BlockSpec {
	return &BlockSpec{Type: typ, Labels: labels, Doc: doc, Attrs: attrs, Blocks: blocks}
}

var mountOwnerAttrs = []*AttrSpec{
	attr("mode", "string", `File mode of the mounted file or socket, in octal, e.g. "0400".`),
	attr("uid", "number", "Owner user id of the mounted file or socket."),
	attr("gid", "number", "Owner group id of the mounted file or socket."),
}

// RunSchema is the schema of a run step.
var RunSchema = withShort(&ShortForm{
	Attrs: []string{"command"}, Conflicts: []string{"script"},
	Example: `run "make test" {}`,
	Doc:     "The label is the command, run through the target's shell as command = \"...\" is, like a Dockerfile's RUN line.",
	Noun:    "run step", Shape: "one label, its command", Long: longStep, Drop: dropStep,
}, block("run", nil, "Runs a command in the target's filesystem. Steps run in source order.",
	[]*AttrSpec{
		attr("command", "string or list(string)", "A string runs through the target's shell (default [\"/bin/sh\", \"-c\"]); a list runs as argv without a shell. A run step has a command or a script."),
		attr("script", "heredoc", "A shell script taken as written, with no ${} interpolation: a heredoc (<<-EOT ... EOT) whose text runs through the target's shell, so Dockerfile RUN lines with ${VAR} paste unchanged."),
		attr("env", "map(string)", "Environment variables for this step only, merged over the target's env."),
		attr("workdir", "string", "Working directory for this step; defaults to the target's workdir."),
		attr("user", "string", "User (name or uid[:gid]) this step runs as; defaults to the target's user."),
		enum(attr("network", "string", "Network for this step: \"default\", \"none\" or \"host\" (host needs the network.host entitlement). Overrides the environment's network policy."), NetworkModes),
		enum(attr("security", "string", "\"sandbox\" (default) or \"insecure\" (needs the security.insecure entitlement)."), SecurityModes),
		attr("no_cache", "bool", "Always run this step, never take it from the cache."),
		attr("mounts", "list(mounts)", "Mount sets (mounts.NAME) whose mounts this step gets, and mounts written as calls on one line (cache(\"/root/.cache\", { sharing = \"locked\" }), tmpfs(\"/tmp\"), bind, secret, ssh, device: the block of that name), in the list's order and before its own mount blocks: the same mounts as if written here."),
	},
	block("cache", []string{"path"}, "Mounts a persistent cache directory at the label's path, kept between builds.", []*AttrSpec{
		attr("id", "string", "Cache id; steps with the same id share the cache. Defaults to the mount path."),
		enum(attr("sharing", "string", "How concurrent builds share the cache: \"shared\" (default), \"private\" or \"locked\"."), SharingModes),
		attr("from", "source", "Seeds a new cache with this source (target.NAME, image(...), ...), as --mount=type=cache,from= does."),
		attr("source", "string", "Path inside from to seed the cache with; defaults to its root."),
		attr("readonly", "bool", "Mount the cache read-only."),
		attr("mode", "string", "File mode of the cache directory, in octal."),
		attr("uid", "number", "Owner user id of the cache directory."),
		attr("gid", "number", "Owner group id of the cache directory."),
	}),
	block("secret", []string{"name"}, "Mounts a declared secret for this step only, as a file or an environment variable. Its value never enters the image or the build graph.", append([]*AttrSpec{
		attr("target", "string", "Path of the secret file in the step; defaults to /run/secrets/<id>."),
		attr("env", "string", "Expose the secret as this environment variable instead of a file."),
		attr("required", "bool", "Fail the step when the client does not provide the secret. Defaults to the secret block's required."),
	}, mountOwnerAttrs...)),
	block("ssh", []string{"name"}, "Forwards a declared SSH agent socket into this step.", append([]*AttrSpec{
		attr("target", "string", "Path of the agent socket in the step; SSH_AUTH_SOCK is set to it. Defaults to /run/buildkit/ssh_agent.<n>."),
		attr("required", "bool", "Fail the step when the client does not forward the agent. Defaults to the ssh block's required."),
	}, mountOwnerAttrs...)),
	block("tmpfs", []string{"path"}, "Mounts an empty in-memory filesystem at the label's path.", []*AttrSpec{
		attr("size", "number", "Size limit in bytes; 0 means no limit."),
	}),
	block("device", []string{"name"}, "Gives the step a CDI device by name (like RUN --device), e.g. \"vendor.com/gpu=all\"; needs the device entitlement.", []*AttrSpec{
		attr("required", "bool", "Fail when the builder does not have the device. Defaults to false, as in Dockerfiles."),
	}),
	block("dynamic", []string{"type"}, "Makes one mount of the labelled type (cache, secret, ssh, tmpfs, device, bind) per element of for_each, like HCL's dynamic blocks: a list of mounts written once, e.g. in a local.", []*AttrSpec{
		required(attr("for_each", "list or map", "The elements; each makes one mount.")),
		attr("iterator", "name", "Name of the element in labels and content: NAME.key and NAME.value. Defaults to the block type."),
		required(attr("labels", "list(string)", "The mount's label (its path, or the secret's, ssh's or device's name), e.g. [cache.value].")),
	}, &BlockSpec{Type: "content", Doc: "The mount's attributes, as in the block it makes.", Open: true}),
	block("bind", []string{"path"}, "Mounts another target, image or context read-only at the label's path.", []*AttrSpec{
		required(attr("from", "source", "What to mount: target.NAME, image(\"ref\"), context, contexts.NAME, git(...), http(...) or local(...).")),
		attr("source", "string", "Path inside the source to mount; defaults to its root."),
		attr("readwrite", "bool", "Allow writes; they are discarded after the step."),
	}),
))

// MountsSchema is the schema of a mounts block: a named set of the mounts a
// run step takes, written once for the steps that list it in their mounts.
var MountsSchema = block("mounts", []string{"name"}, "A named set of run-step mounts (cache, bind, tmpfs, secret, ssh, device, dynamic), written once: a run step with mounts = [mounts.NAME] gets them as if they were written in it.",
	[]*AttrSpec{
		attr("description", "string", "What the mounts are for."),
		attr("mounts", "list", "Mounts written as calls on one line, like [cache(\"/var/cache/apt\", { sharing = \"locked\" }), tmpfs(\"/tmp\")]: the blocks of those names, before the set's blocks. A set lists mounts, not other sets."),
	},
	RunSchema.Blocks...)

// CopySchema is the schema of a copy step.
var CopySchema = withShort(&ShortForm{
	Attrs: []string{"src", "dest"}, List: true,
	Example: `copy "go.mod" "go.sum" "/src/" {}`,
	Doc:     "The labels are the sources then the destination, as in a Dockerfile's COPY line: src is every label but the last, dest the last.",
	Noun:    "copy step", Shape: "two or more labels, the sources then the destination", Long: longStep, Drop: dropStep,
}, block("copy", nil, "Copies files into the target from the build context or another source.", []*AttrSpec{
	attr("from", "source", "Where to copy from: context (the default), contexts.NAME, target.NAME, image(\"ref\"), git(...), http(...) or local(...)."),
	required(attr("src", "list(string)", "Paths in the source; wildcards allowed.")),
	required(attr("dest", "string", "Destination path; relative paths are taken from the target's workdir. A trailing / copies into the directory.")),
	attr("include", "list(string)", "Only copy files matching these patterns."),
	attr("exclude", "list(string)", "Do not copy files matching these patterns."),
	attr("chown", "string", "Owner of the copied files, user[:group]."),
	attr("chmod", "string", "Mode of the copied files: octal like \"0755\", or symbolic like \"u+x\" or \"go-w,a+r\"."),
	attr("unpack", "bool", "Extract local tar archives (gzip, bzip2, xz, zstd too) into dest instead of copying them, as ADD does."),
	attr("link", "bool", "Copy as an independent layer that does not depend on earlier steps (like COPY --link), so it stays cached when they change."),
	attr("parents", "bool", "Keep the source's parent directories under dest (like COPY --parents)."),
	attr("follow_symlinks", "bool", "Copy what symlinks in src point to instead of the links. Defaults to true."),
}))

// FileSchema is the schema of a file step.
var FileSchema = block("file", nil, "Writes a file with the given content.", []*AttrSpec{
	required(attr("path", "string", "Path of the file to write.")),
	required(attr("content", "string", "The file's content.")),
	attr("mode", "string", "File mode in octal; defaults to \"0644\"."),
	attr("chown", "string", "Owner of the file, user[:group]."),
})

// MkdirSchema is the schema of a mkdir step.
var MkdirSchema = block("mkdir", nil, "Creates a directory, with its parents.", []*AttrSpec{
	required(attr("path", "string", "Path of the directory.")),
	attr("mode", "string", "Directory mode in octal; defaults to \"0755\"."),
	attr("chown", "string", "Owner of the directory, user[:group]."),
})

// RemoveSchema is the schema of a remove step.
var RemoveSchema = block("remove", nil, "Removes files or directories; missing paths are not an error.", []*AttrSpec{
	required(attr("paths", "list(string)", "Paths to remove; wildcards allowed.")),
})

// SymlinkSchema is the schema of a symlink step.
var SymlinkSchema = block("symlink", nil, "Creates a symbolic link.", []*AttrSpec{
	required(attr("path", "string", "Path of the link to create.")),
	required(attr("target", "string", "What the link points to.")),
})

// SetSchema is the schema of a set step: the ordered form of a target's
// env, workdir, user and shell, like a Dockerfile's ENV, WORKDIR, USER and
// SHELL.
var SetSchema = block("set", nil, "Changes env, workdir, user or shell from this point on: for the steps after it and for the image, like ENV, WORKDIR, USER and SHELL in a Dockerfile.", []*AttrSpec{
	attr("env", "map(string)", "Environment variables added for the following steps and the image."),
	attr("workdir", "string", "Working directory of the following steps and the image; created (owned by the current user) as WORKDIR does. Relative to the current one."),
	attr("user", "string", "User of the following run steps and the image."),
	attr("shell", "list(string)", "Shell of the following string commands and the image."),
})

// StepSchemas lists the step blocks of a target, in the order the spec lists them.
var StepSchemas = []*BlockSpec{RunSchema, CopySchema, FileSchema, MkdirSchema, RemoveSchema, SymlinkSchema, SetSchema}

// HealthcheckSchema is the schema of a target's healthcheck block.
var HealthcheckSchema = block("healthcheck", nil, "How the runtime checks that a container of the image is healthy.", []*AttrSpec{
	required(attr("test", "list(string)", "The check: [\"CMD\", args...], [\"CMD-SHELL\", command] or [\"NONE\"].")),
	attr("interval", "string", "Time between checks, e.g. \"30s\"."),
	attr("timeout", "string", "Time a check may take, e.g. \"5s\"."),
	attr("start_period", "string", "Grace period after start, e.g. \"10s\"."),
	attr("start_interval", "string", "Time between checks during the start period, e.g. \"5s\"."),
	attr("retries", "number", "Failures in a row before the container is unhealthy."),
})

// longStep and dropStep say how a step's long form is written, for
// diagnostics.
const (
	longStep = "the long form, with no labels"
	dropStep = "the labels for the long form"
)

// TargetSchema is the schema of a target block.
var TargetSchema = withShort(&ShortForm{
	Attrs: []string{"from"}, Example: `target "app" "alpine:3.20" {}`,
	Doc:  "The second label is the base image, as a literal reference (\"scratch\" is scratch), like a Dockerfile's FROM alpine:3.20 AS app; a computed base, a target or another source takes from = ....",
	Noun: "target", Shape: "one label after its name, its base image", Long: "from = ... in the body, with the name as the only label", Drop: "the base label",
}, block("target", []string{"name"}, "Something to build: a base, steps in source order, and image config.",
	[]*AttrSpec{
		attr("description", "string", "What the target is for; shown by `buildlang targets` and `--call targets`."),
		attr("inherits", "list(target)", "Targets whose attributes and steps this one starts from; its own attributes win and maps merge."),
		attr("matrix", "map(list)", "Builds one instance per combination of values. Keys name dimensions; `exclude` and `include` are lists of objects that remove or add combinations."),
		attr("name", "string", "Name of each matrix instance; may use matrix.KEY. Defaults to the target name followed by the values."),
		attr("from", "source", "The base: an image reference string, scratch, target.NAME, image(...), context, contexts.NAME, git(...), http(...) or local(...). Defaults to scratch."),
		attr("platform", "platform", "Where the target's steps run; build_platform runs them natively while target_platform is the platform produced. Defaults to target_platform."),
		attr("platforms", "list(string)", "Platforms this target produces. Defaults to the platforms of the targets it inherits, then to those of the targets using it, then to the environment's platforms, then to the build platform."),
		attr("tags", "list(string)", "Image names to tag and push the result as."),
		attr("output", "list(string)", "Outputs in buildx syntax, e.g. \"type=oci,dest=app.tar\"; used by `buildlang build`."),
		attr("cache", "cache", "Cache policy (cache.NAME) for importing and exporting this target's build cache; defaults to the environment's."),
		attr("no_cache", "bool", "Rebuild every step of this target without the cache."),
		attr("attest", "object", "Attestations of this image, over the environment's: { sbom = true (an SPDX SBOM), provenance = \"min\" | \"max\" (SLSA provenance) }."),
		enum(attr("network", "string", "Default network of this target's run steps: \"default\", \"none\" or \"host\"; overrides the environment's."), NetworkModes),
		attr("args", "map(string)", "Build arguments exposed to run steps as environment variables but not stored in the image config."),
		attr("entrypoint", "list(string)", "Image entrypoint."),
		attr("cmd", "list(string)", "Image default command."),
		attr("env", "map(string)", "Environment variables for the image and for every run step."),
		attr("workdir", "string", "Working directory for the image and for every step."),
		attr("user", "string", "User for the image and for every run step."),
		attr("shell", "list(string)", "Shell used to run string commands; defaults to [\"/bin/sh\", \"-c\"]."),
		attr("labels", "map(string)", "Image labels."),
		attr("annotations", "map(string)", "OCI annotations for the image manifest."),
		attr("expose", "list(any)", "Ports the image listens on: numbers or strings like \"53/udp\"."),
		attr("volumes", "list(string)", "Image volumes."),
		attr("stop_signal", "string", "Signal that stops a container of the image, e.g. \"SIGTERM\"."),
		attr("author", "string", "The image config's author, as MAINTAINER sets it."),
		attr("onbuild", "list(string)", "Dockerfile instructions stored as ONBUILD triggers, for Dockerfiles built FROM this image."),
		attr("healthcheck", "object", "The healthcheck block on one line, like HEALTHCHECK: an object of its attributes written in place, e.g. { test = [\"CMD-SHELL\", \"wget -q --spider http://localhost/\"], interval = \"30s\" }. A target has the attribute or the block, not both."),
	},
	append([]*BlockSpec{HealthcheckSchema}, StepSchemas...)...,
))

// PolicySchema is the schema of a policy block.
var PolicySchema = block("policy", []string{"name"}, "What an environment refuses to build from or with. `check` reports every source and step it refuses at its line; at solve time BuildKit enforces the same rules as a source policy, also for sources the file does not spell (named contexts). Lists left unset allow everything of their kind; an empty list allows nothing.", []*AttrSpec{
	attr("description", "string", "What the policy is for."),
	attr("registries", "list(string)", "Registries images may come from, as host[:port] (\"docker.io\" for Docker Hub)."),
	attr("repositories", "list(string)", "Repositories images may come from, as patterns where * matches any characters, e.g. \"localhost:5000/base/*\"."),
	attr("pinned", "bool", "Every image must be pinned to a digest, in the build file or by build.lock."),
	attr("deny_latest", "bool", "Refuse images tagged latest, or untagged (which means latest)."),
	attr("git_hosts", "list(string)", "Hosts git sources may come from, e.g. [\"github.com\"]."),
	attr("http", "list(string)", "URLs http sources may download, as patterns where * matches any characters."),
	attr("http_checksum", "bool", "Every http source must give its checksum."),
	attr("base_platform", "bool", "Every base image must be published for the platform it is built for: one without it is an error at its from line, found when the build resolves the image, rather than the base-image-platform warning."),
	attr("deny_network", "list(string)", "Network modes run steps may not use: \"host\", \"none\"."),
	attr("deny_security", "list(string)", "Security modes run steps may not use: \"insecure\"."),
	attr("signed_by", "list(string)", "Public keys (PEM files, relative to the build file) one of which must have signed every image, in cosign's format; `buildlang build` verifies the signatures before the solve."),
	attr("attestations", "list(string)", "Attestations every image must have: \"sbom\", \"provenance\" (see attest)."),
})

// FileSchema of the top level.
var TopSchema = &BlockSpec{
	Doc: "A build file.",
	Attrs: []*AttrSpec{
		attr("include", "list(string)", "Other build files to load, by path relative to this file; globs allowed."),
	},
	Blocks: []*BlockSpec{
		block("variable", []string{"name"}, "A typed input, set by --var or a build arg, by the selected environment's vars, or by its default, in that order.", []*AttrSpec{
			attr("type", "type", "Type constraint, e.g. string, number, bool, list(string), object({...}). Defaults to string."),
			attr("default", "any", "Value when nothing else sets the variable. A variable without a default must be set."),
			attr("description", "string", "What the variable is for."),
			attr("sensitive", "bool", "The value is a secret: it must not reach commands, env, labels or args, and is never printed."),
			attr("env", "string", "Name of a host environment variable the CLI reads the value from, below --var. The host environment is never read otherwise."),
		}, block("validation", nil, "A condition the variable's value must meet.", []*AttrSpec{
			required(attr("condition", "bool", "An expression over the variable that must be true.")),
			required(attr("error_message", "string", "The message shown when the condition is false.")),
		})),
		{Type: "locals", Doc: "Named values computed from variables and other locals.", Open: true},
		block("function", []string{"name"}, "A user-defined function callable in expressions.", []*AttrSpec{
			required(attr("params", "list", "Parameter names, e.g. [a, b].")),
			attr("variadic_param", "name", "Name of a final parameter taking any number of arguments as a list."),
			required(attr("result", "any", "The function's value, an expression over its parameters.")),
		}),
		block("environment", []string{"name"}, "A build profile (dev, test, prod) selected with --env, the env opt or the BUILDLANG_ENV build arg.", []*AttrSpec{
			attr("description", "string", "What the environment is for."),
			attr("platforms", "list(string)", "Default platforms of targets built in this environment."),
			attr("cache", "cache", "Default cache policy, cache.NAME."),
			attr("vars", "map(any)", "Variable values for this environment, below --var and above defaults."),
			enum(attr("network", "string", "Network policy of every run step: \"default\", \"none\" or \"host\"."), NetworkModes),
			attr("no_cache", "bool", "Build without the cache."),
			attr("attest", "object", "Attestations of the images built in this environment: { sbom = true, provenance = \"min\" | \"max\" }; a target's attest wins, --sbom/--provenance/--attest win over both."),
			attr("source_date_epoch", "number or string", "SOURCE_DATE_EPOCH of builds in this environment: unix seconds, or \"git\" for the commit time of the checkout (CLI). Sets image creation times and rewrites layer timestamps, for reproducible images; --source-date-epoch and $SOURCE_DATE_EPOCH win."),
			attr("policy", "policy", "The source policy builds in this environment obey, policy.NAME: checked by `buildlang check` and enforced by BuildKit at solve time."),
			attr("nodes", "list(object)", "BuildKit daemons `buildlang build` spreads this environment's builds over when --node and --builder are not given: [{ name = \"arm\", address = \"tcp://10.0.0.5:1234\", platforms = [\"linux/arm64\"], tls = { ca_cert = \"ca.pem\", cert = \"cert.pem\", key = \"key.pem\", server_name = \"arm.example.com\" } }]. Each target's platforms go to the node that runs them natively (spec/nodes.md)."),
		}),
		PolicySchema,
		block("secret", []string{"name"}, "A secret the client provides by id; only the id enters the build graph.", []*AttrSpec{
			attr("id", "string", "The id clients pass, e.g. --secret id=ID; defaults to the block's name."),
			attr("env", "string", "Host environment variable the CLI reads the value from."),
			attr("src", "string", "File the CLI reads the value from."),
			attr("var", "variable", "A sensitive string variable (var.NAME) the CLI takes the value from, e.g. set by --var or the variable's env. Only the secret's id enters the build graph."),
			attr("required", "bool", "Fail when the client does not provide the secret. Defaults to true."),
			attr("description", "string", "What the secret is for."),
		}),
		block("ssh", []string{"name"}, "An SSH agent or keys the client forwards by id.", []*AttrSpec{
			attr("id", "string", "The id clients pass, e.g. --ssh default; defaults to the block's name."),
			attr("paths", "list(string)", "Agent socket or key files the CLI forwards; defaults to $SSH_AUTH_SOCK."),
			attr("required", "bool", "Fail when the client does not forward it. Defaults to true."),
			attr("description", "string", "What the agent is for."),
		}),
		block("cache", []string{"name"}, "A cache policy: where build cache is imported from and exported to.", []*AttrSpec{
			attr("description", "string", "What the policy is for."),
			attr("import", "list(map(string))", "Cache sources in BuildKit's attribute form, e.g. { type = \"registry\", ref = \"...\" }."),
			attr("export", "list(map(string))", "Cache destinations, e.g. { type = \"local\", dest = \".cache\", mode = \"max\" }."),
		}),
		MountsSchema,
		TargetSchema,
		block("group", []string{"name"}, "A named set of targets built together; `default` is built when no target is named.", []*AttrSpec{
			attr("description", "string", "What the group is for."),
			required(attr("targets", "list(target)", "Members: target.NAME (all instances of a matrix target) or group.NAME.")),
		}),
	},
}

// bodyContent decodes a body by its spec as hcl's Body.Content does, but
// reports what the spec does not know with this package's constructors,
// so those errors carry their DiagInfo (and fixes) too.
func bodyContent(body hcl.Body, spec *BlockSpec) (*hcl.BodyContent, hcl.Diagnostics) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return body.Content(spec.schema())
	}
	// HCL's schema fixes a block's label count, so short-form steps
	// (labelled run and copy blocks) are decoded apart and put back in
	// source order.
	all := sb
	sb = withoutShortForms(sb, spec)
	c, ok := partialContent(sb, spec)
	var diags hcl.Diagnostics
	if !ok {
		c, _, diags = sb.PartialContent(spec.schema())
	}
	if sb != all {
		c.Blocks = withShortForms(all, spec, c.Blocks)
	}
	if len(c.Attributes) == len(sb.Attributes) && len(c.Blocks) == len(all.Blocks) {
		return c, diags // everything is in the schema
	}
	var unset, blockTypes []string
	for _, a := range spec.Attrs {
		if c.Attributes[a.Name] == nil {
			unset = append(unset, a.Name)
		}
	}
	for _, b := range spec.Blocks {
		blockTypes = append(blockTypes, b.Type)
	}
	for _, name := range sortedKeys(sb.Attributes) {
		if c.Attributes[name] == nil {
			diags = append(diags, UnsupportedArgument(name, unset, spec.Block(name) != nil, sb.Attributes[name].NameRange))
		}
	}
	for _, b := range sb.Blocks {
		if spec.Block(b.Type) == nil {
			diags = append(diags, UnsupportedBlock(b.Type, blockTypes, spec.Attr(b.Type) != nil, b.TypeRange))
		}
	}
	return c, diags
}

// partialContent is sb.PartialContent(spec.schema()) for a body fresh from
// the parser whose blocks have the labels the schema says, which is what
// PartialContent has no diagnostics for; ok is false for any other body.
// HCL's PartialContent also makes the body that remains, and three maps,
// for every block of a build: a large build's check spent a tenth of its
// allocations there.
func partialContent(sb *hclsyntax.Body, spec *BlockSpec) (c *hcl.BodyContent, ok bool) {
	x := spec.contentIndex()
	n := min(len(sb.Attributes), len(x.attrs))
	c = &hcl.BodyContent{Attributes: make(hcl.Attributes, n), MissingItemRange: sb.MissingItemRange()}
	// The attributes and blocks are what AsHCLAttribute and AsHCLBlock
	// make, allocated together rather than one by one.
	attrs := make([]hcl.Attribute, 0, n)
	for name, a := range sb.Attributes {
		if x.attrs[name] {
			attrs = append(attrs, hcl.Attribute{Name: a.Name, Expr: a.Expr, Range: a.SrcRange, NameRange: a.NameRange})
			c.Attributes[name] = &attrs[len(attrs)-1]
		}
	}
	var blocks []hcl.Block
	for _, b := range sb.Blocks {
		labels, wanted := x.blocks[b.Type]
		if !wanted {
			continue
		}
		if len(b.Labels) != labels {
			return nil, false
		}
		if blocks == nil {
			blocks = make([]hcl.Block, 0, len(sb.Blocks))
		}
		blocks = append(blocks, hcl.Block{Type: b.Type, Labels: b.Labels, Body: b.Body,
			DefRange: b.DefRange(), TypeRange: b.TypeRange, LabelRanges: b.LabelRanges})
		c.Blocks = append(c.Blocks, &blocks[len(blocks)-1])
	}
	return c, true
}

// contentIndex is a spec's schema as partialContent looks it up.
type contentIndex struct {
	attrs  map[string]bool
	blocks map[string]int // labels, by block type
}

var contentIndexes sync.Map // *BlockSpec → *contentIndex

func (b *BlockSpec) contentIndex() *contentIndex {
	if x, ok := contentIndexes.Load(b); ok {
		return x.(*contentIndex)
	}
	s := b.schema()
	x := &contentIndex{attrs: map[string]bool{}, blocks: map[string]int{}}
	for _, a := range s.Attributes {
		x.attrs[a.Name] = true
	}
	for _, bs := range s.Blocks {
		if _, dup := x.blocks[bs.Type]; !dup {
			x.blocks[bs.Type] = len(bs.LabelNames)
		}
	}
	contentIndexes.Store(b, x)
	return x
}
