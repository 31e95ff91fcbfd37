package stdlib

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

func platformFuncs() []entry {
	return []entry{
		{name: "platform", category: catPlatform, fn: platformFunc},
		{name: "platform_string", category: catPlatform, fn: platformStringFunc},
	}
}

// PlatformType is the cty object type of a platform value: {os, arch,
// variant, string} (all strings; variant "" when none; string like
// "linux/arm/v7" or "linux/amd64").
//
// Values are normalized by containerd, which drops the default variant of
// arm64: "linux/arm64/v8" becomes {os="linux", arch="arm64", variant="",
// string="linux/arm64"}, while "linux/arm" gains its default and becomes
// "linux/arm/v7". OS version and features are not represented.
var PlatformType = cty.Object(map[string]cty.Type{
	"os":      cty.String,
	"arch":    cty.String,
	"variant": cty.String,
	"string":  cty.String,
})

const platformExamples = `valid examples: "linux/amd64", "linux/arm64", "linux/arm/v7", "windows/amd64", "arm64" (means linux/arm64)`

// knownOS mirrors containerd's list. It is needed because containerd fills
// a missing architecture in from the host ("linux" alone means the host's
// GOARCH), which would make the result depend on the machine.
var knownOS = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true,
	"hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "macos": true,
	"nacl": true, "netbsd": true, "openbsd": true, "plan9": true, "solaris": true,
	"windows": true, "zos": true,
}

// ParsePlatform parses and normalizes "linux/arm64", "arm64", "linux/arm/v7"
// etc. with containerd/platforms. Unlike containerd it never consults the
// host: a bare architecture means Linux, and a bare OS is an error. The error
// says what is wrong and lists valid examples.
func ParsePlatform(s string) (ocispecs.Platform, error) {
	fail := func(why string) (ocispecs.Platform, error) {
		return ocispecs.Platform{}, fmt.Errorf("invalid platform %q: %s; %s", s, why, platformExamples)
	}
	spec := strings.TrimSpace(s)
	if spec == "" {
		return fail("it is empty")
	}
	parts := strings.Split(spec, "/")
	if len(parts) > 3 {
		return fail("too many components, want os/arch[/variant]")
	}
	for i, part := range parts {
		if part == "" {
			return fail(fmt.Sprintf("%s is empty", [3]string{"the OS", "the architecture", "the variant"}[i]))
		}
	}
	single := len(parts) == 1
	if single {
		os, _, _ := strings.Cut(strings.ToLower(spec), "(")
		if knownOS[os] {
			return fail("it names an operating system but no architecture")
		}
	}
	p, err := platforms.Parse(spec)
	if err != nil {
		return fail(strings.TrimSuffix(strings.TrimPrefix(err.Error(), fmt.Sprintf("%q", spec)+": "), ": invalid argument"))
	}
	if single {
		// containerd set the host's OS here.
		p.OS = "linux"
	}
	p = platforms.Normalize(p)
	if !knownOS[p.OS] {
		return fail(fmt.Sprintf("unknown operating system %q", p.OS))
	}
	if !knownArch[p.Architecture] {
		return fail(fmt.Sprintf("unknown architecture %q (known: %s)", p.Architecture, strings.Join(sortedArchs(), ", ")))
	}
	return p, nil
}

// knownArch are the architectures Go and OCI images use (GOARCH values);
// containerd accepts any word, so a typo like "arm6" would otherwise pass.
var knownArch = map[string]bool{
	"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true,
	"mips": true, "mipsle": true, "mips64": true, "mips64le": true,
	"ppc64": true, "ppc64le": true, "riscv64": true, "s390x": true, "wasm": true,
}

