package lint

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

// The rules, in the order they run and spec/lint.md lists them.
var (
	UnusedVariable = rule(&Rule{
		ID:          "unused-variable",
		Description: "A variable is declared but no expression uses it.",
		Explanation: "A variable nobody reads is either left over from an earlier version of the file or a typo away from the place that meant to use it; either way, setting it with --var or an environment's vars silently does nothing. " +
			"A variable counts as used when any expression outside its own validation blocks refers to var.NAME (or to var as a whole). " +
			"Remove the variable block, or use the variable where it was meant to go.",
		Bad: `variable "GO_VERSION" {
  default = "1.22"
}

target "app" {
  from = "golang:1.22"
}
`,
		Good: `variable "GO_VERSION" {
  default = "1.22"
}

target "app" {
  from = "golang:${var.GO_VERSION}"
}
`,
		check: func(p *pass, r *Rule) {
			for _, v := range p.b.Variables {
				if p.used("var", v.Name) {
					continue
				}
				p.warn(r, p.labelRange("variable", v.Name, v.DeclRange), "Unused variable",
					fmt.Sprintf("Variable %q is declared but never used: no expression refers to var.%s, so setting it changes nothing. Use it, or remove the variable block.", v.Name, v.Name), v.Name)
			}
		},
	})

	UnusedLocal = rule(&Rule{
		ID:          "unused-local",
		Description: "A local value is defined but no expression uses it.",
		Explanation: "A local value that nothing reads is dead code: it is still evaluated, and its errors still stop the build. " +
			"Remove it from the locals block, or use it as local.NAME.",
		Bad: `locals {
  registry = "registry.example.com"
}

target "app" {
  from = "alpine:3.20"
}
`,
		Good: `locals {
  registry = "registry.example.com"
}

target "app" {
  from = "alpine:3.20"
  tags = ["${local.registry}/app:latest"]
}
`,
		check: func(p *pass, r *Rule) {
			for _, l := range p.b.Locals {
				if p.used("local", l.Name) {
					continue
				}
				p.warn(r, l.DeclRange, "Unused local value",
					fmt.Sprintf("Local value %q is defined but never used: no expression refers to local.%s. Use it, or remove it from the locals block.", l.Name, l.Name), l.Name)
			}
		},
	})

	UnusedSecret = rule(&Rule{
		ID:          "unused-secret",
		Description: "A secret is declared but no run step mounts it.",
		Explanation: "A secret block tells clients which secrets the build wants. When no run step mounts it (a `secret \"NAME\"` block inside `run`), clients are asked for a value that is never used. " +
			"Mount it in the run step that needs it, or remove the secret block.",
		Bad: `secret "npm_token" {}

target "app" {
  from = "node:22"
  run {
    command = "npm ci"
    cache "/root/.npm" {}
  }
}
`,
		Good: `secret "npm_token" {}

target "app" {
  from = "node:22"
  run {
    command = "npm ci"
    cache "/root/.npm" {}
    secret "npm_token" {
      env = "NPM_TOKEN"
    }
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, s := range p.b.Secrets {
				if p.used("secret", s.Name) {
					continue
				}
				p.warn(r, p.labelRange("secret", s.Name, s.DeclRange), "Unused secret",
					fmt.Sprintf("Secret %q is declared but no run step mounts it, so clients are asked for a value the build never uses. Mount it with a secret %q block in the run step that needs it, or remove the secret block.", s.Name, s.Name), s.Name)
			}
		},
	})

	UnusedSSH = rule(&Rule{
		ID:          "unused-ssh",
		Description: "An ssh agent is declared but no run step mounts it.",
		Explanation: "An ssh block asks clients to forward an SSH agent or keys. When no run step mounts it (an `ssh \"NAME\"` block inside `run`), the agent is forwarded for nothing. " +
			"Mount it in the run step that needs it, or remove the ssh block.",
		Bad: `ssh "github" {}

target "app" {
  from = "alpine/git:2.45.2"
  run {
    command = "git clone git@github.com:org/private.git"
  }
}
`,
		Good: `ssh "github" {}

target "app" {
  from = "alpine/git:2.45.2"
  run {
    command = "git clone git@github.com:org/private.git"
    ssh "github" {}
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, s := range p.b.SSH {
				if p.used("ssh", s.Name) {
					continue
				}
				p.warn(r, p.labelRange("ssh", s.Name, s.DeclRange), "Unused ssh agent",
					fmt.Sprintf("SSH agent %q is declared but no run step mounts it, so clients forward an agent the build never uses. Mount it with an ssh %q block in the run step that needs it, or remove the ssh block.", s.Name, s.Name), s.Name)
			}
		},
	})

	UnusedCache = rule(&Rule{
		ID:          "unused-cache",
		Description: "A cache policy is declared but no target or environment uses it.",
		Explanation: "A cache block describes where build cache is imported from and exported to; it takes effect only when a target's or an environment's `cache` attribute names it as cache.NAME. " +
			"(A `cache \"/path\"` block inside `run` is a cache mount, not a cache policy.) " +
			"Set `cache = cache.NAME` on the environment or target that should use it, or remove the cache block.",
		Bad: `cache "ci" {
  import = [{ type = "registry", ref = "registry.example.com/app:cache" }]
}

target "app" {
  from = "alpine:3.20"
}
`,
		Good: `cache "ci" {
  import = [{ type = "registry", ref = "registry.example.com/app:cache" }]
}

environment "ci" {
  cache = cache.ci
}

target "app" {
  from = "alpine:3.20"
}
`,
		check: func(p *pass, r *Rule) {
			for _, c := range p.b.Caches {
				if p.used("cache", c.Name) {
					continue
				}
				p.warn(r, p.labelRange("cache", c.Name, c.DeclRange), "Unused cache policy",
					fmt.Sprintf("Cache policy %q is declared but never used: no target or environment sets cache = cache.%s, so its imports and exports never happen. Use it, or remove the cache block.", c.Name, c.Name), c.Name)
			}
		},
	})

	UnusedMountSet = rule(&Rule{
		ID:          "unused-mount-set",
		Description: "A mount set is declared but no run step uses it.",
		Explanation: "A mounts block writes mounts once for the run steps that list it as `mounts = [mounts.NAME]`. Its mounts are checked in each step that uses it, so a set no step lists does nothing and is not checked. " +
			"List it in the run steps that need its mounts, or remove the mounts block.",
		Bad: `mounts "apk" {
  cache "/var/cache/apk" {}
}

target "app" {
  from = "alpine:3.20"
  run {
    command = "make"
  }
}
`,
		Good: `mounts "apk" {
  cache "/var/cache/apk" {}
}

target "app" {
  from = "alpine:3.20"
  run {
    command = "make"
    mounts  = [mounts.apk]
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, m := range p.b.MountSets {
				if p.used("mounts", m.Name) {
					continue
				}
				p.warn(r, p.labelRange("mounts", m.Name, m.DeclRange), "Unused mount set",
					fmt.Sprintf("Mount set %q is declared but no run step lists it (mounts = [mounts.%s]), so its mounts are never made, nor checked. Use it, or remove the mounts block.", m.Name, m.Name), m.Name)
			}
		},
	})

	UntaggedBaseImage = rule(&Rule{
		ID:          "untagged-base-image",
		Description: "A target's base image has no tag or digest.",
		Explanation: "An image reference without a tag means `:latest`, which changes whenever the image is republished: the same build file builds something different from one day to the next, and the build cache is invalidated at random. " +
			"Pin the image with a version tag (alpine:3.20) or, for fully reproducible builds, a digest (alpine@sha256:...).",
		Bad: `target "app" {
  from = "alpine"
}
`,
		Good: `target "app" {
  from = "alpine:3.20"
}
`,
		check: func(p *pass, r *Rule) {
			for _, s := range p.specs {
				if ref, tag, ok := baseImage(s); ok && tag == "" {
					p.warn(r, s.From.Range, "Base image without a tag",
						fmt.Sprintf("The base image %q has no tag or digest, so it means %s:latest and changes whenever the image is republished. Pin a version, like \"%s:<version>\", or a digest.", ref, ref, ref), ref)
				}
			}
		},
	})

	LatestBaseImage = rule(&Rule{
		ID:          "latest-base-image",
		Description: "A target's base image is tagged latest.",
		Explanation: "The `latest` tag moves with every release of the image, so builds are not reproducible and the cache is invalidated whenever it moves. " +
			"Pin a version tag or a digest instead.",
		Bad: `target "app" {
  from = "alpine:latest"
}
`,
		Good: `target "app" {
  from = "alpine:3.20"
}
`,
		check: func(p *pass, r *Rule) {
			for _, s := range p.specs {
				if ref, tag, ok := baseImage(s); ok && tag == "latest" {
					name := strings.TrimSuffix(ref, ":latest")
					p.warn(r, s.From.Range, "Base image tagged latest",
						fmt.Sprintf("The base image %q uses the latest tag, which moves with every release of the image. Pin a version, like \"%s:<version>\", or a digest.", ref, name), ref)
				}
			}
		},
	})

	CopyBeforeInstall = rule(&Rule{
		ID:          "copy-before-install",
		Description: "A target copies the whole build context before a step that installs dependencies.",
		Explanation: "Steps are cached in order: when a step's input changes, it and every step after it run again. " +
			"Copying the whole context (`src = [\".\"]`) before installing dependencies means that editing any file, even a README, re-runs the install. " +
			"Copy only the dependency manifests first (package.json and package-lock.json, go.mod and go.sum, requirements.txt...), install, then copy the rest; install system packages (apt-get, apk) before copying anything. " +
			"A system install that reads files of the context (apt-get install ./app.deb, xargs apt-get install < packages.txt, mk-build-deps -i debian/control) cannot move above the copy: the warning says to copy those files first instead, as it does for a step that installs system packages and then what a manifest lists (apt-get install -y libpq-dev && pip install -r requirements.txt). " +
			"The installs recognized, in string commands (split at ;, &&, || and |) and argv commands alike: npm ci and npm install without package names, yarn and yarn install, pnpm install, pip install -r FILE (also as python -m pip), go mod download, cargo fetch, bundle install, mk-build-deps -i, apt-get and apt install, upgrade and dist-upgrade, apk add and apk upgrade.",
		Bad: `target "app" {
  from    = "node:22"
  workdir = "/app"
  copy {
    src  = ["."]
    dest = "."
  }
  run {
    command = "npm ci"
    cache "/root/.npm" {}
  }
}
`,
		Good: `target "app" {
  from    = "node:22"
  workdir = "/app"
  copy {
    src  = ["package.json", "package-lock.json"]
    dest = "."
  }
  run {
    command = "npm ci"
    cache "/root/.npm" {}
  }
  copy {
    src  = ["."]
    dest = "."
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, s := range p.specs {
				var copies []lang.Step
				for _, st := range s.Steps {
					if st.Copy != nil && st.Copy.From.Kind == lang.SourceContext && copiesEverything(st.Copy.Src) {
						copies = append(copies, st)
					}
					if st.Run == nil || len(copies) == 0 {
						continue
					}
					in, ok := stepInstall(installs(s, st.Run))
					if !ok {
						continue
					}
					fix := fmt.Sprintf("Copy only %s first, run %s, then copy the rest.", andList(in.manifest), in.tool)
					if !in.deps {
						fix = fmt.Sprintf("Move the %s step above the copy.", in.tool)
					}
					for _, c := range copies {
						p.warn(r, p.attrRange(c.Range, "src"), "Copy of the whole context before an install",
							fmt.Sprintf("This step copies the whole build context before the run step at %s installs dependencies with %s, so a change to any file re-runs the install. %s",
								shortPos(st.Range), in.tool, fix), in.tool)
					}
				}
			}
		},
	})

	PackageInstallWithoutCache = rule(&Rule{
		ID:          "package-install-without-cache",
		Description: "A run step installs packages or downloads modules without a cache mount.",
		Explanation: "Package managers download the same packages on every build unless their download cache survives between builds. " +
			"A `cache \"/path\"` mount on the run step keeps it, outside the image, so a re-run after a change fetches only what is new. " +
			"Commands that already opt out of a cache are not reported: `apk add --no-cache`, `pip install --no-cache-dir` or PIP_NO_CACHE_DIR set, and a script that removes the cache after installing, the Dockerfile idiom `apt-get install ... && rm -rf /var/lib/apt/lists/*` (or `apt-get clean`, `rm -rf /var/cache/apk/*`, `npm cache clean --force`, `yarn cache clean`, `pip cache purge`). " +
			"The commands recognized, with the cache mounts the warning suggests: apt-get and apt install, upgrade, dist-upgrade and build-dep, and mk-build-deps -i (/var/cache/apt and /var/lib/apt, sharing = \"locked\"), apk add and apk upgrade (/etc/apk/cache, sharing = \"locked\"), npm ci and npm install (/root/.npm), yarn (/usr/local/share/.cache/yarn), pnpm install (/root/.local/share/pnpm/store), pip install (/root/.cache/pip), go mod download (/go/pkg/mod), go build and go install (/go/pkg/mod and /root/.cache/go-build), cargo fetch and cargo build (/usr/local/cargo/registry). Any cache mount on the step silences the rule.",
		Bad: `target "app" {
  from = "golang:1.22"
  run {
    command = "go mod download"
  }
}
`,
		Good: `target "app" {
  from = "golang:1.22"
  run {
    command = "go mod download"
    cache "/go/pkg/mod" {}
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, s := range p.specs {
				for _, st := range s.Steps {
					if st.Run == nil || hasCacheMount(st.Run) {
						continue
					}
					for _, in := range installs(s, st.Run) {
						if in.optOut || in.cacheDirs == nil {
							continue
						}
						var mounts []string
						for _, dir := range in.cacheDirs {
							m := fmt.Sprintf("cache %q {}", dir)
							if in.locked {
								m = fmt.Sprintf("cache %q { sharing = \"locked\" }", dir)
							}
							mounts = append(mounts, m)
						}
						fix := "Add " + andList(mounts) + " to the run step"
						if in.family == "apk" {
							fix += ", or use apk add --no-cache"
						}
						p.warn(r, p.attrRange(st.Range, "command"), "Package install without a cache mount",
							fmt.Sprintf("This step runs %s without a cache mount, so every build downloads everything again. %s.", in.tool, fix), in.tool)
						break
					}
				}
			}
		},
	})

	LiteralVariableInEnv = rule(&Rule{
		ID:          "literal-variable-in-env",
		Description: "An env or args value holds $NAME, which is stored as written, not expanded.",
		Explanation: "A Dockerfile's `ENV PATH=/opt/bin:$PATH` expands $PATH to the base image's value; a build file's env and args values are not expanded: `env = { PATH = \"/opt/bin:$PATH\" }` makes PATH the literal text /opt/bin:$PATH, and a Go, Node or Python base image loses its toolchain from the PATH. " +
			"The rule warns about $NAME and ${NAME} (written $${NAME} in a build file) in the literal text of the env and args of targets and of run and set steps. " +
			EnvVariableAdvice + " If the dollar sign is meant literally, as in a password or a template the program expands itself, suppress the finding with `# lint:ignore literal-variable-in-env`.",
		Bad: `target "app" {
  from = "golang:1.22"
  env = {
    PATH = "/opt/tools/bin:$PATH"
  }
}
`,
		Good: `target "app" {
  from = "golang:1.22"
  env = {
    PATH = "/opt/tools/bin:${base.env.PATH}"
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, it := range p.envItems() {
				literalVariables(it.value, func(text, variable string, rng hcl.Range) {
					info := p.warn(r, rng, "Shell variable in "+it.attr+" value",
						fmt.Sprintf("%s holds %s, which is stored as written: %s values are not expanded as a shell or a Dockerfile's ENV expands them, so %s becomes the literal text %q. %s",
							it.key, variable, it.attr, it.key, text, EnvVariableAdvice), it.key, variable)
					if info != nil && it.attr == "env" {
						// In an env value, base.env.NAME is what $NAME
						// meant. ${NAME} is written $${NAME} in the file.
						name, old := strings.Trim(variable[1:], "{}"), variable
						if strings.HasPrefix(variable, "${") {
							old = "$" + variable
						}
						info.Fixes = []lang.Fix{{Range: rng, Old: old, New: "${base.env." + name + "}"}}
					}
				})
			}
		},
	})

	SecretInArgsOrEnv = rule(&Rule{
		ID:          "secret-in-args-or-env",
		Description: "A variable whose name looks like a secret is passed through args or env.",
		Explanation: "Values passed through args or env are stored in the build graph, its cache and provenance, and a target's env in the image's config too: anyone who can pull the image or read the build cache can read them. " +
			"As BuildKit's SecretsUsedInArgOrEnv rule for Dockerfiles does, the rule warns about names whose whole, first or last _-separated word is apikey, auth, credential(s), key, password, pword, passwd, secret or token (GITHUB_TOKEN, DB_PASSWORD, API_KEY), unless a word is public, file or version (PUBLIC_KEY, TOKEN_FILE). " +
			"Declare a secret block and mount it, as a file or an environment variable, in the run step that needs it: its value never reaches the image or the build graph. " +
			"A name that only looks like a secret (a GPG key's fingerprint, say) can be kept with `# lint:ignore secret-in-args-or-env`.",
		Bad: `target "app" {
  from = "node:22"
  args = {
    NPM_TOKEN = "npm_0123456789"
  }
  run {
    command = "npm ci"
    cache "/root/.npm" {}
  }
}
`,
		Good: `secret "npm_token" {}

target "app" {
  from = "node:22"
  run {
    command = "npm ci"
    cache "/root/.npm" {}
    secret "npm_token" {
      env = "NPM_TOKEN"
    }
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, it := range p.envItems() {
				if !looksSecret(it.key) {
					continue
				}
				where := "the " + it.attr + " of a " + it.block + " step"
				if it.block == "target" {
					where = "a target's " + it.attr
				}
				id := strings.ToLower(it.key)
				p.warn(r, it.keyRange, "Secret passed through "+it.attr,
					fmt.Sprintf("%s looks like a secret, and a value passed through %s is stored in the build graph and its cache (a target's env in the image too), where anyone with the image or the cache can read it. Declare secret %q {} and mount it in the run step that needs it with secret %q { env = %q }.",
						it.key, where, id, id, it.key), it.key, it.attr)
			}
		},
	})

	NeedsEntitlement = rule(&Rule{
		ID:          "needs-entitlement",
		Description: "A run step needs a BuildKit entitlement: the host's network or no sandbox.",
		Explanation: "`network = \"host\"` gives a step the host's network stack and `security = \"insecure\"` runs it without the sandbox, with every privilege of the host. " +
			"BuildKit refuses both unless the build is granted the matching entitlement, `network.host` or `security.insecure`, and buildkitd allows it (`--allow-insecure-entitlement`); without it the build fails when it reaches the step. " +
			"A build file from a repository you do not control can ask for either, so grant them only to builds you trust: pass `--allow network.host` or `--allow security.insecure` to buildctl, docker buildx or `buildlang build` (which refuses the build before it starts without it), and the daemon must allow it. " +
			"Use the default network, or `network = \"none\"`, where the step does not need the host's.",
		Bad: `target "app" {
  from = "alpine:3.20"
  run {
    command = "ip addr"
    network = "host"
  }
}
`,
		Good: `target "app" {
  from = "alpine:3.20"
  run {
    command = "ip addr"
    network = "none"
  }
}
`,
		check: func(p *pass, r *Rule) {
			for _, s := range p.specs {
				for _, st := range s.Steps {
					if st.Run == nil {
						continue
					}
					for _, e := range st.Run.Entitlements() {
						attr, what := "network", "runs on the host's network"
						if e == lang.EntitlementSecurityInsecure {
							attr, what = "security", "runs without the sandbox, with the host's privileges"
						}
						p.warn(r, p.attrRange(st.Range, attr), "Step needs the "+e+" entitlement",
							fmt.Sprintf("This step %s, which BuildKit allows only when the build is granted the %s entitlement: pass --allow %s to buildctl, docker buildx or buildlang build, and start buildkitd with --allow-insecure-entitlement %s.", what, e, e, e))
					}
				}
			}
		},
	})

	UnusedSuppression = rule(&Rule{
		ID:          "unused-suppression",
		Description: "A suppression comment suppresses no finding.",
		Explanation: "A finding can be suppressed where it is: `# lint:ignore RULE` at the end of its line or on the line above it, or in the whole file with `# lint:file-ignore RULE` anywhere in the file (several rules separated by commas, a reason after them; `//` and `/* */` comments work too). " +
			"A suppression that suppresses nothing (the finding went away, the comment is on the wrong line, or the rule id is misspelt) would silently hide the next real finding there, so it is reported. " +
			"Remove it, move it to the line of the finding, or correct the rule id. This rule's own findings cannot be suppressed.",
		Bad: `target "app" {
  # lint:ignore latest-base-image
  from = "alpine:3.20"
}
`,
		Good: `target "app" {
  # lint:ignore latest-base-image the nightly build follows alpine's latest on purpose
  from = "alpine:latest"
}
`,
		// Run applies suppressions after every other rule.
	})
)

// baseImage returns a target's base image reference and its tag ("" when
// untagged); ok is false when the base is not an image or is pinned by
// digest, in the build file or by build.lock.
func baseImage(s *lang.TargetSpec) (ref, tag string, ok bool) {
	if s.From.Kind != lang.SourceImage || s.From.Ref == "" || s.From.Range.Filename == "" || s.From.Digest != "" {
		return "", "", false
	}
	ref = s.From.Ref
	if strings.Contains(ref, "@") {
		return ref, "", false
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.LastIndex(last, ":"); i >= 0 {
		tag = last[i+1:]
	}
	return ref, tag, true
}

func copiesEverything(src []string) bool {
	for _, s := range src {
		switch s {
		case ".", "./", "*", "./*", "/":
			return true
		}
	}
	return false
}

func hasCacheMount(r *lang.RunStep) bool {
	for _, m := range r.Mounts {
		if m.Kind == lang.MountCache {
			return true
		}
	}
	return false
}

func andList(xs []string) string {
	switch len(xs) {
	case 0:
		return "the dependency manifests"
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func shortPos(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}

// stepInstall is what copy-before-install says of a run step's installs:
// when any of them reads manifests of the context, the step cannot move
// above the copy (apt-get install python3-pip && pip install -r
// requirements.txt), so it is the first such install, with every
// manifest the step reads; otherwise the first system install.
func stepInstall(ins []install) (install, bool) {
	var first *install
	var manifest []string
	for i := range ins {
		in := &ins[i]
		if in.deps {
			// The package manager's own manifest install names the step
			// better than an OS install that reads a file.
			if first == nil || !first.deps || first.system && !in.system {
				first = in
			}
			for _, m := range in.manifest {
				if !contains(manifest, m) {
					manifest = append(manifest, m)
				}
			}
		} else if in.system && first == nil {
			first = in
		}
	}
	if first == nil {
		return install{}, false
	}
	out := *first
	if out.deps {
		out.manifest = manifest
	}
	return out, true
}
