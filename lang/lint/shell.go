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
	// (apk add --no-cache, pip install --no-cache-dir).
	optOut bool
}

// installs finds the package manager commands of a run step.
func installs(r *lang.RunStep) []install {
	if r == nil || len(r.Args) == 0 {
		return nil
	}
	if r.Shell {
		return scriptInstalls(r.Args[len(r.Args)-1])
	}
	if len(r.Args) >= 3 && isShell(r.Args[0]) && r.Args[1] == "-c" {
		return scriptInstalls(r.Args[2])
	}
	if in, ok := commandInstall(r.Args); ok {
		return []install{in}
	}
	return nil
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
	for _, cmd := range splitCommands(script) {
		if in, ok := commandInstall(strings.Fields(cmd)); ok {
			out = append(out, in)
		}
	}
	return out
}

func splitCommands(script string) []string {
	return strings.FieldsFunc(strings.NewReplacer("&&", ";", "||", ";", "|", ";", "(", ";", ")", ";", "\n", ";").Replace(script),
		func(r rune) bool { return r == ';' })
}

// commandInstall recognizes one simple command as argv.
func commandInstall(argv []string) (install, bool) {
	// Skip environment assignments and wrappers: DEBIAN_FRONTEND=noninteractive apt-get ...
	for len(argv) > 0 && (strings.Contains(argv[0], "=") || argv[0] == "sudo" || argv[0] == "env" || argv[0] == "exec" || argv[0] == "time") {
		argv = argv[1:]
	}
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
	case "apt-get", "apt":
		if sub == "install" {
			return install{tool: prog + " install", system: true, cacheDirs: []string{"/var/cache/apt", "/var/lib/apt"}}, true
		}
	case "apk":
		if sub == "add" {
			return install{tool: "apk add", system: true, cacheDirs: []string{"/etc/apk/cache"}, optOut: has("--no-cache")}, true
		}
	case "npm":
		switch sub {
		case "ci", "install", "i", "install-clean":
			return install{tool: "npm " + sub, deps: sub == "ci" || sub == "install-clean" || len(positional(rest)) == 0,
				manifest: []string{"package.json", "package-lock.json"}, cacheDirs: []string{"/root/.npm"}}, true
		}
	case "yarn":
		if sub == "" || sub == "install" {
			return install{tool: strings.TrimSpace("yarn " + sub), deps: true,
				manifest: []string{"package.json", "yarn.lock"}, cacheDirs: []string{"/usr/local/share/.cache/yarn"}}, true
		}
	case "pnpm":
		if sub == "install" || sub == "i" {
			return install{tool: "pnpm " + sub, deps: true,
				manifest: []string{"package.json", "pnpm-lock.yaml"}, cacheDirs: []string{"/root/.local/share/pnpm/store"}}, true
		}
	case "python", "python3":
		if len(args) >= 2 && args[0] == "-m" && (args[1] == "pip" || args[1] == "pip3") {
			return commandInstall(append([]string{"pip"}, args[2:]...))
		}
	case "pip", "pip3":
		if sub == "install" {
			in := install{tool: prog + " install", cacheDirs: []string{"/root/.cache/pip"}, optOut: has("--no-cache-dir")}
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
