package lang

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/stdlib"
)

// The constructors below are the only way this package makes error
// diagnostics, so tests can build the diagnostics they expect by the same
// names the code uses.

func errorf(subject hcl.Range, summary, detailFormat string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detailFormat, args...),
		Subject:  subject.Ptr(),
	}
}

// DuplicateDecl reports a name declared twice, naming the first place.
func DuplicateDecl(kind, name string, first, subject hcl.Range) *hcl.Diagnostic {
	return errorf(subject, fmt.Sprintf("Duplicate %s %q", kind, name),
		"%s %s named %q is already declared at %s. Names must be unique across all files of a build; rename or remove one of them.",
		article(kind), kind, name, position(first))
}

// article is "An" before a kind starting with a vowel sound, else "A".
func article(kind string) string {
	if kind != "" && strings.ContainsRune("aeio", rune(kind[0])) || strings.HasPrefix(kind, "ssh") {
		return "An"
	}
	return "A"
}

// position renders where a range starts as file:line:column.
func position(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// UnknownReference reports a reference to something not declared.
func UnknownReference(kind, name string, candidates []string, subject hcl.Range) *hcl.Diagnostic {
	detail := fmt.Sprintf("There is no %s named %q.", kind, name)
	if s := didYouMean(name, candidates); s != "" {
		detail += s
	} else {
		detail += fmt.Sprintf(" Declare it with a %s block, or check the spelling.", declBlockFor(kind))
	}
	return errorf(subject, "Unknown "+kind, "%s", detail)
}

func declBlockFor(kind string) string {
	switch kind {
	case "local value":
		return "locals"
	case "matrix key":
		return "matrix"
	}
	return kind
}

// Cycle reports a dependency cycle, printing it in order.
func Cycle(kind string, path []string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(subject, "Dependency cycle between "+kind+"s",
		"These %ss depend on each other in a cycle: %s. Break the cycle by removing one of the references.",
		kind, strings.Join(path, " → "))
}

// InvalidPlatform reports a platform string containerd cannot parse, with
// a suggestion when a close valid platform exists.
func InvalidPlatform(value string, err error, subject hcl.Range) *hcl.Diagnostic {
	msg := strings.TrimSuffix(err.Error(), ".")
	if why, ok := strings.CutPrefix(msg, fmt.Sprintf("invalid platform %q: ", value)); ok {
		msg = fmt.Sprintf("%q is not a valid platform: %s", value, why)
	}
	if s := suggestPlatform(value); s != "" {
		msg += ". Did you mean " + quote(s) + "?"
	} else {
		msg += "."
	}
	return errorf(subject, "Invalid platform", "%s", msg)
}

// Operating systems and architectures for platform suggestions; the
// authoritative lists are stdlib.ParsePlatform's.
var (
	suggestOS   = []string{"linux", "windows", "darwin", "freebsd"}
	suggestArch = []string{"386", "amd64", "arm", "arm64", "loong64", "mips", "mipsle", "mips64", "mips64le", "ppc64", "ppc64le", "riscv64", "s390x", "wasm"}
)

// suggestPlatform fixes a misspelt OS or architecture ("linux/armm64" →
// "linux/arm64"), or "" when it finds no valid platform close by.
func suggestPlatform(value string) string {
	parts := strings.Split(strings.TrimSpace(value), "/")
	if len(parts) > 3 || value == "" {
		return ""
	}
	fix := func(s string, known []string) string {
		if contains(known, s) {
			return s
		}
		if g := suggest(strings.ToLower(s), known); g != "" {
			return g
		}
		return s
	}
	if len(parts) == 1 {
		parts[0] = fix(parts[0], suggestArch)
	} else {
		parts[0] = fix(parts[0], suggestOS)
		parts[1] = fix(parts[1], suggestArch)
	}
	s := strings.Join(parts, "/")
	if s == value {
		return ""
	}
	if _, err := stdlib.ParsePlatform(s); err != nil {
		return ""
	}
	return s
}

// ValidationFailed reports a variable whose validation condition is false.
func ValidationFailed(name, message, values string, subject hcl.Range) *hcl.Diagnostic {
	detail := message
	if values != "" {
		detail += " (" + values + ")"
	}
	return errorf(subject, fmt.Sprintf("Invalid value for variable %q", name), "%s", detail)
}

// MissingAttribute reports a required attribute that is absent.
func MissingAttribute(block, name string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(subject, "Missing required attribute",
		"The %s block needs a %q attribute.", block, name)
}

// WrongType reports a value of the wrong type.
func WrongType(what, want, got string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(subject, "Incorrect type",
		"%s must be %s, but this is %s.", what, want, got)
}

// InvalidValue reports a value of the right type that is not allowed.
func InvalidValue(what, detail string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(subject, "Invalid "+what, "%s", detail)
}

// NotAllowed reports an enumeration value outside its set.
func NotAllowed(attr, got string, allowed []string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(subject, "Invalid "+attr,
		"%q is not a valid %s; use one of %s.%s", got, attr, quoteList(allowed), didYouMean(got, allowed))
}

// LimitExceeded reports input larger than a documented limit.
func LimitExceeded(what string, limit int, detail string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(subject, "Too many "+what,
		"%s The limit is %d.", detail, limit)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = quote(x)
	}
	return strings.Join(q, ", ")
}
