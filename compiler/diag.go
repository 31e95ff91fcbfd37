package compiler

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

type diagKey struct {
	summary string
	subject hcl.Range
}

// diag records diagnostics once each: a problem in a target used for two
// platforms, or by two consumers, is reported once.
func (c *compiler) diag(ds ...*hcl.Diagnostic) {
	for _, d := range ds {
		k := diagKey{summary: d.Summary}
		if d.Subject != nil {
			k.subject = *d.Subject
		} else {
			k.summary += "\x00" + d.Detail
		}
		if c.seen[k] {
			continue
		}
		c.seen[k] = true
		c.diags = append(c.diags, d)
	}
}

func (c *compiler) errorf(subject hcl.Range, summary, format string, args ...any) {
	c.diag(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	})
}

// Warning kinds the compiler reports, as ids tools read (RuleID, like a
// lint finding's).
const (
	// WarnBaseImagePlatform: a base image resolved for a platform holds an
	// image for another (the Dockerfile frontend's InvalidBaseImagePlatform).
	WarnBaseImagePlatform = "base-image-platform"
)

// Warning is the Extra of the compiler's warnings.
type Warning string

// RuleID is the warning's kind.
func (w Warning) RuleID() string { return string(w) }

func (c *compiler) warnf(kind string, subject hcl.Range, summary, format string, args ...any) {
	c.diag(&hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
		Extra:    Warning(kind),
	})
}

// WarningKind is a warning's id: its lint rule's, the compiler's or the
// frontend's warning kind (an Extra with RuleID), else lang's DiagKind.
func WarningKind(d *hcl.Diagnostic) string {
	if r, ok := hcl.DiagnosticExtra[interface{ RuleID() string }](d); ok {
		return r.RuleID()
	}
	if info := lang.DiagInfoOf(d); info != nil && info.Kind != "" {
		return string(info.Kind)
	}
	return "buildlang"
}

// WarningLine is a warning as a build prints it, like the Dockerfile
// frontend's lint lines: "KIND: summary (build.hcl:12)". The detail is
// sent apart.
func WarningLine(d *hcl.Diagnostic) string {
	msg := WarningKind(d) + ": " + d.Summary
	if d.Subject != nil {
		msg += fmt.Sprintf(" (%s:%d)", d.Subject.Filename, d.Subject.Start.Line)
	}
	return msg
}
