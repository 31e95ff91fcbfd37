package lang

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lock"
	"github.com/org/buildlang/stdlib"
)

// The constructors below are the only way this package makes diagnostics
// (diag_test.go checks it), so tests can build the diagnostics they expect
// by the same names the code uses, and every diagnostic carries a DiagInfo
// that tools read instead of the message text.

// DiagKind says what kind of problem a diagnostic reports. Kinds are
// stable identifiers for tools; the wording of Summary and Detail is not.
type DiagKind string

// The kinds of diagnostics lang makes.
const (
	KindDuplicate            DiagKind = "duplicate"             // Names: [name]; What: the kind of declaration
	KindUnknownReference     DiagKind = "unknown-reference"     // Names: [name]; What: the kind of thing named ("variable", "secret", ...)
	KindUnknownRoot          DiagKind = "unknown-root"          // Names: [root]
	KindReferenceNotAllowed  DiagKind = "reference-not-allowed" // Names: [root]
	KindCycle                DiagKind = "cycle"                 // Names: the cycle's path, in order
	KindInvalidPlatform      DiagKind = "invalid-platform"      // Names: [value]
	KindValidationFailed     DiagKind = "validation-failed"     // Names: [variable]
	KindMissingAttribute     DiagKind = "missing-attribute"     // Names: [attribute]; What: the block
	KindUnsupportedAttribute DiagKind = "unsupported-attribute" // Names: [attribute]
	KindUnsupportedBlock     DiagKind = "unsupported-block"     // Names: [block type]
	KindWrongType            DiagKind = "wrong-type"            // What: the value described
	KindInvalidValue         DiagKind = "invalid-value"         // What: the kind of value
	KindNotAllowed           DiagKind = "not-allowed"           // Names: [value]; What: the attribute
	KindLimitExceeded        DiagKind = "limit-exceeded"        // What: what there is too much of
	KindSensitiveValue       DiagKind = "sensitive-value"       // Names: [attribute]
	KindInvalidVariableValue DiagKind = "invalid-variable-value"
	KindMissingVariableValue DiagKind = "missing-variable-value" // Names: [variable]
	KindUnusedVariableValue  DiagKind = "unused-variable-value"  // Names: [name given]
	KindInvalidSet           DiagKind = "invalid-set"            // Names: [the --set value as given]
	KindUnknownEnvironment   DiagKind = "unknown-environment"    // Names: [name given]
	KindUnknownTarget        DiagKind = "unknown-target"         // Names: [name given]
	KindCannotRead           DiagKind = "cannot-read"            // Names: [file]
	KindInvalidText          DiagKind = "invalid-text"           // the file is not UTF-8
	KindNotLocked            DiagKind = "not-locked"             // Names: [image reference]
	KindStaleLock            DiagKind = "stale-lock"             // Names: [locked reference, platform]
	KindInvalidImageRef      DiagKind = "invalid-image-ref"      // Names: [reference]; a fix when a close one is valid
	KindOptionConflict       DiagKind = "option-conflict"        // Names: the options; What: what they configure
	KindPolicyViolation      DiagKind = "policy-violation"       // Names: [policy, environment]; What: the summary
	KindNotGranted           DiagKind = "not-granted"            // Names: [the --allow grant, what asks for it]; What: what is asked
	KindInternal             DiagKind = "internal"               // What: the step that failed; a bug in buildlang
	// KindHCL marks the errors of the HCL library itself (syntax errors,
	// evaluation errors), which carry no names.
	KindHCL DiagKind = "hcl"
	// KindLint marks lint findings; What is the rule's ID.
	KindLint DiagKind = "lint"
)

// DiagInfo is the structured part of a diagnostic lang makes, in its
// Extra: what kind of problem it is, the names involved and the edits
// that fix it. Read it with DiagInfoOf.
type DiagInfo struct {
	Kind DiagKind
	// What is the kind of thing Names are, or the attribute or value the
	// diagnostic is about: "variable", "secret", "cache type", ...
	What string
	// Names are the names involved, the one the diagnostic is about first.
	Names []string
	// Fixes are edits that would resolve the problem, best first.
	Fixes []Fix
	// Environments are the environments the problem occurs in, when
	// Build.CheckEnvironments found it in some of those it evaluated but
	// not all; "" stands for no environment selected. Nil means all.
	Environments []string

	// reference marks errors of the reference check, which explain HCL's
	// own generic errors about the same expression.
	reference bool
	// budget marks the error of a spent evaluation budget.
	budget bool
	// together marks a problem of targets (Names) only when at least two
	// of them are built together, which Build.ForBuild drops from the
	// diagnostics of a build that does not build two of them.
	together bool
	// wrapped is the Extra of an HCL diagnostic this info was added to.
	wrapped any
}

