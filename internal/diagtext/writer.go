package diagtext

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/hashicorp/hcl/v2"
	wordwrap "github.com/mitchellh/go-wordwrap"
	"github.com/zclconf/go-cty/cty"
)

// Writer is an hcl.DiagnosticWriter that writes what
// hcl.NewDiagnosticTextWriter writes. Each file's lines are indexed the
// first time a diagnostic shows a snippet of it.
type Writer struct {
	wr    io.Writer
	files map[string]*hcl.File
	width uint
	color bool
	lines map[*hcl.File]lineIndex
}

var _ hcl.DiagnosticWriter = (*Writer)(nil)

// NewWriter returns a Writer to wr for diagnostics in files, as
// hcl.NewDiagnosticTextWriter(wr, files, width, color): width 0 wraps
// nothing; color adds VT100 colour codes.
func NewWriter(wr io.Writer, files map[string]*hcl.File, width uint, color bool) *Writer {
	return &Writer{wr: wr, files: files, width: width, color: color, lines: map[*hcl.File]lineIndex{}}
}

// WriteDiagnostics writes each diagnostic in turn, stopping at the first
// write error.
func (w *Writer) WriteDiagnostics(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if err := w.WriteDiagnostic(d); err != nil {
			return err
		}
	}
	return nil
}

// WriteDiagnostic writes one diagnostic: its header, its snippet and the
// values of its expression's variables when it has a subject, and its
// detail. The steps and their order are those of HCL's writer.
func (w *Writer) WriteDiagnostic(diag *hcl.Diagnostic) error {
	if diag == nil {
		return errors.New("nil diagnostic")
	}
	if err := w.header(diag); err != nil {
		return err
	}
	if diag.Subject != nil {
		if err := w.snippet(diag); err != nil {
			return err
		}
		if diag.Expression != nil && diag.EvalContext != nil {
			if err := w.values(diag.Expression, diag.EvalContext); err != nil {
				return err
			}
		}
	}
	if diag.Detail != "" {
		detail := diag.Detail
		if w.width != 0 {
			detail = wordwrap.WrapString(detail, w.width)
		}
		return wrapErr(fmt.Fprintf(w.wr, "%s\n\n", detail))
	}
	return nil
}

// header writes "Error: Summary" or "Warning: Summary" and a blank line.
func (w *Writer) header(diag *hcl.Diagnostic) error {
	var colorCode, resetCode string
	if w.color {
		switch diag.Severity {
		case hcl.DiagError:
			colorCode = "\x1b[31m"
		case hcl.DiagWarning:
			colorCode = "\x1b[33m"
		}
		resetCode = "\x1b[0m"
	}
	severity := "???????" // as HCL's for a severity that should not occur
	switch diag.Severity {
	case hcl.DiagError:
		severity = "Error"
	case hcl.DiagWarning:
		severity = "Warning"
	}
	return wrapErr(fmt.Fprintf(w.wr, "%s%s%s: %s\n\n", colorCode, severity, resetCode, diag.Summary))
}

// snippet writes "on FILE line N, in BLOCK:" and every non-empty line
// overlapping the subject (and context), the subject highlighted.
func (w *Writer) snippet(diag *hcl.Diagnostic) error {
	subject := *diag.Subject
	snipRange, highlightRange := subject, subject
	if diag.Context != nil {
		snipRange = hcl.RangeOver(snipRange, *diag.Context)
	}
	// An empty range is shown as one character, as HCL's writer does.
	if snipRange.Empty() {
		snipRange.End.Byte++
		snipRange.End.Column++
	}
	if highlightRange.Empty() {
		highlightRange.End.Byte++
		highlightRange.End.Column++
	}

	file := w.files[subject.Filename]
	if file == nil || file.Bytes == nil {
		return wrapErr(fmt.Fprintf(w.wr, "  on %s line %d:\n  (source code not available)\n\n", subject.Filename, subject.Start.Line))
	}
	var contextLine string
	if cs, ok := file.Nav.(interface{ ContextString(offset int) string }); ok {
		if s := cs.ContextString(subject.Start.Byte); s != "" {
			contextLine = ", in " + s
		}
	}
	if _, err := fmt.Fprintf(w.wr, "  on %s line %d%s:\n", subject.Filename, subject.Start.Line, contextLine); err != nil {
		return wrapErr(0, err)
	}

	var highlightCode, resetCode string
	if w.color {
		highlightCode, resetCode = "\x1b[1;4m", "\x1b[0m"
	}
	src := file.Bytes
	lo, hi := min(snipRange.Start.Byte, snipRange.End.Byte), max(snipRange.Start.Byte, snipRange.End.Byte)
	for _, l := range w.index(file, subject.Filename).overlapping(lo, hi) {
		lineRange := hcl.Range{
			Filename: subject.Filename,
			Start:    hcl.Pos{Line: l.num, Column: 1, Byte: l.start},
			End:      hcl.Pos{Line: l.num, Byte: l.end}, // only bytes matter below
		}
		if !lineRange.Overlaps(snipRange) {
			continue
		}
		var err error
		before, highlighted, after := lineRange.PartitionAround(highlightRange)
		if highlighted.Empty() {
			_, err = fmt.Fprintf(w.wr, "%4d: %s\n", l.num, src[l.start:l.tok])
		} else {
			_, err = fmt.Fprintf(w.wr, "%4d: %s%s%s%s%s\n", l.num,
				before.SliceBytes(src), highlightCode, highlighted.SliceBytes(src), resetCode, after.SliceBytes(src))
		}
		if err != nil {
			return wrapErr(0, err)
		}
	}
	return wrapErr(w.wr.Write([]byte{'\n'}))
}

