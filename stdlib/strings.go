package stdlib

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	ctystdlib "github.com/zclconf/go-cty/cty/function/stdlib"
)

func stringFuncs() []entry {
	s := func(name string, fn function.Function) entry {
		return entry{name: name, category: catStrings, fn: fn}
	}
	return []entry{
		s("chomp", describe(ctystdlib.ChompFunc, "", "The string to remove trailing newlines from.")),
		s("endswith", endsWithFunc),
		s("format", describe(ctystdlib.FormatFunc,
			`Builds a string by applying printf-style formatting verbs (%s, %d, %q, %v, %#v, ...) to the given arguments.`,
			"The format string, with one verb per argument.",
			"The values to format, one per verb.")),
		s("formatlist", describe(ctystdlib.FormatListFunc,
			`Like format, but any list arguments are iterated in parallel, producing one formatted string per element; non-list arguments are repeated.`,
			"The format string, with one verb per argument.",
			"The values or lists of values to format; all lists must have the same length.")),
		s("indent", describe(ctystdlib.IndentFunc, "Adds the given number of spaces after each newline in the string (the first line is not indented).", "", "")),
		s("join", describe(ctystdlib.JoinFunc, "", "", "")),
		s("lower", describe(ctystdlib.LowerFunc, "", "The string to convert.")),
		s("regex", describe(ctystdlib.RegexFunc,
			"Matches the string against an RE2 regular expression and returns the first match: a string when the pattern has no capture groups, a list for unnamed groups, an object for named groups. Fails if there is no match.",
			"The RE2 regular expression.",
			"The string to search.")),
		s("regexall", describe(ctystdlib.RegexAllFunc,
			"Like regex, but returns a list of all non-overlapping matches, or an empty list when nothing matches.",
			"The RE2 regular expression.",
			"The string to search.")),
		s("regex_replace", describe(ctystdlib.RegexReplaceFunc,
			"Replaces every match of an RE2 regular expression in the string; the replacement may refer to capture groups as $1 or ${name}.",
			"The string to search.",
			"The RE2 regular expression.",
			"The replacement text.")),
		s("replace", describe(ctystdlib.ReplaceFunc, "Replaces every occurrence of a literal substring in the string.", "", "", "")),
		s("sanitize_name", sanitizeNameFunc),
		s("sanitize_tag", sanitizeTagFunc),
		s("split", describe(ctystdlib.SplitFunc, "", "", "")),
		s("startswith", startsWithFunc),
		s("strcontains", strContainsFunc),
		s("strlen", describe(ctystdlib.StrlenFunc, "", "The string to measure.")),
		s("strrev", describe(ctystdlib.ReverseFunc, "", "The string to reverse.")),
		s("substr", describe(ctystdlib.SubstrFunc,
			"Extracts a substring by offset and length, counted in Unicode characters. A negative offset counts from the end; a length of -1 means to the end of the string.",
			"", "", "")),
		s("title", describe(ctystdlib.TitleFunc, "Converts the first letter of each word to uppercase.", "The string to convert.")),
		s("trim", describe(ctystdlib.TrimFunc, "", "", "")),
		s("trimprefix", describe(ctystdlib.TrimPrefixFunc, "", "", "")),
		s("trimspace", describe(ctystdlib.TrimSpaceFunc, "Removes Unicode whitespace from the start and end of the string.", "The string to trim.")),
		s("trimsuffix", describe(ctystdlib.TrimSuffixFunc, "Removes the given suffix from the end of the string, if present.", "", "")),
		s("upper", describe(ctystdlib.UpperFunc, "", "The string to convert.")),
	}
}

