package compiler

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
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