// UnwrapDiagnosticExtra gives hcl.DiagnosticExtra the Extra an HCL
// diagnostic had before lang added its DiagInfo.
func (i *DiagInfo) UnwrapDiagnosticExtra() any { return i.wrapped }

// Fix is one edit that resolves a diagnostic: replace the text of Range
// with New, or, when Old is set, the last occurrence of Old within Range.
type Fix struct {
	Range    hcl.Range
	Old, New string
}

// Suggestion is the replacement text of the first fix, or "".
func (i *DiagInfo) Suggestion() string {
	if i == nil || len(i.Fixes) == 0 {
		return ""
	}
	return i.Fixes[0].New
}

// Name is the first of Names, or "".
func (i *DiagInfo) Name() string {
	if i == nil || len(i.Names) == 0 {
		return ""
	}
	return i.Names[0]
}

// DiagInfoOf returns the structured information of a diagnostic, found in
// its Extra as hcl.DiagnosticExtra finds it (through unwrapping Extras,
// such as lint findings'), or nil.
func DiagInfoOf(d *hcl.Diagnostic) *DiagInfo {
	if d == nil {
		return nil
	}
	info, _ := hcl.DiagnosticExtra[*DiagInfo](d)
	return info
}

func newDiag(sev hcl.DiagnosticSeverity, info *DiagInfo, subject *hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: sev, Summary: summary, Detail: detail, Subject: subject, Extra: info}
}

func errorf(info *DiagInfo, subject hcl.Range, summary, detailFormat string, args ...any) *hcl.Diagnostic {
	return newDiag(hcl.DiagError, info, subject.Ptr(), summary, fmt.Sprintf(detailFormat, args...))
}

func diagInfo(k DiagKind, names ...string) *DiagInfo { return &DiagInfo{Kind: k, Names: names} }

// replaceFix replaces the last occurrence of old within r with new; none
// when there is no replacement.
func replaceFix(r hcl.Range, old, new string) []Fix {
	if new == "" || new == old {
		return nil
	}
	return []Fix{{Range: r, Old: old, New: new}}
}

// didYouMeanFix is didYouMean's text and the fix that makes the change.
func didYouMeanFix(given string, candidates []string, subject hcl.Range) (string, []Fix) {
	s := suggest(given, candidates)
	if s == "" {
		return "", nil
	}
	return " Did you mean " + quote(s) + "?", replaceFix(subject, given, s)
}

// DuplicateDecl reports a name declared twice, naming the first place.
func DuplicateDecl(kind, name string, first, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindDuplicate, name)
	info.What = kind
	return errorf(info, subject, fmt.Sprintf("Duplicate %s %q", kind, name),
		"%s %s named %q is already declared at %s. Names must be unique across all files of a build; rename or remove one of them.",
		article(kind), kind, name, position(first))
}

// DuplicateHealthcheck reports a second healthcheck block in a target.
func DuplicateHealthcheck(subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindDuplicate, "healthcheck")
	info.What = "block"
	return errorf(info, subject, "Duplicate healthcheck block", "A target has at most one healthcheck, a block or the healthcheck = { ... } attribute.")
}

// InstanceNamesCollide reports two matrix combinations given one name.
func InstanceNamesCollide(target, name, combo1, combo2 string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindDuplicate, name, target)
	info.What = "matrix instance"
	return errorf(info, subject, "Matrix instance names collide",
		"The combinations %s and %s are both named %q. Give the target a name that uses every matrix key, e.g. name = \"%s-${matrix.KEY}\".",
		combo1, combo2, name, target)
}

// InstanceNameTaken reports a matrix instance named like a declared target.
func InstanceNameTaken(target, name string, first, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindDuplicate, name, target)
	info.What = "target"
	return errorf(info, subject, fmt.Sprintf("Duplicate target %q", name),
		"An instance of matrix target %q is named %q, like the target declared at %s. Names must be unique; rename that target, or name the instances differently with the name attribute.",
		target, name, position(first))
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

// UnknownReference reports a reference to something not declared; the
// subject is the reference (var.NAME), or the label or key that names it.
func UnknownReference(kind, name string, candidates []string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindUnknownReference, name)
	info.What = kind
	detail := fmt.Sprintf("There is no %s named %q.", kind, name)
	if s, fixes := didYouMeanFix(name, candidates, subject); s != "" {
		detail += s
		info.Fixes = fixes
	} else {
		block := declBlockFor(kind)
		detail += fmt.Sprintf(" Declare it with %s %s block, or check the spelling.", strings.ToLower(article(block)), block)
	}
	return errorf(info, subject, "Unknown "+kind, "%s", detail)
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

