package lint

import (
	"path"
	"strings"

	"github.com/org/buildlang/lang"
)

// install is a package manager command found in a run step.
type install struct {
	tool string // as the user would write it, e.g. "npm ci"
	// deps is set when the command installs what a manifest in the build
	// context lists (npm ci, go mod download, pip install -r ...), and
	// manifest names those files.
	deps     bool
	manifest []string
	// system is set for OS packages (apt-get, apk).
	system bool
	// cacheDirs are where the tool keeps its download cache, for a cache
	// mount; nil when no cache mount is commonly used.
	cacheDirs []string
	// optOut is set when the command already avoids keeping a cache
	// (apk add --no-cache, pip install --no-cache-dir), or its script
	// removes it (apt-get install ... && rm -rf /var/lib/apt/lists/*).
	optOut bool
	// locked is set when concurrent builds must not share the cache
	// (apt and apk lock their directories).
	locked bool
	// family is the package manager (apt, apk, npm, pip ...), which a
	// cleanup command elsewhere in the script names.
	family string
}

// installs finds the package manager commands of a run step of s.
func installs(s *lang.TargetSpec, r *lang.RunStep) []install {
	if r == nil || len(r.Args) == 0 {
		return nil
	}
	var out []install
	switch {
	case r.Shell:
		out = scriptInstalls(r.Args[len(r.Args)-1])
	case len(r.Args) >= 3 && isShell(r.Args[0]) && r.Args[1] == "-c":
		out = scriptInstalls(r.Args[2])
	default:
		if in, ok := commandInstall(r.Args); ok {
			out = []install{in}
		}
	}
	// PIP_NO_CACHE_DIR, set on the step or the target (as python images'
	// Dockerfiles set it with ENV), opts pip out of its cache.
	v, ok := r.Env["PIP_NO_CACHE_DIR"]
	if !ok && s != nil {
		v, ok = s.Image.Env["PIP_NO_CACHE_DIR"]
	}
	if ok && truthy(v) {
		for i := range out {
			if out[i].family == "pip" {
				out[i].optOut = true
			}
		}
	}
	return out
}

