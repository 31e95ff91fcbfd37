package lang

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/stdlib"
)

// Set is one --set override of a target's attribute, as
// `docker buildx bake --set TARGET.ATTR=VALUE` gives it. It wins over
// every other source of the attribute's value: the file, the
// environment's vars, --var and host variables.
type Set struct {
	// Target is a target or matrix instance name, a matrix block's name
	// (every instance), or a pattern of them with * and ? ("*" is every
	// target).
	Target string
	// Attr is the attribute: one of SetAttrs.
	Attr string
	// Key is the entry of a map attribute: args.KEY, labels.KEY, ...
	Key string
	// Value is as given; list attributes split it at commas.
	Value string
	// Append adds to a list or map (+=) instead of replacing it.
	Append bool
	// Flag is the --set value as given, for messages.
	Flag string
}

// SetAttrs are the attributes --set can override; map attributes take a
// key (args.KEY), the others none. "platform" is bake's spelling of
// "platforms".
var SetAttrs = []string{"platforms", "platform", "tags", "output", "cache", "no_cache", "network", "args.KEY", "labels.KEY", "annotations.KEY", "env.KEY"}

var (
	setMapAttrs  = []string{"args", "labels", "annotations", "env"}
	setAttrNames = append([]string{"platforms", "platform", "tags", "output", "cache", "no_cache", "network"}, setMapAttrs...)
)

// ParseSet parses TARGET.ATTR=VALUE, TARGET.ATTR.KEY=VALUE or += for
// appending.
func ParseSet(s string) (Set, error) {
	lhs, val, ok := strings.Cut(s, "=")
	if !ok {
		return Set{}, fmt.Errorf("--set %q: write TARGET.ATTR=VALUE, e.g. app.platforms=linux/arm64", s)
	}
	set := Set{Value: val, Flag: s}
	if l, ok := strings.CutSuffix(lhs, "+"); ok {
		lhs, set.Append = l, true
	}
	// Target names (matrix instances) and map keys (labels) may hold dots:
	// the attribute is the first part that names one.
	parts := strings.Split(lhs, ".")
	i := slices.IndexFunc(parts, func(p string) bool { return slices.Contains(setAttrNames, p) })
	if i <= 0 || parts[0] == "" {
		if len(parts) < 2 || parts[0] == "" || parts[len(parts)-1] == "" {
			return Set{}, fmt.Errorf("--set %q: write TARGET.ATTR=VALUE (* for every target), e.g. app.platforms=linux/arm64", s)
		}
		attr := parts[len(parts)-1]
		return Set{}, fmt.Errorf("--set %q: %q cannot be set%s; use one of %s", s, attr, didYouMean(attr, setAttrNames), strings.Join(SetAttrs, ", "))
	}
	set.Target = strings.Join(parts[:i], ".")
	set.Attr, set.Key = parts[i], strings.Join(parts[i+1:], ".")
	if _, err := path.Match(set.Target, ""); err != nil {
		return Set{}, fmt.Errorf("--set %q: the target pattern %q is malformed", s, set.Target)
	}
	isMap := slices.Contains(setMapAttrs, set.Attr)
	switch {
	case isMap && set.Key == "":
		return Set{}, fmt.Errorf("--set %q: %s is a map; set one entry, %s.%s.KEY=VALUE", s, set.Attr, set.Target, set.Attr)
	case !isMap && i < len(parts)-1:
		return Set{}, fmt.Errorf("--set %q: %s takes no key", s, set.Attr)
	case set.Append && !isMap && !slices.Contains([]string{"platforms", "platform", "tags", "output"}, set.Attr):
		return Set{}, fmt.Errorf("--set %q: += adds to a list or map; %s is neither", s, set.Attr)
	}
	return set, nil
}

func (s Set) matches(t *Target) bool {
	for _, name := range []string{t.Name, t.Block} {
		if ok, _ := path.Match(s.Target, name); ok {
			return true
		}
	}
	return false
}

func (s Set) list() []string {
	var out []string
	for _, v := range strings.Split(s.Value, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// checkSets reports --set values that match no target or whose value is
// wrong for the attribute, and sets the platforms overridden, before the
// targets' default platforms are worked out.
func (e *evaluator) checkSets() hcl.Diagnostics {
	var diags hcl.Diagnostics
	fail := func(s Set, format string, args ...any) {
		diags = append(diags, InvalidSet(s.Flag, fmt.Sprintf(format, args...)))
	}
	for _, s := range e.opts.Set {
		var names []string
		for _, t := range e.build.Targets {
			if s.matches(t) {
				names = append(names, t.Name)
			}
		}
		if len(names) == 0 {
			var all []string
			for _, t := range e.build.Targets {
				all = append(all, t.Name)
			}
			fail(s, "no target is named %q.%s", s.Target, didYouMean(s.Target, all))
			continue
		}
		switch s.Attr {
		case "platforms", "platform":
			var ps []ocispecs.Platform
			for _, v := range s.list() {
				p, err := stdlib.ParsePlatform(v)
				if err != nil {
					fail(s, "%s", err)
					ps = nil
					break
				}
				ps = append(ps, p)
			}
			if len(ps) == 0 {
				continue
			}
			for _, t := range e.build.Targets {
				if s.matches(t) {
					if s.Append {
						t.Platforms = append(slices.Clone(t.Platforms), ps...)
					} else {
						t.Platforms = ps
					}
				}
			}
		case "no_cache":
			if _, err := strconv.ParseBool(s.Value); err != nil {
				fail(s, "no_cache is true or false, not %q", s.Value)
			}
		case "network":
			if !slices.Contains(NetworkModes, s.Value) {
				fail(s, "network is one of %s, not %q", strings.Join(NetworkModes, ", "), s.Value)
			}
		case "cache":
			if s.Value != "" && e.build.Cache(s.Value) == nil {
				var names []string
				for _, c := range e.build.Caches {
					names = append(names, c.Name)
				}
				fail(s, "there is no cache policy named %q.%s", s.Value, didYouMean(s.Value, names))
			}
		}
	}
	return diags
}

// applySets overrides a resolved target's attributes with the --set
// values that match it, in command-line order.
func (e *evaluator) applySets(t *Target, spec *TargetSpec) {
	setMap := func(m map[string]string, s Set) map[string]string {
		m = maps.Clone(m)
		if m == nil {
			m = map[string]string{}
		}
		m[s.Key] = s.Value // += adds an entry too
		return m
	}
	setList := func(l []string, s Set) []string {
		if s.Append {
			return append(slices.Clone(l), s.list()...)
		}
		return s.list()
	}
	for _, s := range e.opts.Set {
		if !s.matches(t) {
			continue
		}
		switch s.Attr {
		case "tags":
			spec.Tags = setList(spec.Tags, s)
		case "output":
			spec.Outputs = setList(spec.Outputs, s)
		case "cache":
			spec.Cache = s.Value
		case "no_cache":
			spec.NoCache, _ = strconv.ParseBool(s.Value)
		case "network":
			spec.Network = normalizeNetwork(s.Value)
		case "args":
			spec.Args = setMap(spec.Args, s)
		case "labels":
			spec.Image.Labels = setMap(spec.Image.Labels, s)
		case "annotations":
			spec.Image.Annotations = setMap(spec.Image.Annotations, s)
		case "env":
			spec.Image.Env = setMap(spec.Image.Env, s)
		}
	}
}