// UnknownEnvAttribute reports env.NAME for an attribute env does not have.
func UnknownEnvAttribute(name string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindUnknownReference, name)
	info.What = "environment attribute"
	s, fixes := didYouMeanFix(name, EnvAttributes, subject)
	info.Fixes = fixes
	return errorf(info, subject, "Unknown environment attribute",
		"env has no attribute %q; it has %s.%s", name, quoteList(EnvAttributes), s)
}

// UnknownRoot reports a reference whose first name is none of the roots.
// inScope are what the name could have meant, as complete references
// ("local.a", "var.a"), best first; candidates are the roots to suggest
// from when inScope is empty.
func UnknownRoot(root string, inScope, candidates []string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindUnknownRoot, root)
	detail := fmt.Sprintf("There is nothing named %q here.", root)
	switch {
	case len(inScope) > 0:
		detail += fmt.Sprintf(" Did you mean %s?", orList(inScope))
		for _, s := range inScope {
			info.Fixes = append(info.Fixes, replaceFix(subject, root, s)...)
		}
	case len(root) > 2 && suggest(root, candidates) != "":
		// A short name is close to every short root ("a" to "var"),
		// which would suggest a namespace, not a reference.
		s, fixes := didYouMeanFix(root, candidates, subject)
		detail += s
		info.Fixes = fixes
	default:
		detail += " A reference starts with what it names: var.NAME for a variable, local.NAME for a local value, target.NAME for a target; a string is written in quotes."
	}
	return errorf(info, subject, "Unknown reference", "%s", detail)
}

// ShellVariableInTemplate reports ${NAME} in a string where NAME is no
// reference: most often a shell variable, which the template syntax takes
// for one. interp is the range of the whole ${NAME}; inScope are the
// references NAME could have meant ("var.NAME"), as for UnknownRoot.
func ShellVariableInTemplate(name string, inScope []string, interp, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindUnknownRoot, name)
	info.What = "template interpolation"
	shell := Fix{Range: interp, New: "$${" + name + "}"}
	if len(inScope) > 0 {
		for _, s := range inScope {
			info.Fixes = append(info.Fixes, replaceFix(subject, name, s)...)
		}
		info.Fixes = append(info.Fixes, shell)
		return errorf(info, subject, "Unknown reference",
			"There is nothing named %q here. Did you mean ${%s}? For the shell's variable of that name, write $${%s} (or $%s), which the shell expands.",
			name, orList(inScope), name, name)
	}
	info.Fixes = []Fix{shell, {Range: interp, New: "${var." + name + "}"}}
	return errorf(info, subject, "Unknown reference",
		"There is nothing named %q here: ${...} in a string is an interpolation of this build file, evaluated before the command runs. For the shell's variable, write $${%s} (or $%s), which the shell expands; for a build variable, declare variable %q and write ${var.%s}.",
		name, name, name, name, name)
}

// ReferenceNotAllowed reports a root that exists but not where it is used:
// before variables, locals and targets (in an environment or include), or
// a target in a local value.
func ReferenceNotAllowed(root string, inLocals bool, subject hcl.Range) *hcl.Diagnostic {
	if inLocals {
		return errorf(diagInfo(KindReferenceNotAllowed, root), subject, "Reference not allowed here",
			"Locals are evaluated before targets (a matrix may use them, so the targets are not known yet); refer to target.NAME where it is used, in a target or group, instead of in a local value.")
	}
	return errorf(diagInfo(KindReferenceNotAllowed, root), subject, "Reference not allowed here",
		"Environments, policies and includes are evaluated before variables, locals and targets, so they may use only functions, cache.NAME and policy.NAME; %q is not available here.", root)
}

// NoMatrix reports matrix.KEY outside a target with a matrix.
func NoMatrix(subject hcl.Range) *hcl.Diagnostic {
	return errorf(diagInfo(KindReferenceNotAllowed, "matrix"), subject, "No matrix here", "matrix.KEY is only available inside a target with a matrix attribute.")
}

// CommandAndScript reports a run step with both command and script.
func CommandAndScript(subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue)
	info.What = "script"
	return errorf(info, subject, "Command and script",
		"A run step runs a command or a script, not both; remove one of them.")
}

// ScriptNotHeredoc reports a script that is not a heredoc.
func ScriptNotHeredoc(subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue)
	info.What = "script"
	return errorf(info, subject, "Script is not a heredoc",
		"script takes a heredoc, whose text runs as written with no ${} interpolation:\n  script = <<-EOT\n    echo \"${HOME}\"\n  EOT\nFor a computed command, use command instead.")
}

// BaseEnvMisused reports base used other than as base.env.NAME in a
// target's env value: the base image's env is known only when the
// compiler resolves the base.
func BaseEnvMisused(subject hcl.Range) *hcl.Diagnostic {
	return errorf(diagInfo(KindReferenceNotAllowed, "base"), subject, "base.env only in env values",
		"base.env.NAME is the base image's value of NAME, known only when the base is resolved; write it in env values of a target, a set step or a run step, like PATH = \"${base.env.PATH}:/opt/bin\".")
}

