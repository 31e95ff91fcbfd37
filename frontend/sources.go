package frontend

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
)

// sourceMaps holds one llb.SourceMap per build file, so check errors and
// lint warnings point at the file's lines in buildctl and buildx output.
type sourceMaps map[string]*llb.SourceMap

func newSourceMaps(b *lang.Build, src *llb.State, def *llb.Definition) sourceMaps {
	sm := sourceMaps{}
	for name, f := range b.Files {
		m := llb.NewSourceMap(src, name, "buildlang", f.Bytes)
		m.Definition = def
		sm[name] = m
	}
	return sm
}

// diagnosticsError turns error diagnostics into one error that carries each
// diagnostic's source location, the form BuildKit clients print with the
// file's lines.
//
// A hostile file can have 20,000 errors, and each source carries the whole
// file: the first maxErrorSources errors get a source, the first
// maxErrorMessages are in the message.
func diagnosticsError(diags hcl.Diagnostics, sm sourceMaps) error {
	var msgs []string
	errs := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			if errs < maxErrorMessages {
				msgs = append(msgs, formatDiagnostic(d))
			}
			errs++
		}
	}
	if errs > maxErrorMessages {
		msgs = append(msgs, fmt.Sprintf("... and %d more errors", errs-maxErrorMessages))
	}
	err := errors.New(strings.Join(msgs, "\n"))
	sources := 0
	for _, d := range diags {
		if d.Severity != hcl.DiagError || d.Subject == nil || sources == maxErrorSources {
			continue
		}
		if m := sm[d.Subject.Filename]; m != nil {
			err = errdefs.WithSource(err, &errdefs.Source{Info: sourceInfo(m), Ranges: []*pb.Range{compiler.SourceRange(*d.Subject)}})
			sources++
		}
	}
	return err
}

const (
	maxErrorMessages = 100
	maxErrorSources  = 10
)

func sourceInfo(m *llb.SourceMap) *pb.SourceInfo {
	info := &pb.SourceInfo{Filename: m.Filename, Data: m.Data, Language: m.Language}
	if m.Definition != nil {
		info.Definition = m.Definition.ToPB()
	}
	return info
}

// formatDiagnostic renders a diagnostic on one line: file:line:col: summary: detail.
func formatDiagnostic(d *hcl.Diagnostic) string {
	s := d.Summary
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	if d.Subject != nil {
		return fmt.Sprintf("%s:%d:%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, s)
	}
	return s
}
