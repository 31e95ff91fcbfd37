package lsp

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// document is one version of an open document. It is immutable: an edit
// makes a new document.
type document struct {
	uri     protocol.DocumentURI
	path    string // absolute OS path
	version int32
	text    []byte
	m       *mapper

	parseMu sync.Mutex
	parses  map[string]*parsed // by the name a load gives the file

	lexOnce sync.Once
	toks    hclsyntax.Tokens // the whole text's, for tokens
}

// tokens are the tokens of the whole text, lexed once per version for the
// features reading a whole document's tokens (semantic tokens, folding
// ranges), which an editor asks for after every edit. They are shared:
// readers must not change them.
func (d *document) tokens() hclsyntax.Tokens {
	d.lexOnce.Do(func() {
		if cut := d.cut(); cut != nil {
			d.toks = cut.tokens(d.text, d.m)
		} else {
			d.toks = lex(d.text, 0, len(d.text), d.m)
		}
	})
	return d.toks
}

// cut is how a parse of this version cut it in chunks, or nil.
func (d *document) cut() *chunked {
	d.parseMu.Lock()
	defer d.parseMu.Unlock()
	for _, e := range d.parses {
		if cut := e.cut.Load(); cut != nil {
			return cut
		}
	}
	return nil
}

// parsed returns the parse of this version under a name, shared by every
// load of every snapshot holding this version.
func (d *document) parsed(name string) *parsed {
	d.parseMu.Lock()
	defer d.parseMu.Unlock()
	if d.parses == nil {
		d.parses = map[string]*parsed{}
	}
	e := d.parses[name]
	if e == nil {
		e = &parsed{src: d.text}
		d.parses[name] = e
	}
	return e
}

func newDocument(uri protocol.DocumentURI, version int32, text []byte) *document {
	return &document{uri: uri, path: uriPath(uri), version: version, text: text, m: newMapper(text)}
}

// applyChanges returns the document after the changes of one didChange.
func (d *document) applyChanges(version int32, changes []protocol.TextDocumentContentChangeEvent) (*document, error) {
	text, m := d.text, d.m
	for _, c := range changes {
		if c.Range == nil {
			text = []byte(c.Text)
		} else {
			start, err := m.offset(c.Range.Start)
			if err != nil {
				return nil, err
			}
			end, err := m.offset(c.Range.End)
			if err != nil {
				return nil, err
			}
			if end < start {
				return nil, fmt.Errorf("change range ends before it starts")
			}
			next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
			next = append(next, text[:start]...)
			next = append(next, c.Text...)
			next = append(next, text[end:]...)
			text = next
		}
		m = newMapper(text)
	}
	return &document{uri: d.uri, path: d.path, version: version, text: text, m: m}, nil
}

// virtualDir holds documents whose URI is not a file (e.g. untitled:).
const virtualDir = "/buildlang-lsp-virtual"

// uriPath converts a file URI to an absolute OS path.
func uriPath(uri protocol.DocumentURI) string {
	u, err := url.Parse(string(uri))
	if err != nil || u.Scheme != "file" {
		name := strings.NewReplacer("/", "_", ":", "_", "\\", "_").Replace(string(uri))
		return filepath.Join(virtualDir, name)
	}
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // file:///C:/x on Windows
		p = p[1:]
	}
	return filepath.Clean(filepath.FromSlash(p))
}

// pathURI converts an absolute OS path to a file URI.
func pathURI(path string) protocol.DocumentURI {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p}
	return protocol.DocumentURI(u.String())
}