// NoPlatform reports build_platform or target_platform outside targets.
func NoPlatform(root string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(diagInfo(KindReferenceNotAllowed, root), subject, "No platform here", "%s is only available inside target blocks, where each target is evaluated per platform.", root)
}

// UnknownTarget reports a target or group asked for by name (on the
// command line) that the build does not declare.
func UnknownTarget(name string, candidates []string) *hcl.Diagnostic {
	return newDiag(hcl.DiagError, diagInfo(KindUnknownTarget, name), nil, "Unknown target",
		fmt.Sprintf("There is no target or group named %q.%s Run `buildlang targets` to list them.", name, didYouMean(name, candidates)))
}

// UnknownEnvironment reports --env naming an environment not declared.
func UnknownEnvironment(name string, declared []string) *hcl.Diagnostic {
	detail := fmt.Sprintf("There is no environment named %q.", name)
	if len(declared) == 0 {
		detail += " This build declares no environments; remove --env or declare one with an environment block."
	} else {
		detail += didYouMean(name, declared) + " Declared: " + quoteList(declared) + "."
	}
	return newDiag(hcl.DiagError, diagInfo(KindUnknownEnvironment, name), nil, "Unknown environment", detail)
}

// UnsupportedArgument reports an attribute the block's schema does not
// have; candidates are the attributes it could have meant, blockNamed says
// a nested block of that type exists.
func UnsupportedArgument(name string, candidates []string, blockNamed bool, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindUnsupportedAttribute, name)
	s, fixes := didYouMeanFix(name, candidates, subject)
	info.Fixes = fixes
	if s == "" && blockNamed {
		s = fmt.Sprintf(" Did you mean to define a block of type %q?", name)
	}
	return errorf(info, subject, "Unsupported argument", "An argument named %q is not expected here.%s", name, s)
}

// UnsupportedBlock reports a nested block the schema does not have.
func UnsupportedBlock(typ string, candidates []string, attrNamed bool, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindUnsupportedBlock, typ)
	s, fixes := didYouMeanFix(typ, candidates, subject)
	info.Fixes = fixes
	if s == "" && attrNamed {
		s = fmt.Sprintf(" Did you mean to define argument %q? If so, use the equals sign to assign it a value.", typ)
	}
	return errorf(info, subject, "Unsupported block type", "Blocks of type %q are not expected here.%s", typ, s)
}

// InternalError reports a bug in buildlang that stopped the step what
// (recovered from a panic, so the rest of the check still reports) at
// subject.
func InternalError(what string, r any, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInternal)
	info.What = what
	return errorf(info, subject, "Internal error",
		"buildlang failed to %s: %v. This is a bug in buildlang; please report it with the file that shows it.", what, r)
}

// Cycle reports a dependency cycle, printing it in order.
func Cycle(kind string, path []string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindCycle, path...)
	info.What = kind
	return errorf(info, subject, "Dependency cycle between "+kind+"s",
		"These %ss depend on each other in a cycle: %s. Break the cycle by removing one of the references.",
		kind, strings.Join(path, " → "))
}

// InvalidPlatform reports a platform string containerd cannot parse, with
// a suggestion when a close valid platform exists.
func InvalidPlatform(value string, err error, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidPlatform, value)
	info.What = "platform"
	msg := strings.TrimSuffix(err.Error(), ".")
	if why, ok := strings.CutPrefix(msg, fmt.Sprintf("invalid platform %q: ", value)); ok {
		msg = fmt.Sprintf("%q is not a valid platform: %s", value, why)
	}
	if s := suggestPlatform(value); s != "" {
		msg += ". Did you mean " + quote(s) + "?"
		info.Fixes = replaceFix(subject, value, s)
	} else {
		msg += "."
	}
	return errorf(info, subject, "Invalid platform", "%s", msg)
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
	return errorf(diagInfo(KindValidationFailed, name), subject, fmt.Sprintf("Invalid value for variable %q", name), "%s", detail)
}

// MissingVariableValue reports a variable without default that nothing sets.
func MissingVariableValue(name string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(diagInfo(KindMissingVariableValue, name), subject, "No value for required variable",
		"Variable %q has no default, so it must be set: --var %s=VALUE on the command line, --build-arg %s=VALUE through BuildKit, or vars in the environment.", name, name, name)
}

// InvalidVariableValue reports a value given for a variable that does not
// fit its type. from says where the value came from, as the start of a
// sentence; problem finishes the sentence. subject is nil for values from
// the command line.
func InvalidVariableValue(from, problem string, subject *hcl.Range) *hcl.Diagnostic {
	return newDiag(hcl.DiagError, diagInfo(KindInvalidVariableValue), subject, "Invalid value for variable", from+" "+problem)
}