func sortedArchs() []string {
	out := make([]string, 0, len(knownArch))
	for a := range knownArch {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// PlatformValue converts a platform to its cty value, normalized with
// containerd/platforms.Normalize. An empty OS stays empty rather than being
// filled in from the host.
func PlatformValue(p ocispecs.Platform) cty.Value {
	n := platforms.Normalize(p)
	if p.OS == "" {
		n.OS = ""
	}
	return cty.ObjectVal(map[string]cty.Value{
		"os":      cty.StringVal(n.OS),
		"arch":    cty.StringVal(n.Architecture),
		"variant": cty.StringVal(n.Variant),
		"string":  cty.StringVal(path.Join(n.OS, n.Architecture, n.Variant)),
	})
}

// PlatformFromValue converts back: it accepts a PlatformType object (or any
// object or map with string os, arch and optional variant; the string
// attribute is ignored) or a string for ParsePlatform.
func PlatformFromValue(v cty.Value) (ocispecs.Platform, error) {
	v, _ = v.Unmark()
	switch {
	case v.IsNull():
		return ocispecs.Platform{}, fmt.Errorf("platform is null")
	case !v.IsWhollyKnown():
		return ocispecs.Platform{}, fmt.Errorf("platform is not known yet")
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return ParsePlatform(v.AsString())
	case ty.IsObjectType() || ty.IsMapType():
		get := func(name string, required bool) (string, error) {
			var attr cty.Value
			if ty.IsObjectType() {
				if !ty.HasAttribute(name) {
					if required {
						return "", fmt.Errorf("platform object has no %q attribute", name)
					}
					return "", nil
				}
				attr = v.GetAttr(name)
			} else {
				key := cty.StringVal(name)
				if !v.HasIndex(key).True() {
					if required {
						return "", fmt.Errorf("platform map has no %q key", name)
					}
					return "", nil
				}
				attr = v.Index(key)
			}
			if attr.IsNull() || attr.Type() != cty.String {
				return "", fmt.Errorf("platform %q must be a string", name)
			}
			return attr.AsString(), nil
		}
		os, err := get("os", true)
		if err != nil {
			return ocispecs.Platform{}, err
		}
		arch, err := get("arch", true)
		if err != nil {
			return ocispecs.Platform{}, err
		}
		variant, err := get("variant", false)
		if err != nil {
			return ocispecs.Platform{}, err
		}
		if os == "" || arch == "" {
			return ocispecs.Platform{}, fmt.Errorf("platform needs a non-empty os and arch; %s", platformExamples)
		}
		// Round-trip through the parser so objects get the same
		// validation and normalization as strings.
		return ParsePlatform(path.Join(os, arch, variant))
	}
	return ocispecs.Platform{}, fmt.Errorf("a platform must be a string or a platform object, not %s", ty.FriendlyName())
}

var platformFunc = function.New(&function.Spec{
	Description: `Parses and normalizes a platform string into an object {os, arch, variant, string}. A bare architecture means Linux ("arm64" is linux/arm64); the default variant of arm64 is dropped ("linux/arm64/v8" gives string "linux/arm64") and that of arm is added ("linux/arm" gives "linux/arm/v7"). Fails on an empty or malformed platform or a bare OS.`,
	Params: []function.Parameter{
		{Name: "platform", Type: cty.String, Description: `The platform, e.g. "linux/amd64", "linux/arm/v7", "windows/amd64" or "arm64".`},
	},
	Type:         function.StaticReturnType(PlatformType),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := ParsePlatform(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(PlatformType), function.NewArgError(0, err)
		}
		return PlatformValue(p), nil
	},
})

var platformStringFunc = function.New(&function.Spec{
	Description: `Returns the normalized os/arch[/variant] string of a platform object or string, as containerd formats it: platform_string("aarch64") is "linux/arm64", platform_string("linux/arm") is "linux/arm/v7".`,
	Params: []function.Parameter{
		{Name: "platform", Type: cty.DynamicPseudoType, AllowDynamicType: true, Description: "A platform object (from platform()) or a platform string."},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := PlatformFromValue(args[0])
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		return cty.StringVal(platforms.Format(p)), nil
	},
})
