package stdlib

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

func semverFuncs() []entry {
	return []entry{
		{name: "semver", category: catSemver, fn: semverFunc},
		{name: "semver_compare", category: catSemver, fn: semverCompareFunc},
		{name: "semver_tags", category: catSemver, fn: semverTagsFunc, optional: true},
	}
}

// semverType is the object semver() returns.
var semverType = cty.Object(map[string]cty.Type{
	"major":      cty.Number,
	"minor":      cty.Number,
	"patch":      cty.Number,
	"prerelease": cty.String,
	"build":      cty.String,
	"string":     cty.String,
})

// version is a parsed SemVer 2.0.0 version. It is written here rather than
// imported because the rules are short and a dependency is not worth it.
type version struct {
	major, minor, patch uint64
	pre                 []string // dot-separated prerelease identifiers
	build               []string // dot-separated build metadata identifiers
}

const semverExamples = `expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] with an optional leading "v", e.g. "1.2.3", "v1.2.3", "1.2.3-rc.1", "1.2.3+build.5"`

// parseVersion parses a strict SemVer 2.0.0 version, allowing a leading "v"
// because git tags usually carry one. Partial versions such as "1.2" are
// rejected: guessing the missing parts would silently produce wrong tags.
func parseVersion(s string) (version, error) {
	fail := func(why string) (version, error) {
		return version{}, fmt.Errorf("invalid semantic version %q: %s; %s", s, why, semverExamples)
	}
	rest := strings.TrimPrefix(s, "v")
	if rest == "" {
		return fail("it is empty")
	}
	var v version
	if i := strings.IndexByte(rest, '+'); i >= 0 {
		ids, err := splitIdentifiers(rest[i+1:], false)
		if err != nil {
			return fail("build metadata " + err.Error())
		}
		v.build, rest = ids, rest[:i]
	}
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		ids, err := splitIdentifiers(rest[i+1:], true)
		if err != nil {
			return fail("prerelease " + err.Error())
		}
		v.pre, rest = ids, rest[:i]
	}
	if rest == "" {
		return fail("MAJOR.MINOR.PATCH is missing")
	}
	core := strings.Split(rest, ".")
	if len(core) != 3 {
		return fail(fmt.Sprintf("it has %d numeric component(s), want 3", len(core)))
	}
	nums := [3]*uint64{&v.major, &v.minor, &v.patch}
	for i, part := range core {
		n, err := parseNumericIdentifier(part)
		if err != nil {
			return fail(fmt.Sprintf("%s version %s", [3]string{"major", "minor", "patch"}[i], err))
		}
		*nums[i] = n
	}
	return v, nil
}

// splitIdentifiers splits a prerelease or build suffix into its identifiers:
// non-empty, [0-9A-Za-z-]; numeric prerelease identifiers may not have
// leading zeros (SemVer 2.0.0 items 9 and 10).
func splitIdentifiers(s string, prerelease bool) ([]string, error) {
	ids := strings.Split(s, ".")
	for _, id := range ids {
		if id == "" {
			return nil, fmt.Errorf("has an empty identifier")
		}
		for _, r := range id {
			if !isAlnum(r) && r != '-' {
				return nil, fmt.Errorf("identifier %q has character %q (allowed: letters, digits, '-')", id, r)
			}
		}
		if prerelease && isNumeric(id) && len(id) > 1 && id[0] == '0' {
			return nil, fmt.Errorf("identifier %q has a leading zero", id)
		}
	}
	return ids, nil
}