// UnusedVariableValue warns about --var naming no declared variable, as
// docker build warns about unused build args.
func UnusedVariableValue(name string, declared []string) *hcl.Diagnostic {
	return newDiag(hcl.DiagWarning, diagInfo(KindUnusedVariableValue, name), nil, "Unused variable value",
		fmt.Sprintf("A value was given for %q but no variable of that name is declared.%s", name, didYouMean(name, declared)))
}

// InvalidSet reports a --set override that matches no target or whose
// value does not fit the attribute; it has no place in a file.
func InvalidSet(flag, problem string) *hcl.Diagnostic {
	return newDiag(hcl.DiagError, diagInfo(KindInvalidSet, flag), nil, "Invalid --set", "--set "+flag+": "+problem)
}

// MissingAttribute reports a required attribute that is absent.
func MissingAttribute(block, name string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindMissingAttribute, name)
	info.What = block
	return errorf(info, subject, "Missing required attribute",
		"The %s block needs a %q attribute.", block, name)
}

// MissingCacheType reports a cache entry object without its type.
func MissingCacheType(subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindMissingAttribute, "type")
	info.What = "cache entry"
	return errorf(info, subject, "Missing cache type", "Each cache entry needs a type, one of %s, like { type = \"local\", dest = \".cache\" }.", quoteList(CacheTypes))
}

// WrongType reports a value of the wrong type.
func WrongType(what, want, got string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindWrongType)
	info.What = what
	return errorf(info, subject, "Incorrect type",
		"%s must be %s, but this is %s.", what, want, got)
}

// InvalidValue reports a value of the right type that is not allowed.
func InvalidValue(what, detail string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue)
	info.What = what
	return errorf(info, subject, "Invalid "+what, "%s", detail)
}

// NameWithoutMatrix reports a name attribute on a target without matrix.
func NameWithoutMatrix(subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue, "name")
	info.What = "name"
	return errorf(info, subject, "Name without matrix", "The name attribute names matrix instances; a target without a matrix is named by its label. Remove name, or add a matrix.")
}

// EmptySetStep reports a set step that sets nothing.
func EmptySetStep(subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindMissingAttribute, "env", "workdir", "user", "shell")
	info.What = "set"
	return errorf(info, subject, "Empty set step", "A set step changes env, workdir, user or shell for the steps after it and the image; give it at least one of them, or remove it.")
}

// NotAllowed reports an enumeration value outside its set.
func NotAllowed(attr, got string, allowed []string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindNotAllowed, got)
	info.What = attr
	s, fixes := didYouMeanFix(got, allowed, subject)
	info.Fixes = fixes
	return errorf(info, subject, "Invalid "+attr,
		"%q is not a valid %s; use one of %s.%s", got, attr, quoteList(allowed), s)
}

// SensitiveValue reports a sensitive variable's value reaching the build.
func SensitiveValue(attr string, subject hcl.Range) *hcl.Diagnostic {
	return errorf(diagInfo(KindSensitiveValue, attr), subject, "Sensitive value in build",
		"The %q attribute uses a sensitive variable. Its value would be stored in the build graph or image; pass it as a secret block and mount it in a run step instead.", attr)
}

// LimitExceeded reports input larger than a documented limit.
func LimitExceeded(what string, limit int, detail string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindLimitExceeded)
	info.What = what
	return errorf(info, subject, "Too many "+what,
		"%s The limit is %d.", detail, limit)
}

// BudgetExceeded reports an evaluation that spent its budget.
func BudgetExceeded(limit int, subject hcl.Range) *hcl.Diagnostic {
	d := LimitExceeded("evaluation steps", limit,
		"Evaluating this build costs more than its budget: for expressions iterate over too many elements, functions and templates build too large strings or collections, or too many targets are evaluated for too many platforms.", subject)
	DiagInfoOf(d).budget = true
	return d
}

// TextTooLong reports strings and heredocs the parser would copy too often.
func TextTooLong(maxMB int, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindLimitExceeded)
	info.What = "text"
	return errorf(info, subject, "Text too long",
		"The strings and heredocs of this file have too many lines for their length: the parser copies all the text before each line, which here would be more than %d MB. Keep heredocs to about 2,000 lines of 64 characters, or put long content in a file of the build context and copy it.", maxMB)
}

// NestingTooDeep reports nesting beyond the limit.
func NestingTooDeep(limit int, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindLimitExceeded)
	info.What = "nesting"
	return errorf(info, subject, "Nesting too deep",
		"Blocks, brackets, parentheses, strings and interpolations here are nested, and operators chained, more than %d levels deep. The limit is %d; simplify the expression or split it into locals.",
		limit, limit)
}