// stringPredicate builds startswith/endswith/strcontains, which go-cty
// lacks but build files use constantly (e.g. to branch on a git ref).
func stringPredicate(desc, argName, argDesc string, pred func(s, arg string) bool) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params: []function.Parameter{
			{Name: "str", Type: cty.String, Description: "The string to test."},
			{Name: argName, Type: cty.String, Description: argDesc},
		},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(pred(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

// startsWithFunc is startswith(str, prefix).
var startsWithFunc = stringPredicate(
	"Returns true if the string begins with the given prefix.",
	"prefix", "The prefix to look for.", strings.HasPrefix)

// endsWithFunc is endswith(str, suffix).
var endsWithFunc = stringPredicate(
	"Returns true if the string ends with the given suffix.",
	"suffix", "The suffix to look for.", strings.HasSuffix)

// strContainsFunc is strcontains(str, substr).
var strContainsFunc = stringPredicate(
	"Returns true if the string contains the given substring.",
	"substr", "The substring to look for.", strings.Contains)

// maxTagLen is the longest tag the OCI distribution spec allows.
const maxTagLen = 128

// sanitizeTag turns an arbitrary string (a branch name, a ref, a matrix
// value) into a valid OCI tag, [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}:
// each run of invalid characters becomes one "-" (as docker/metadata-action
// does), '-' and '.' are trimmed from both ends (a tag cannot start with
// them), and the result is cut to 128 characters. It fails when nothing
// usable is left, because an empty tag would only fail later and less
// clearly.
func sanitizeTag(s string) (string, error) {
	out := replaceRuns(s, func(r rune) bool {
		return isAlnum(r) || r == '_' || r == '.' || r == '-'
	}, '-')
	out = strings.Trim(out, "-.")
	if len(out) > maxTagLen {
		out = strings.TrimRight(out[:maxTagLen], "-.")
	}
	if out == "" {
		return "", fmt.Errorf("%q has no characters usable in an image tag (letters, digits, '_', '.', '-')", s)
	}
	return out, nil
}

// sanitizeName turns an arbitrary string into a valid HCL identifier
// ([A-Za-z_][A-Za-z0-9_-]*), so that a generated name (a matrix instance,
// say) can also be referenced in an expression: each run of other characters
// becomes one "_", '_' and '-' are trimmed from both ends, and a leading
// digit gets a "_" prefix.
func sanitizeName(s string) (string, error) {
	out := replaceRuns(s, func(r rune) bool {
		return isAlnum(r) || r == '_' || r == '-'
	}, '_')
	out = strings.Trim(out, "_-")
	if out == "" {
		return "", fmt.Errorf("%q has no characters usable in a name (letters, digits, '_', '-')", s)
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out, nil
}

// isAlnum is ASCII-only on purpose: tags and identifiers are ASCII.
func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// replaceRuns replaces each maximal run of runes for which keep is false by a
// single repl.
func replaceRuns(s string, keep func(rune) bool, repl rune) string {
	var b strings.Builder
	inRun := false
	for _, r := range s {
		if keep(r) {
			b.WriteRune(r)
			inRun = false
			continue
		}
		if !inRun {
			b.WriteRune(repl)
			inRun = true
		}
	}
	return b.String()
}

func sanitizeFunc(desc, paramDesc string, impl func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params: []function.Parameter{
			{Name: "str", Type: cty.String, Description: paramDesc},
		},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			out, err := impl(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			return cty.StringVal(out), nil
		},
	})
}

// sanitizeTagFunc is sanitize_tag(str).
var sanitizeTagFunc = sanitizeFunc(
	`Turns any string (a branch name, a git ref, a matrix value) into a valid OCI image tag: each run of characters other than letters, digits, '_', '.' and '-' becomes one '-', '-' and '.' are trimmed from both ends, and the result is cut to 128 characters. Fails if nothing usable is left. sanitize_tag("feature/Foo bar!") is "feature-Foo-bar".`,
	"The string to turn into a tag.",
	sanitizeTag)

// sanitizeNameFunc is sanitize_name(str).
var sanitizeNameFunc = sanitizeFunc(
	`Turns any string into a valid identifier (letters, digits, '_', '-'; not starting with a digit or '-'), e.g. for matrix instance names: each run of other characters becomes one '_', '_' and '-' are trimmed from both ends, and a leading digit gets a '_' prefix. Fails if nothing usable is left. sanitize_name("linux/arm64") is "linux_arm64"; sanitize_name("1.2") is "_1_2".`,
	"The string to turn into a name.",
	sanitizeName)
