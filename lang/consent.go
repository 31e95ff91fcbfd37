package lang

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// This file holds the user's consent: what a build file may ask of the
// daemon (entitlements) and of the host (files outside the build context,
// host environment variables, the ssh agent), as `docker buildx bake
// --allow` grants it. Every surface asks the same questions here: lang
// when it would read a variable's host environment variable (check,
// compile, the language server, build), the builder for secrets, ssh,
// outputs, caches and entitlements. What the command line names itself
// (--secret, --ssh, --var, ...) needs no further consent: the user typed
// it.

// Allow is what --allow granted. The zero value grants nothing.
type Allow struct {
	// Entitlements are BuildKit entitlements as BuildKit takes them:
	// network.host, security.insecure, device (every CDI device) and
	// device=NAME (one).
	Entitlements []string
	// FSRead and FSWrite are host paths (a file or a directory and all
	// below it) the build file may read or write; "*" is any path.
	FSRead, FSWrite []string
	// Env names host environment variables the build file may read; "*"
	// is any.
	Env []string
	// SSH lets an ssh block forward the agent at $SSH_AUTH_SOCK.
	SSH bool
}

// ParseAllow parses --allow values (each may hold several, comma
// separated by the flag): the forms of AllowForms; PATH and NAME may be *.
// Relative paths are made absolute.
func ParseAllow(values []string) (Allow, error) {
	var a Allow
	for _, v := range values {
		k, val, hasVal := strings.Cut(v, "=")
		switch {
		case !hasVal && (k == EntitlementNetworkHost || k == EntitlementSecurityInsecure || k == EntitlementDevice),
			hasVal && val != "" && k == EntitlementDevice:
			g := v
			if val == "*" {
				g = EntitlementDevice // BuildKit's way to grant every device
			}
			if !slices.Contains(a.Entitlements, g) {
				a.Entitlements = append(a.Entitlements, g)
			}
		case !hasVal && k == "ssh":
			a.SSH = true
		case hasVal && val == "":
			return Allow{}, fmt.Errorf("--allow %s: give a value, e.g. %s=* for any", v, k)
		case hasVal && (k == "fs.read" || k == "fs.write" || k == "fs"):
			p := val
			if p != "*" {
				abs, err := filepath.Abs(p)
				if err != nil {
					return Allow{}, fmt.Errorf("--allow %s: %w", v, err)
				}
				p = abs
			}
			if k != "fs.write" {
				a.FSRead = append(a.FSRead, p)
			}
			if k != "fs.read" {
				a.FSWrite = append(a.FSWrite, p)
			}
		case hasVal && k == "env":
			a.Env = append(a.Env, val)
		default:
			return Allow{}, fmt.Errorf("--allow %q: unknown; use %s", v, strings.Join(AllowForms, ", "))
		}
	}
	return a, nil
}

// DeviceGrant is the grant of the CDI device name to ask BuildKit for:
// "device" when --allow device granted every device, "device=NAME" when
// it granted this one; ok is false when neither was granted.
func (a Allow) DeviceGrant(name string) (grant string, ok bool) {
	for _, g := range []string{EntitlementDevice, EntitlementDevice + "=" + name} {
		if slices.Contains(a.Entitlements, g) {
			return g, true
		}
	}
	return "", false
}

// EnvAllowed says whether the build file may read the host environment
// variable name (--allow env=NAME or env=*).
func (a Allow) EnvAllowed(name string) bool {
	return slices.Contains(a.Env, name) || slices.Contains(a.Env, "*")
}

// ReadAllowed says whether the build file may read a host path: inside
// the build context dir, or granted with --allow fs.read.
func (a Allow) ReadAllowed(path, contextDir string) bool {
	return PathAllowed(path, append([]string{contextDir}, a.FSRead...))
}

// WriteAllowed is ReadAllowed for writes (--allow fs.write).
func (a Allow) WriteAllowed(path, contextDir string) bool {
	return PathAllowed(path, append([]string{contextDir}, a.FSWrite...))
}

// PathAllowed says whether path is one of grants or below one, after
// resolving symbolic links (a link inside the context to a file outside
// it is outside). "*" grants every path.
func PathAllowed(path string, grants []string) bool {
	real := resolveExisting(path)
	for _, g := range grants {
		if g == "*" {
			return true
		}
		if g = resolveExisting(g); real == g || strings.HasPrefix(real, strings.TrimSuffix(g, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// resolveExisting makes path absolute and resolves the symbolic links of
// its longest existing prefix; the rest is kept as it is.
func resolveExisting(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	rest := ""
	for dir := abs; ; {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		} else if !errors.Is(err, os.ErrNotExist) {
			return abs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// hostEnv looks up the host environment variable a variable's env
// attribute names, when the evaluation has a host (Options.HostEnv) and
// the user granted it. One that is set but not granted is not used (only
// whether it is set is asked): the variable's value falls to the next
// source, and it is reported at the env attribute, the same in every
// command and the language server.
func (e *evaluator) hostEnv(d *decoder, variable, name string, attr *hcl.Attribute) (string, bool) {
	if name == "" || e.opts.HostEnv == nil {
		return "", false
	}
	if !e.opts.Allow.EnvAllowed(name) {
		if _, set := e.opts.HostEnv(name); set {
			d.add(HostEnvNotGranted(variable, name, attr.Expr.Range()))
		}
		return "", false
	}
	return e.opts.HostEnv(name)
}