// DigitRunTooLong reports a run of digits longer than any number may be.
func DigitRunTooLong(maxLen int, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindLimitExceeded)
	info.What = "number"
	return errorf(info, subject, "Number too long",
		"This run of digits is more than %d long. Numbers are at most %d characters long (reading a longer one takes quadratic time), and no build file needs a longer run of digits in a string.", maxLen, maxLen)
}

// NumberStringTooLong reports a long string used as a number.
func NumberStringTooLong(length, maxLen int, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindLimitExceeded)
	info.What = "number"
	return errorf(info, subject, "Number too long",
		"This string of %d characters is used as a number; numbers are at most %d characters long.", length, maxLen)
}

// InvalidUTF8 reports a file that is not UTF-8 text.
func InvalidUTF8(filename string, b byte, subject hcl.Range) *hcl.Diagnostic {
	return errorf(diagInfo(KindInvalidText, filename), subject, "Invalid UTF-8",
		"%s is not UTF-8 text: the byte 0x%02x here does not start or continue a character. Build files must be UTF-8; check the file's encoding, or whether it is a build file at all.", filename, b)
}

// CannotRead reports a build file that cannot be read; subject is the
// include that names it, or nil for a file named on the command line.
func CannotRead(name string, err error, subject *hcl.Range) *hcl.Diagnostic {
	detail := fmt.Sprintf("Cannot read %s: %s.", name, err)
	if errors.Is(err, fs.ErrNotExist) {
		detail = fmt.Sprintf("There is no file %s. Check the path; included paths are relative to the including file.", name)
	}
	return newDiag(hcl.DiagError, diagInfo(KindCannotRead, name), subject, "Cannot read build file", detail)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = quote(x)
	}
	return strings.Join(q, ", ")
}

// orList renders names as "a", "a or b", "a, b or c".
func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// CannotReadLock reports a build.lock that exists but cannot be read.
func CannotReadLock(name string, err error) *hcl.Diagnostic {
	return errorf(diagInfo(KindCannotRead, name), rangeOr(nil, name), "Cannot read lock file", "Cannot read %s: %s.", name, err)
}

// NotLocked warns that an image is not pinned by the build's lock file.
func NotLocked(ref, lockFile string, subject hcl.Range) *hcl.Diagnostic {
	return newDiag(hcl.DiagWarning, diagInfo(KindNotLocked, ref), subject.Ptr(), "Image not in the lock file",
		fmt.Sprintf("%s has no entry for %q, so this build pulls whatever the tag points to today. Run `buildlang lock` to add it.", lockFile, ref))
}

// LockedForOtherPlatforms warns that a lock entry was made for other platforms.
func LockedForOtherPlatforms(img *lock.Image, platform, lockFile string, subject hcl.Range) *hcl.Diagnostic {
	return newDiag(hcl.DiagWarning, diagInfo(KindStaleLock, img.Ref, platform), subject.Ptr(), "Lock entry is stale",
		fmt.Sprintf("%s:%d locks %q for %s, but this build pulls it for %s. Run `buildlang lock --update %s` to lock it for every platform the build uses.",
			lockFile, img.Range.Start.Line, img.Ref, strings.Join(img.Platforms, ", "), platform, img.Ref))
}

// InvalidImageRef reports an image reference that does not parse as
// BuildKit pulls it, suggesting a close one that does ("Alpine:3.20" →
// "alpine:3.20").
func InvalidImageRef(ref string, err error, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidImageRef, ref)
	info.What = "image reference"
	detail := fmt.Sprintf("%q is not an image reference: %s.", ref, strings.TrimSuffix(err.Error(), "."))
	if s := suggestImageRef(ref); s != "" {
		detail += " Did you mean " + quote(s) + "?"
		info.Fixes = replaceFix(subject, ref, s)
	} else {
		detail += " Write one like \"alpine:3.20\" or \"ghcr.io/org/app@sha256:<64 hex digits>\"."
	}
	return errorf(info, subject, "Invalid image reference", "%s", detail)
}

// InvalidChecksum reports a checksum that is not a digest BuildKit verifies.
func InvalidChecksum(value string, err error, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue, value)
	info.What = "checksum"
	return errorf(info, subject, "Invalid checksum",
		"%q is not a digest: %s. Write it like \"sha256:<64 hex digits>\" (sha384 and sha512 work too).", value, strings.TrimSuffix(err.Error(), "."))
}

// OptionConflict reports settings of one block or call that cannot be
// used together, named in names; detail says why and what to do instead.
func OptionConflict(what, detail string, subject hcl.Range, names ...string) *hcl.Diagnostic {
	info := diagInfo(KindOptionConflict, names...)
	info.What = what
	return errorf(info, subject, "Conflicting "+what, "%s", detail)
}