func truthy(v string) bool {
	switch strings.ToLower(v) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

func isShell(prog string) bool {
	switch path.Base(prog) {
	case "sh", "bash", "ash", "dash", "zsh":
		return true
	}
	return false
}

// scriptInstalls splits a shell script into simple commands (roughly: on
// newlines, ;, &&, || and |) and checks each one.
func scriptInstalls(script string) []install {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var out []install
	cleaned := map[string]bool{}
	for _, cmd := range splitCommands(script) {
		argv := strings.Fields(cmd)
		if in, ok := commandInstall(argv); ok {
			out = append(out, in)
		}
		if f := cleanup(argv); f != "" {
			cleaned[f] = true
		}
	}
	read := filesRead(script)
	for i := range out {
		if cleaned[out[i].family] {
			out[i].optOut = true
		}
		// An OS package install that reads files of the context (a .deb,
		// a package list) cannot move above the copy: it needs those
		// files copied first, like a manifest.
		if out[i].system && !out[i].deps && len(read) > 0 {
			out[i].deps, out[i].manifest = true, read
		}
	}
	return out
}

// cleanup recognizes a command that removes a package manager's cache,
// the Dockerfile idiom for an install that keeps none, and returns the
// package manager's family.
func cleanup(argv []string) string {
	argv = skipWrappers(argv)
	if len(argv) == 0 {
		return ""
	}
	sub, rest := firstArg(argv[1:])
	switch path.Base(argv[0]) {
	case "rm":
		for _, a := range argv[1:] {
			switch {
			case strings.HasPrefix(a, "/var/lib/apt/lists"), strings.HasPrefix(a, "/var/cache/apt"):
				return "apt"
			case strings.HasPrefix(a, "/var/cache/apk"), strings.HasPrefix(a, "/etc/apk/cache"):
				return "apk"
			case strings.HasPrefix(a, "/root/.cache/pip"), strings.HasPrefix(a, "~/.cache/pip"):
				return "pip"
			case strings.HasPrefix(a, "/root/.npm"), strings.HasPrefix(a, "~/.npm"):
				return "npm"
			}
		}
	case "apt-get", "apt":
		if sub == "clean" {
			return "apt"
		}
	case "npm", "yarn", "pnpm":
		if sub == "cache" && len(rest) > 0 && (rest[0] == "clean" || rest[0] == "prune") {
			return path.Base(argv[0])
		}
	case "pip", "pip3":
		if sub == "cache" && len(rest) > 0 && rest[0] == "purge" {
			return "pip"
		}
	}
	return ""
}

// filesRead lists the files of the build context a script seems to read
// by a relative path: ./pkg.deb, packages.txt, debian/control. Package
// names, flags, absolute paths and URLs are not files of the context.
func filesRead(script string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(script, func(r rune) bool { return strings.ContainsRune(" \t\n;&|()<>$`\"'", r) }) {
		if strings.HasPrefix(f, "-") || strings.HasPrefix(f, "/") || strings.Contains(f, "://") || strings.Contains(f, "=") {
			continue
		}
		ext := path.Ext(f)
		if strings.HasPrefix(f, "./") || strings.HasPrefix(f, "../") || f == "debian/control" ||
			ext == ".deb" || ext == ".apk" || ext == ".rpm" || ext == ".txt" || ext == ".list" {
			if !contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// skipWrappers drops environment assignments and wrappers:
// DEBIAN_FRONTEND=noninteractive apt-get ..., sudo apt-get ..., xargs apt-get ...
func skipWrappers(argv []string) []string {
	for len(argv) > 0 {
		switch {
		case strings.Contains(argv[0], "="), argv[0] == "sudo", argv[0] == "env", argv[0] == "exec", argv[0] == "time":
			argv = argv[1:]
		case argv[0] == "xargs":
			// xargs [flags] apt-get install -y < packages.txt
			argv = argv[1:]
			for len(argv) > 0 && strings.HasPrefix(argv[0], "-") {
				argv = argv[1:]
			}
		default:
			return argv
		}
	}
	return argv
}

func splitCommands(script string) []string {
	return strings.FieldsFunc(strings.NewReplacer("&&", ";", "||", ";", "|", ";", "(", ";", ")", ";", "\n", ";").Replace(script),
		func(r rune) bool { return r == ';' })
}

// commandInstall recognizes one simple command as argv.
func commandInstall(argv []string) (install, bool) {
	noPipCache := false
	for _, a := range argv {
		if !strings.Contains(a, "=") {
			break
		}
		if v, ok := strings.CutPrefix(a, "PIP_NO_CACHE_DIR="); ok && truthy(v) {
			noPipCache = true
		}
	}
	argv = skipWrappers(argv)
	if len(argv) < 1 {
		return install{}, false
	}
	prog := path.Base(argv[0])
	args := argv[1:]
	sub, rest := firstArg(args)
	has := func(flags ...string) bool {
		for _, a := range args {
			for _, f := range flags {
				if a == f || strings.HasPrefix(a, f+"=") {
					return true
				}
			}
		}
		return false
	}
	switch prog {
	case "apt-get", "apt", "aptitude":
		switch sub {
		case "install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall":
			// Each downloads packages; upgrades are installs too.
			in := install{tool: prog + " " + sub, family: "apt", system: true, locked: true, cacheDirs: aptCacheDirs}
			if sub == "install" {
				in.manifest = packageFiles(positional(rest))
				in.deps = len(in.manifest) > 0
			}
			return in, true
		}
	case "mk-build-deps":
		// mk-build-deps -i installs, with apt, what a debian/control file
		// of the context lists: a manifest install.
		if has("-i", "--install") {
			var manifest []string
			for _, a := range args {
				if strings.HasSuffix(a, "control") || strings.HasSuffix(a, ".dsc") {
					manifest = append(manifest, a)
				}
			}
			if len(manifest) == 0 {
				manifest = []string{"debian/control"}
			}
			return install{tool: "mk-build-deps --install", family: "apt", deps: true, manifest: manifest, locked: true, cacheDirs: aptCacheDirs}, true
		}
	case "apk":
		if sub == "add" || sub == "upgrade" {
			return install{tool: "apk " + sub, family: "apk", system: true, locked: true, cacheDirs: []string{"/etc/apk/cache"}, optOut: has("--no-cache")}, true
		}
	case "npm":
		switch sub {
		case "ci", "install", "i", "install-clean":
			return install{tool: "npm " + sub, family: "npm", deps: sub == "ci" || sub == "install-clean" || len(positional(rest)) == 0,
				manifest: []string{"package.json", "package-lock.json"}, cacheDirs: []string{"/root/.npm"}}, true
		}
	case "yarn":
		if sub == "" || sub == "install" {
			return install{tool: strings.TrimSpace("yarn " + sub), family: "yarn", deps: true,
				manifest: []string{"package.json", "yarn.lock"}, cacheDirs: []string{"/usr/local/share/.cache/yarn"}}, true
		}
	case "pnpm":
		if sub == "install" || sub == "i" {
			return install{tool: "pnpm " + sub, family: "pnpm", deps: true,
				manifest: []string{"package.json", "pnpm-lock.yaml"}, cacheDirs: []string{"/root/.local/share/pnpm/store"}}, true
		}
	case "python", "python3":
		if len(args) >= 2 && args[0] == "-m" && (args[1] == "pip" || args[1] == "pip3") {
			return commandInstall(append([]string{"pip"}, args[2:]...))
		}
	case "pip", "pip3":
		if sub == "install" {
			in := install{tool: prog + " install", family: "pip", cacheDirs: []string{"/root/.cache/pip"}, optOut: noPipCache || has("--no-cache-dir")}
			for i, a := range rest {
				if (a == "-r" || a == "--requirement") && i+1 < len(rest) {
					in.deps, in.manifest = true, append(in.manifest, rest[i+1])
				} else if v, ok := strings.CutPrefix(a, "--requirement="); ok {
					in.deps, in.manifest = true, append(in.manifest, v)
				} else if v, ok := strings.CutPrefix(a, "-r"); ok && v != "" {
					in.deps, in.manifest = true, append(in.manifest, v)
				}
			}
			return in, true
		}
	case "go":
		switch {
		case sub == "mod" && len(rest) > 0 && rest[0] == "download":
			return install{tool: "go mod download", deps: true, manifest: []string{"go.mod", "go.sum"}, cacheDirs: []string{"/go/pkg/mod"}}, true
		case sub == "build" || sub == "install":
			return install{tool: "go " + sub, cacheDirs: []string{"/go/pkg/mod", "/root/.cache/go-build"}}, true
		}
	case "cargo":
		switch sub {
		case "fetch":
			return install{tool: "cargo fetch", deps: true, manifest: []string{"Cargo.toml", "Cargo.lock"}, cacheDirs: []string{"/usr/local/cargo/registry"}}, true
		case "build":
			return install{tool: "cargo build", cacheDirs: []string{"/usr/local/cargo/registry"}}, true
		}
	case "bundle":
		if sub == "install" {
			return install{tool: "bundle install", deps: true, manifest: []string{"Gemfile", "Gemfile.lock"}}, true
		}
	}
	return install{}, false
}

// firstArg is the first argument that is not a flag, and what follows it.
func firstArg(args []string) (string, []string) {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a, args[i+1:]
		}
	}
	return "", nil
}

func positional(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

var aptCacheDirs = []string{"/var/cache/apt", "/var/lib/apt"}

// packageFiles are the arguments of apt-get install that are files, not
// package names: ./pkg.deb, /tmp/pkg.deb is not of the context.
func packageFiles(args []string) []string {
	var out []string
	for _, a := range args {
		if strings.HasSuffix(a, ".deb") && !strings.HasPrefix(a, "/") {
			out = append(out, a)
		}
	}
	return out
}
