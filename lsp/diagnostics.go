package lsp

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// diagnosticsLoop publishes diagnostics after edits. An edit after a quiet
// period is diagnosed at once; edits coming faster than the delay are
// debounced, and diagnosed once they stop for the delay.
func (s *Server) diagnosticsLoop() {
	defer s.wg.Done()
	delay := s.opts.delay()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.diagCh:
		}
		for {
			s.mu.Lock()
			wait := s.lastChange.Add(delay).Sub(clock())
			if s.quiet {
				wait = 0
			}
			s.mu.Unlock()
			if wait <= 0 {
				break
			}
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(wait):
			case <-s.diagCh:
			}
		}
		s.safely(nil, "diagnostics", func() { s.publishDiagnostics(s.snapshot()) })
	}
}

// publishDiagnostics publishes the diagnostics of every file of every
// build of the snapshot, and clears them for files no longer in one.
func (s *Server) publishDiagnostics(snap *snapshot) {
	c := snap.diagnostics()
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	paths := make([]string, 0, len(c.diags))
	for p := range c.diags {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		b := c.byPath[p]
		if b == nil {
			continue
		}
		f := b.files[p]
		params := protocol.PublishDiagnosticsParams{URI: pathURI(p), Diagnostics: []protocol.Diagnostic{}}
		if f.doc != nil {
			v := f.doc.version
			params.Version = &v
		}
		for _, d := range c.diags[p] {
			params.Diagnostics = append(params.Diagnostics, toProtocolDiagnostic(b, f, d))
		}
		_ = conn.Notify(s.ctx, "textDocument/publishDiagnostics", params)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.published {
		if _, ok := c.diags[p]; !ok {
			_ = conn.Notify(context.Background(), "textDocument/publishDiagnostics",
				protocol.PublishDiagnosticsParams{URI: pathURI(p), Diagnostics: []protocol.Diagnostic{}})
			delete(s.published, p)
		}
	}
	for p := range c.diags {
		s.published[p] = true
	}
}

// ruleOf is implemented by lint findings' Extra values.
type ruleOf interface{ RuleID() string }

// toProtocolDiagnostic converts a diagnostic of file f. The message is the
// summary, then the detail on the next line; lint findings carry their
// rule id as the code.
func toProtocolDiagnostic(b *buildInfo, f *fileInfo, d *hcl.Diagnostic) protocol.Diagnostic {
	pd := protocol.Diagnostic{Source: "buildlang", Message: d.Summary, Severity: protocol.SeverityError}
	if d.Severity == hcl.DiagWarning {
		pd.Severity = protocol.SeverityWarning
	}
	if d.Detail != "" {
		pd.Message += "\n" + d.Detail
	}
	if d.Subject != nil && d.Subject.Filename == f.name {
		pd.Range = f.m.lspRange(*d.Subject)
	} else if d.Subject != nil {
		// About something outside the build's files (a --var value):
		// shown at the start of the root file, where it says what it is.
		pd.Message = d.Subject.Filename + ": " + pd.Message
	}
	if r, ok := hcl.DiagnosticExtra[ruleOf](d); ok {
		pd.Code = r.RuleID()
		pd.Source = "buildlang lint"
		for _, rule := range lint.Rules {
			if rule.ID == pd.Code && rule.URL != "" {
				pd.CodeDescription = &protocol.CodeDescription{Href: rule.URL}
			}
		}
	}
	return pd
}

// fileDiagnostics returns the check diagnostics of the file at path whose
// range overlaps [start, end).
func fileDiagnostics(snap *snapshot, path string, start, end int) []*hcl.Diagnostic {
	var out []*hcl.Diagnostic
	for _, d := range snap.diagnostics().diags[path] {
		if d.Subject == nil {
			continue
		}
		if d.Subject.Start.Byte <= end && d.Subject.End.Byte >= start {
			out = append(out, d)
		}
	}
	return out
}

// firstLine is the first line of s.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