// InvalidCacheEntry reports a cache import or export that buildx's
// --cache-from or --cache-to would refuse too.
func InvalidCacheEntry(export bool, err error, subject hcl.Range) *hcl.Diagnostic {
	kind, flag, key := "import", "--cache-from", "src"
	if export {
		kind, flag, key = "export", "--cache-to", "dest"
	}
	info := diagInfo(KindInvalidValue)
	info.What = "cache " + kind
	return errorf(info, subject, "Invalid cache "+kind,
		"This cache %s is invalid: %s. Entries take the keys of %s, like { type = \"local\", %s = \".cache\" } or { type = \"registry\", ref = \"registry.example.com/app:cache\" }.",
		kind, strings.TrimSuffix(err.Error(), "."), flag, key)
}

// InvalidOutput reports a target output that --output would refuse too.
func InvalidOutput(err error, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue)
	info.What = "output"
	return errorf(info, subject, "Invalid output",
		"%s. Outputs use the syntax of --output, like \"type=local,dest=out\", \"type=oci,dest=app.tar\" or \"type=registry\".", strings.TrimSuffix(err.Error(), "."))
}

// InvalidGitSource reports a git source BuildKit cannot fetch as written.
func InvalidGitSource(detail string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue)
	info.What = "git source"
	return errorf(info, subject, "Invalid git source", "%s", detail)
}

// UnknownMatrixEntryKey reports an exclude or include entry naming a key
// the matrix does not have: it would match nothing, or add a combination
// the targets cannot tell apart.
func UnknownMatrixEntryKey(entry, key string, keys []string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindUnknownReference, key)
	info.What = "matrix key"
	detail := fmt.Sprintf("This %s entry names %q, which is not a key of the matrix (keys: %s).", entry, key, quoteList(keys))
	if s, fixes := didYouMeanFix(key, keys, subject); s != "" {
		detail += s
		info.Fixes = fixes
	} else {
		detail += " Remove it, or add it to the matrix with its values."
	}
	return errorf(info, subject, "Unknown matrix key", "%s", detail)
}

// PolicyViolation reports a source or step the selected environment's
// policy refuses.
func PolicyViolation(policy, env, summary, detail string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindPolicyViolation, policy, env)
	info.What = summary
	return errorf(info, subject, summary, "%s Environment %q builds under policy %s.", detail, env, policy)
}

// OutputConflict reports a target whose output writes the dest another
// target built with it writes too (what builds them together: a group, a
// matrix target, ...).
func OutputConflict(target, other, dest, what string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindOptionConflict, target, other)
	info.What, info.together = "output dest", true
	return errorf(info, subject, "Two targets write one output",
		"Target %q writes %s, which target %q writes too, and %s builds them together: one would overwrite the other. Put {target} in the dest to give each its own, e.g. dest=out/{target}, or give them different dests.",
		target, dest, other, what)
}

// CacheExportConflict warns of targets built together (by whats: a
// group, a matrix target, ...) whose cache exports write one registry
// ref: each export replaces the cache there, so the one that finishes
// last wins.
func CacheExportConflict(targets []string, ref string, whats []string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindOptionConflict, targets...)
	info.What, info.together = "cache export ref", true
	verb := "builds"
	if len(whats) > 1 {
		verb = "build"
	}
	return newDiag(hcl.DiagWarning, info, subject.Ptr(), "Cache exports overwrite each other",
		fmt.Sprintf("Targets %s export cache to %s, and %s %s them together: each export replaces the cache there, so the one that finishes last wins and the others' cache is lost. Give each target a ref of its own (a cache policy each), or share one cache: let one target export it with mode = \"max\" and the others only import it.",
			andList(quoteAll(targets)), ref, andList(whats), verb))
}

// HostEnvNotGranted reports a variable whose env attribute names a host
// environment variable that is set, which the user did not let the build
// file read (--allow env=NAME); the value is not used.
func HostEnvNotGranted(variable, hostVar string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindNotGranted, "env="+hostVar, variable)
	info.What = "host environment variable"
	return errorf(info, subject, "Reading a host environment variable needs consent",
		"Variable %q reads the host environment variable %s, which is set here. If you trust this build file, pass --allow env=%s to let it, or give the value yourself with --var %s=VALUE.",
		variable, hostVar, hostVar, variable)
}

// EnvironmentsNotChecked warns that Build.CheckEnvironments reached its
// bounds (maxEnvironmentRuns, or its evaluation budget) before evaluating
// these environments.
func EnvironmentsNotChecked(names []string) *hcl.Diagnostic {
	info := diagInfo(KindLimitExceeded, names...)
	info.What = "environments"
	return newDiag(hcl.DiagWarning, info, nil, "Not every environment checked",
		fmt.Sprintf("Evaluating the build under every environment would take more than check allows (%d environments besides the selected one, within one evaluation budget), so %s %s not checked. Check each with --env NAME.",
			maxEnvironmentRuns, andList(quoteAll(names)), map[bool]string{true: "was", false: "were"}[len(names) == 1]))
}