func parseNumericIdentifier(s string) (uint64, error) {
	switch {
	case s == "":
		return 0, fmt.Errorf("is empty")
	case !isNumeric(s):
		return 0, fmt.Errorf("%q is not a number", s)
	case len(s) > 1 && s[0] == '0':
		return 0, fmt.Errorf("%q has a leading zero", s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n, nil
}

func isNumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (v version) core() string {
	return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch)
}

// String is the canonical form, without the "v".
func (v version) String() string {
	s := v.core()
	if len(v.pre) > 0 {
		s += "-" + strings.Join(v.pre, ".")
	}
	if len(v.build) > 0 {
		s += "+" + strings.Join(v.build, ".")
	}
	return s
}

// compare orders versions by SemVer precedence; build metadata is ignored.
func (v version) compare(w version) int {
	for _, d := range [][2]uint64{{v.major, w.major}, {v.minor, w.minor}, {v.patch, w.patch}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	// A release has higher precedence than any of its prereleases.
	switch {
	case len(v.pre) == 0 && len(w.pre) == 0:
		return 0
	case len(v.pre) == 0:
		return 1
	case len(w.pre) == 0:
		return -1
	}
	for i := 0; i < len(v.pre) && i < len(w.pre); i++ {
		if c := compareIdentifier(v.pre[i], w.pre[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(v.pre) < len(w.pre):
		return -1
	case len(v.pre) > len(w.pre):
		return 1
	}
	return 0
}

// compareIdentifier: numeric identifiers compare numerically and sort before
// alphanumeric ones, which compare in ASCII order.
func compareIdentifier(a, b string) int {
	an, bn := isNumeric(a), isNumeric(b)
	switch {
	case an && bn:
		// No leading zeros, so the longer number is the larger.
		if len(a) != len(b) {
			if len(a) < len(b) {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(a, b)
}

func (v version) value() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"major":      cty.NumberUIntVal(v.major),
		"minor":      cty.NumberUIntVal(v.minor),
		"patch":      cty.NumberUIntVal(v.patch),
		"prerelease": cty.StringVal(strings.Join(v.pre, ".")),
		"build":      cty.StringVal(strings.Join(v.build, ".")),
		"string":     cty.StringVal(v.String()),
	})
}

// semverTags returns the image references to publish for a release of repo
// at version: for a release "1.2.3" the full, minor, major and (if latest)
// "latest" tags; for a prerelease only the full tag, because a release
// candidate must never move the floating tags. A "+" is not valid in a tag,
// so build metadata joins the full tag with "-" ("1.2.3+b.5" -> "1.2.3-b.5").
func semverTags(repo, ver string, latest bool) ([]string, error) {
	if err := checkRepo(repo); err != nil {
		return nil, err
	}
	v, err := parseVersion(ver)
	if err != nil {
		return nil, err
	}
	full := strings.ReplaceAll(v.String(), "+", "-")
	tags := []string{full}
	if len(v.pre) == 0 {
		tags = append(tags, fmt.Sprintf("%d.%d", v.major, v.minor), fmt.Sprintf("%d", v.major))
		if latest {
			tags = append(tags, "latest")
		}
	}
	refs := make([]string, len(tags))
	for i, t := range tags {
		refs[i] = repo + ":" + t
	}
	return refs, nil
}

// checkRepo catches the likely mistakes (an empty repo, or one that already
// has a tag or digest) without re-implementing the full reference grammar;
// the registry reports anything subtler when the image is pushed.
func checkRepo(repo string) error {
	switch {
	case repo == "":
		return fmt.Errorf("repository is empty; want e.g. \"ghcr.io/org/app\"")
	case strings.ContainsAny(repo, " \t\n@"):
		return fmt.Errorf("repository %q must be a name without spaces or digest, e.g. \"ghcr.io/org/app\"", repo)
	}
	last := repo[strings.LastIndexByte(repo, '/')+1:]
	if strings.Contains(last, ":") {
		return fmt.Errorf("repository %q already has a tag; pass the name without \":tag\"", repo)
	}
	return nil
}

var semverFunc = function.New(&function.Spec{
	Description: `Parses a semantic version (SemVer 2.0.0, with an optional leading "v") into an object {major, minor, patch, prerelease, build, string}; prerelease and build are "" when absent and string is the canonical form without "v". Fails on an invalid version, e.g. "1.2".`,
	Params: []function.Parameter{
		{Name: "version", Type: cty.String, Description: `The version, e.g. "v1.2.3-rc.1+build.5".`},
	},
	Type:         function.StaticReturnType(semverType),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, err := parseVersion(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(semverType), function.NewArgError(0, err)
		}
		return v.value(), nil
	},
})

var semverCompareFunc = function.New(&function.Spec{
	Description: "Compares two semantic versions by SemVer precedence and returns -1 if a < b, 0 if equal, 1 if a > b. Build metadata is ignored; a prerelease sorts before its release (1.0.0-rc.1 < 1.0.0).",
	Params: []function.Parameter{
		{Name: "a", Type: cty.String, Description: "The first version."},
		{Name: "b", Type: cty.String, Description: "The second version."},
	},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var vs [2]version
		for i := range vs {
			v, err := parseVersion(args[i].AsString())
			if err != nil {
				return cty.UnknownVal(cty.Number), function.NewArgError(i, err)
			}
			vs[i] = v
		}
		return cty.NumberIntVal(int64(vs[0].compare(vs[1]))), nil
	},
})

// semverTagsFunc takes "latest" as a VarParam because cty has no optional
// positional parameters; more than one value is an error, so it reads as
// semver_tags(repo, version) or semver_tags(repo, version, false).
var semverTagsFunc = function.New(&function.Spec{
	Description: `Returns the image references to push for a release: semver_tags("org/app", "v1.2.3") is ["org/app:1.2.3", "org/app:1.2", "org/app:1", "org/app:latest"]. A prerelease ("1.2.3-rc.1") gets only its full tag, so floating tags never point at a release candidate. Build metadata is kept in the full tag with "-" instead of "+" ("1.2.3+build.5" -> "1.2.3-build.5"), since "+" is not valid in a tag. Pass false as third argument to leave out "latest" (e.g. when releasing a fix for an older line).`,
	Params: []function.Parameter{
		{Name: "repo", Type: cty.String, Description: `The repository, without a tag, e.g. "ghcr.io/org/app".`},
		{Name: "version", Type: cty.String, Description: `The semantic version, with or without a leading "v".`},
	},
	VarParam: &function.Parameter{
		Name: "latest", Type: cty.Bool,
		Description: `Optional, default true: whether a release also gets the "latest" tag.`,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, function.NewArgErrorf(3, "semver_tags takes at most 3 arguments (repo, version, latest)")
		}
		return cty.List(cty.String), nil
	},
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		latest := len(args) < 3 || args[2].True()
		refs, err := semverTags(args[0].AsString(), args[1].AsString(), latest)
		if err != nil {
			argIdx := 1
			if checkRepo(args[0].AsString()) != nil {
				argIdx = 0
			}
			return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(argIdx, err)
		}
		vals := make([]cty.Value, len(refs))
		for i, r := range refs {
			vals[i] = cty.StringVal(r)
		}
		return cty.ListVal(vals), nil
	},
})