// index returns file's line index, building it the first time.
func (w *Writer) index(file *hcl.File, filename string) lineIndex {
	ix, ok := w.lines[file]
	if !ok {
		ix = indexLines(filename, file.Bytes)
		w.lines[file] = ix
	}
	return ix
}

// values writes "with var.x as ..." lines: the value of each variable the
// expression reads, for a diagnostic made in one of several scopes.
func (w *Writer) values(expr hcl.Expression, ctx *hcl.EvalContext) error {
	vars := expr.Variables()
	stmts := make([]string, 0, len(vars))
	seen := make(map[string]struct{}, len(vars))
	for _, traversal := range vars {
		val, diags := traversal.TraverseAbs(ctx)
		if diags.HasErrors() {
			continue // most likely reported already
		}
		name := traversalStr(traversal)
		if _, exists := seen[name]; exists {
			continue
		}
		switch {
		case !val.IsKnown():
			continue
		case val.IsNull():
			stmts = append(stmts, fmt.Sprintf("%s set to null", name))
		case val.IsMarked():
			continue // HCL's writer does not show marked values
		default:
			stmts = append(stmts, fmt.Sprintf("%s as %s", name, valueStr(val)))
		}
		seen[name] = struct{}{}
	}
	if len(stmts) == 0 {
		return nil
	}
	sort.Strings(stmts)
	var b bytes.Buffer
	for i, stmt := range stmts {
		if i == 0 {
			b.WriteString("with ")
		} else {
			b.WriteString("     ")
		}
		b.WriteString(stmt)
		if i == len(stmts)-1 {
			b.WriteString(".\n\n")
		} else {
			b.WriteString(",\n")
		}
	}
	return wrapErr(w.wr.Write(b.Bytes()))
}

// traversalStr is HCL's writer's short form of a traversal: var.x[0],
// with "..." for an index that is not a primitive value.
func traversalStr(traversal hcl.Traversal) string {
	var buf bytes.Buffer
	for _, step := range traversal {
		switch step := step.(type) {
		case hcl.TraverseRoot:
			buf.WriteString(step.Name)
		case hcl.TraverseAttr:
			buf.WriteByte('.')
			buf.WriteString(step.Name)
		case hcl.TraverseIndex:
			buf.WriteByte('[')
			if step.Key.Type().IsPrimitiveType() {
				buf.WriteString(valueStr(step.Key))
			} else {
				buf.WriteString("...")
			}
			buf.WriteByte(']')
		}
	}
	return buf.String()
}

// valueStr is HCL's writer's short form of a value: scalars in full,
// collections and objects by their size.
func valueStr(val cty.Value) string {
	ty := val.Type()
	switch {
	case val.IsNull():
		return "null"
	case !val.IsKnown():
		return "(not yet known)"
	case ty == cty.Bool:
		if val.True() {
			return "true"
		}
		return "false"
	case ty == cty.Number:
		return val.AsBigFloat().Text('g', 10)
	case ty == cty.String:
		return fmt.Sprintf("%q", val.AsString())
	case ty.IsCollectionType() || ty.IsTupleType():
		switch l := val.LengthInt(); l {
		case 0:
			return "empty " + ty.FriendlyName()
		case 1:
			return ty.FriendlyName() + " with 1 element"
		default:
			return fmt.Sprintf("%s with %d elements", ty.FriendlyName(), l)
		}
	case ty.IsObjectType():
		atys := ty.AttributeTypes()
		switch l := len(atys); l {
		case 0:
			return "object with no attributes"
		case 1:
			var name string
			for k := range atys {
				name = k
			}
			return fmt.Sprintf("object with 1 attribute %q", name)
		default:
			return fmt.Sprintf("object with %d attributes", l)
		}
	default:
		return ty.FriendlyName()
	}
}

// wrapErr is HCL's writer's error for a failed write.
func wrapErr(_ int, err error) error {
	if err != nil {
		return fmt.Errorf("write failed: %w", err)
	}
	return nil
}