// inEnvironments marks a copy of d as occurring only in the given
// environments, by name ("" for none selected), in its Detail and its
// DiagInfo.
func inEnvironments(d *hcl.Diagnostic, envs []string) *hcl.Diagnostic {
	nd := *d
	var parts []string
	var named []string
	none := false
	for _, e := range envs {
		if e == "" {
			none = true
		} else {
			named = append(named, quote(e))
		}
	}
	if none {
		parts = append(parts, "with no environment selected")
	}
	switch len(named) {
	case 0:
	case 1:
		parts = append(parts, "in environment "+named[0])
	default:
		parts = append(parts, "in environments "+andList(named))
	}
	how := "check it with --env " + strings.Trim(firstOr(named, `""`), `"`)
	if len(named) == 0 {
		how = "check it with no --env"
	}
	nd.Detail = strings.TrimRight(nd.Detail, " ") + " (This happens only " + strings.Join(parts, " and ") + "; " + how + ".)"
	if info := DiagInfoOf(d); info != nil {
		ni := *info
		ni.Environments = envs
		if _, direct := d.Extra.(*DiagInfo); direct {
			nd.Extra = &ni
		}
	}
	return &nd
}

// andList renders names as "a", "a and b", "a, b and c".
func andList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// LinkWithChmod warns that a linked copy with a chmod is made as a plain
// copy: merging a linked layer would keep the mode of existing parent
// directories, not the copied one, so the compiler (as the Dockerfile
// frontend) drops link rather than the mode.
func LinkWithChmod(subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindOptionConflict, "link", "chmod")
	info.What = "copy options"
	return newDiag(hcl.DiagWarning, info, subject.Ptr(), "link has no effect with chmod",
		"A copy with chmod is made as a plain copy, so link = true does nothing here: the layer is not independent of earlier steps. Remove link, or set the mode another way (a run step's chmod, or the file's mode in the context).")
}

// MissingNodeKey reports an environment's node without its name or
// address.
func MissingNodeKey(key string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindMissingAttribute, key)
	info.What = "node"
	return errorf(info, subject, "Missing node "+key,
		"Each node needs a name and an address, like { name = \"arm\", address = \"tcp://10.0.0.5:1234\", platforms = [\"linux/arm64\"] }.")
}

// DuplicateNode reports two nodes of one environment with the same name.
func DuplicateNode(env, name string, first, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindDuplicate, name)
	info.What = "node"
	return errorf(info, subject, fmt.Sprintf("Duplicate node %q", name),
		"Environment %q already has a node named %q, at %s. The build names each node in its progress, summary and metadata; rename one of them.",
		env, name, position(first))
}

// ShortFormLabels reports a short form with too few or too many labels.
func ShortFormLabels(block string, f *ShortForm, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue, f.Attrs...)
	info.What = block + " labels"
	return errorf(info, subject, "Wrong labels for "+block,
		"A short %s has %s, like %s. Or write %s.", f.Noun, f.Shape, f.Example, f.Long)
}

// ShortFormAndAttribute reports an attribute a short form's labels
// already give (or one that says the same, like a run step's script).
func ShortFormAndAttribute(block, attr string, f *ShortForm, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindOptionConflict, attr)
	info.What = f.Noun
	return errorf(info, subject, "Both labels and "+attr,
		"A short %s's labels give its %s, like %s, so this one cannot have a %q attribute too: remove the attribute, or %s.", f.Noun, andList(f.Attrs), f.Example, attr, f.Drop)
}

// BadMountCall reports a mount call of a run step's mounts list that is
// not KIND(LABEL) or KIND(LABEL, { ATTRIBUTES }).
func BadMountCall(kind, problem string, subject hcl.Range) *hcl.Diagnostic {
	info := diagInfo(KindInvalidValue, kind)
	info.What = kind + " mount"
	return errorf(info, subject, "Invalid "+kind+" mount",
		"%s(...) in a mounts list is the %s block on one line: it %s, like %s.", kind, kind, problem, mountCallExample(kind))
}

func mountCallExample(kind string) string {
	switch kind {
	case "cache":
		return `cache("/root/.cache", { sharing = "locked" })`
	case "tmpfs":
		return `tmpfs("/tmp", { size = 1048576 })`
	case "bind":
		return `bind("/src", { from = target.src })`
	case "secret":
		return `secret("token", { env = "TOKEN" })`
	case "ssh":
		return `ssh("default")`
	}
	return `device("vendor.com/gpu=all")`
}
