package protocol

import "encoding/json"

// CodeLensParams are codeLens's parameters.
type CodeLensParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// CodeLens is a command shown above a range.
type CodeLens struct {
	Range   Range    `json:"range"`
	Command *Command `json:"command,omitempty"`
}

// CodeLensOptions configure code lenses.
type CodeLensOptions struct {
	ResolveProvider bool `json:"resolveProvider"`
}

// Command is a command the client runs, with its arguments.
type Command struct {
	Title     string `json:"title"`
	Command   string `json:"command"`
	Arguments []any  `json:"arguments,omitempty"`
}

// DocumentLinkParams are documentLink's parameters.
type DocumentLinkParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// DocumentLink is a range that links to a document.
type DocumentLink struct {
	Range   Range       `json:"range"`
	Target  DocumentURI `json:"target,omitempty"`
	Tooltip string      `json:"tooltip,omitempty"`
}

// DocumentLinkOptions configure document links.
type DocumentLinkOptions struct {
	ResolveProvider bool `json:"resolveProvider"`
}

// WorkspaceSymbolParams are workspace/symbol's parameters.
type WorkspaceSymbolParams struct {
	Query string `json:"query"`
}

// SymbolInformation is a workspace symbol.
type SymbolInformation struct {
	Name          string     `json:"name"`
	Kind          SymbolKind `json:"kind"`
	Location      Location   `json:"location"`
	ContainerName string     `json:"containerName,omitempty"`
}

// SelectionRangeParams are selectionRange's parameters.
type SelectionRangeParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Positions    []Position             `json:"positions"`
}

// SelectionRange is a range with the range that contains it.
type SelectionRange struct {
	Range  Range           `json:"range"`
	Parent *SelectionRange `json:"parent,omitempty"`
}

// DocumentRangeFormattingParams are rangeFormatting's parameters.
type DocumentRangeFormattingParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Range        Range                  `json:"range"`
}

// DidChangeConfigurationParams carry the client's new settings.
type DidChangeConfigurationParams struct {
	Settings json.RawMessage `json:"settings"`
}

// Completion item kinds of paths.
const (
	KindFile   CompletionItemKind = 17
	KindFolder CompletionItemKind = 19
)
