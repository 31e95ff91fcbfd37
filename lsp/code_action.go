package lsp

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

var (
	didYouMeanRE = regexp.MustCompile(`Did you mean "([^"]+)"\?`)
	// givenREs find the name a diagnostic complains about.
	givenREs = []*regexp.Regexp{
		regexp.MustCompile(`named "([^"]+)"`),
		regexp.MustCompile(`^"([^"]+)" is not a valid`),
		regexp.MustCompile(`has no attribute "([^"]+)"`),
	}
)

// stubs are the declarations the "add a declaration" fix writes, by the
// reference root that names the kind.
var stubs = map[string]struct{ kind, root, text string }{
	"Unknown variable": {"variable", "var", "variable %q {\n  type = string\n}"},
	"Unknown secret":   {"secret", "secret", "secret %q {}"},
	"Unknown cache":    {"cache", "cache", "cache %q {}"},
	"Unknown ssh":      {"ssh", "ssh", "ssh %q {}"},
}

// codeActions offers quick fixes for the diagnostics in the range:
// replacing a misspelled name with the diagnostic's suggestion, and
// declaring an unknown variable, secret, cache or ssh agent.
func codeActions(ctx context.Context, s *Server, snap *snapshot, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	b, f := snap.file(docPath(p.TextDocument.URI))
	if f == nil {
		return nil, nil
	}
	start, err := f.m.offset(p.Range.Start)
	if err != nil {
		return nil, err
	}
	end, err := f.m.offset(p.Range.End)
	if err != nil {
		return nil, err
	}
	actions := []protocol.CodeAction{}
	for _, d := range fileDiagnostics(snap, f.path, start, end) {
		pd := toProtocolDiagnostic(b, f, d)
		given := givenName(d.Detail)
		subject := string(f.m.content[d.Subject.Start.Byte:d.Subject.End.Byte])
		if m := didYouMeanRE.FindStringSubmatch(d.Detail); m != nil && given != "" {
			if i := strings.LastIndex(subject, given); i >= 0 {
				at := d.Subject.Start.Byte + i
				actions = append(actions, protocol.CodeAction{
					Title: fmt.Sprintf("Change %q to %q", given, m[1]), Kind: protocol.QuickFix,
					Diagnostics: []protocol.Diagnostic{pd}, IsPreferred: true,
					Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{
						p.TextDocument.URI: {{Range: f.m.offsetRange(at, at+len(given)), NewText: m[1]}},
					}},
				})
			}
		}
		if st, ok := stubs[d.Summary]; ok && given != "" && hclsyntax.ValidIdentifier(given) &&
			(strings.HasPrefix(subject, st.root+".") || strings.HasPrefix(subject, st.root+"[") || subject == `"`+given+`"`) {
			actions = append(actions, protocol.CodeAction{
				Title: fmt.Sprintf("Declare %s %q", st.kind, given), Kind: protocol.QuickFix,
				Diagnostics: []protocol.Diagnostic{pd},
				Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{
					p.TextDocument.URI: {declarationEdit(f, st.kind, fmt.Sprintf(st.text, given))},
				}},
			})
		}
	}
	return actions, nil
}

func givenName(detail string) string {
	for _, re := range givenREs {
		if m := re.FindStringSubmatch(detail); m != nil {
			return m[1]
		}
	}
	return ""
}

// declarationEdit inserts a declaration after the file's last block of
// the same kind, else before its first block, else at its end.
func declarationEdit(f *fileInfo, kind, text string) protocol.TextEdit {
	body, _ := f.file.Body.(*hclsyntax.Body)
	var last, first *hclsyntax.Block
	if body != nil {
		for _, blk := range body.Blocks {
			if first == nil {
				first = blk
			}
			if blk.Type == kind {
				last = blk
			}
		}
	}
	var at int
	switch {
	case last != nil:
		at = last.CloseBraceRange.End.Byte
		text = "\n\n" + text
	case first != nil:
		at = lineStart(f.m.content, first.TypeRange.Start.Byte)
		text += "\n\n"
	default:
		at = len(f.m.content)
		if at > 0 && f.m.content[at-1] != '\n' {
			text = "\n" + text
		}
		text += "\n"
	}
	return protocol.TextEdit{Range: f.m.offsetRange(at, at), NewText: text}
}

func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}

var _ = hcl.Pos{}
