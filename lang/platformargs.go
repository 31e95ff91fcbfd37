package lang

import (
	"strings"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/stdlib"
)

// PlatformArgNames are the Dockerfile frontend's predefined platform args.
var PlatformArgNames = []string{
	"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
	"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
}

// platformArgs gives the platform args a command mentions their values.
// Only mentioned ones are set, so other steps' env, and cache keys, stay
// as they were.
func platformArgs(args []string, target, build ocispecs.Platform) map[string]string {
	var out map[string]string
	for _, name := range PlatformArgNames {
		if !mentions(args, name) {
			continue
		}
		p, attr := target, strings.TrimPrefix(name, "TARGET")
		if strings.HasPrefix(name, "BUILD") {
			p, attr = build, strings.TrimPrefix(name, "BUILD")
		}
		v := stdlib.PlatformValue(p)
		key := map[string]string{"PLATFORM": "string", "OS": "os", "ARCH": "arch", "VARIANT": "variant"}[attr]
		if out == nil {
			out = map[string]string{}
		}
		out[name] = v.GetAttr(key).AsString()
	}
	return out
}

// mentions says whether any arg holds $name or ${name...} as a whole name.
func mentions(args []string, name string) bool {
	for _, a := range args {
		for i := 0; ; {
			j := strings.Index(a[i:], name)
			if j < 0 {
				break
			}
			j += i
			end := j + len(name)
			before := j > 0 && (a[j-1] == '$' || j > 1 && a[j-1] == '{' && a[j-2] == '$')
			after := end == len(a) || !isNameByte(a[end])
			if before && after {
				return true
			}
			i = end
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
