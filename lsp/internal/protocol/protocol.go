// Package protocol holds the Language Server Protocol 3.17 types the
// buildlang language server uses, with the JSON names of the specification.
// Only what the server sends or reads is declared.
package protocol

import "encoding/json"

// DocumentURI is a file URI, e.g. "file:///home/me/build.hcl".
type DocumentURI string

// Position is a zero-based line and a character offset in UTF-16 code units.
type Position struct {
	Line      uint32 `json:"line"`
	Character uint32 `json:"character"`
}

// Range is a half-open range of positions.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Location is a range in a document.
type Location struct {
	URI   DocumentURI `json:"uri"`
	Range Range       `json:"range"`
}

// TextDocumentIdentifier names a document.
type TextDocumentIdentifier struct {
	URI DocumentURI `json:"uri"`
}

// VersionedTextDocumentIdentifier names a version of a document.
type VersionedTextDocumentIdentifier struct {
	URI     DocumentURI `json:"uri"`
	Version int32       `json:"version"`
}

// TextDocumentItem is an opened document.
type TextDocumentItem struct {
	URI        DocumentURI `json:"uri"`
	LanguageID string      `json:"languageId"`
	Version    int32       `json:"version"`
	Text       string      `json:"text"`
}

// TextDocumentPositionParams is a position in a document.
type TextDocumentPositionParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Position     Position               `json:"position"`
}

// InitializeParams are the parameters of initialize.
type InitializeParams struct {
	ProcessID        *int32             `json:"processId"`
	RootURI          DocumentURI        `json:"rootUri,omitempty"`
	WorkspaceFolders []WorkspaceFolder  `json:"workspaceFolders,omitempty"`
	Capabilities     ClientCapabilities `json:"capabilities"`
}

// WorkspaceFolder is a folder open in the client.
type WorkspaceFolder struct {
	URI  DocumentURI `json:"uri"`
	Name string      `json:"name"`
}

// ClientCapabilities are the parts of the client's capabilities the server reads.
type ClientCapabilities struct {
	TextDocument struct {
		Completion struct {
			CompletionItem struct {
				SnippetSupport bool `json:"snippetSupport"`
			} `json:"completionItem"`
		} `json:"completion"`
	} `json:"textDocument"`
}

// InitializeResult answers initialize.
type InitializeResult struct {
	Capabilities ServerCapabilities `json:"capabilities"`
	ServerInfo   *ServerInfo        `json:"serverInfo,omitempty"`
}

// ServerInfo names the server.
type ServerInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// TextDocumentSyncKind says how documents are synced.
type TextDocumentSyncKind int

// Sync kinds.
const (
	SyncNone        TextDocumentSyncKind = 0
	SyncFull        TextDocumentSyncKind = 1
	SyncIncremental TextDocumentSyncKind = 2
)

// TextDocumentSyncOptions say which document notifications the server wants.
type TextDocumentSyncOptions struct {
	OpenClose bool                 `json:"openClose"`
	Change    TextDocumentSyncKind `json:"change"`
	Save      *SaveOptions         `json:"save,omitempty"`
}

// SaveOptions configure didSave.
type SaveOptions struct {
	IncludeText bool `json:"includeText"`
}

// ServerCapabilities lists what the server does.
type ServerCapabilities struct {
	TextDocumentSync           TextDocumentSyncOptions `json:"textDocumentSync"`
	CompletionProvider         *CompletionOptions      `json:"completionProvider,omitempty"`
	HoverProvider              bool                    `json:"hoverProvider,omitempty"`
	SignatureHelpProvider      *SignatureHelpOptions   `json:"signatureHelpProvider,omitempty"`
	DefinitionProvider         bool                    `json:"definitionProvider,omitempty"`
	ReferencesProvider         bool                    `json:"referencesProvider,omitempty"`
	DocumentSymbolProvider     bool                    `json:"documentSymbolProvider,omitempty"`
	CodeActionProvider         *CodeActionOptions      `json:"codeActionProvider,omitempty"`
	DocumentFormattingProvider bool                    `json:"documentFormattingProvider,omitempty"`
	RenameProvider             *RenameOptions          `json:"renameProvider,omitempty"`
	FoldingRangeProvider       bool                    `json:"foldingRangeProvider,omitempty"`
	SemanticTokensProvider     *SemanticTokensOptions  `json:"semanticTokensProvider,omitempty"`
	InlayHintProvider          bool                    `json:"inlayHintProvider,omitempty"`

	CodeLensProvider                *CodeLensOptions     `json:"codeLensProvider,omitempty"`
	DocumentLinkProvider            *DocumentLinkOptions `json:"documentLinkProvider,omitempty"`
	WorkspaceSymbolProvider         bool                 `json:"workspaceSymbolProvider,omitempty"`
	SelectionRangeProvider          bool                 `json:"selectionRangeProvider,omitempty"`
	DocumentRangeFormattingProvider bool                 `json:"documentRangeFormattingProvider,omitempty"`
}

// CompletionOptions configure completion.
type CompletionOptions struct {
	TriggerCharacters []string `json:"triggerCharacters,omitempty"`
}

// SignatureHelpOptions configure signature help.
type SignatureHelpOptions struct {
	TriggerCharacters   []string `json:"triggerCharacters,omitempty"`
	RetriggerCharacters []string `json:"retriggerCharacters,omitempty"`
}

// CodeActionOptions configure code actions.
type CodeActionOptions struct {
	CodeActionKinds []string `json:"codeActionKinds,omitempty"`
}

// RenameOptions configure rename.
type RenameOptions struct {
	PrepareProvider bool `json:"prepareProvider"`
}

// SemanticTokensOptions configure semantic tokens.
type SemanticTokensOptions struct {
	Legend SemanticTokensLegend `json:"legend"`
	Full   bool                 `json:"full"`
}

// SemanticTokensLegend names token types and modifiers by index.
type SemanticTokensLegend struct {
	TokenTypes     []string `json:"tokenTypes"`
	TokenModifiers []string `json:"tokenModifiers"`
}

// DidOpenTextDocumentParams are didOpen's parameters.
type DidOpenTextDocumentParams struct {
	TextDocument TextDocumentItem `json:"textDocument"`
}

// DidChangeTextDocumentParams are didChange's parameters.
type DidChangeTextDocumentParams struct {
	TextDocument   VersionedTextDocumentIdentifier  `json:"textDocument"`
	ContentChanges []TextDocumentContentChangeEvent `json:"contentChanges"`
}

// TextDocumentContentChangeEvent is one change; without Range it replaces
// the whole text.
type TextDocumentContentChangeEvent struct {
	Range *Range `json:"range,omitempty"`
	Text  string `json:"text"`
}

// DidCloseTextDocumentParams are didClose's parameters.
type DidCloseTextDocumentParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// DidSaveTextDocumentParams are didSave's parameters.
type DidSaveTextDocumentParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// DiagnosticSeverity grades a diagnostic.
type DiagnosticSeverity int

// Severities.
const (
	SeverityError       DiagnosticSeverity = 1
	SeverityWarning     DiagnosticSeverity = 2
	SeverityInformation DiagnosticSeverity = 3
	SeverityHint        DiagnosticSeverity = 4
)

// Diagnostic is a problem in a document.
type Diagnostic struct {
	Range           Range               `json:"range"`
	Severity        DiagnosticSeverity  `json:"severity,omitempty"`
	Code            string              `json:"code,omitempty"`
	CodeDescription *CodeDescription    `json:"codeDescription,omitempty"`
	Source          string              `json:"source,omitempty"`
	Message         string              `json:"message"`
	Data            json.RawMessage     `json:"data,omitempty"`
	RelatedInfo     []DiagnosticRelated `json:"relatedInformation,omitempty"`
}

// CodeDescription links a diagnostic code to its documentation.
type CodeDescription struct {
	Href string `json:"href"`
}

// DiagnosticRelated points at a related place.
type DiagnosticRelated struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// PublishDiagnosticsParams are publishDiagnostics' parameters.
type PublishDiagnosticsParams struct {
	URI         DocumentURI  `json:"uri"`
	Version     *int32       `json:"version,omitempty"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// CompletionParams are completion's parameters.
type CompletionParams struct {
	TextDocumentPositionParams
}

// CompletionItemKind says what a completion item is.
type CompletionItemKind int

// Completion item kinds used here.
const (
	KindText       CompletionItemKind = 1
	KindFunction   CompletionItemKind = 3
	KindField      CompletionItemKind = 5
	KindVariable   CompletionItemKind = 6
	KindClass      CompletionItemKind = 7
	KindModule     CompletionItemKind = 9
	KindProperty   CompletionItemKind = 10
	KindValue      CompletionItemKind = 12
	KindEnum       CompletionItemKind = 13
	KindKeyword    CompletionItemKind = 14
	KindSnippet    CompletionItemKind = 15
	KindConstant   CompletionItemKind = 21
	KindStruct     CompletionItemKind = 22
	KindEnumMember CompletionItemKind = 20
)

// InsertTextFormat says whether insertText is a snippet.
type InsertTextFormat int

// Insert text formats.
const (
	PlainTextFormat InsertTextFormat = 1
	SnippetFormat   InsertTextFormat = 2
)

// CompletionItem is one completion.
type CompletionItem struct {
	Label            string             `json:"label"`
	Kind             CompletionItemKind `json:"kind,omitempty"`
	Detail           string             `json:"detail,omitempty"`
	Documentation    *MarkupContent     `json:"documentation,omitempty"`
	SortText         string             `json:"sortText,omitempty"`
	FilterText       string             `json:"filterText,omitempty"`
	InsertText       string             `json:"insertText,omitempty"`
	InsertTextFormat InsertTextFormat   `json:"insertTextFormat,omitempty"`
	TextEdit         *TextEdit          `json:"textEdit,omitempty"`
}

// CompletionList is completion's result.
type CompletionList struct {
	IsIncomplete bool             `json:"isIncomplete"`
	Items        []CompletionItem `json:"items"`
}

// MarkupContent is text in markdown or plaintext.
type MarkupContent struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Hover is hover's result.
type Hover struct {
	Contents MarkupContent `json:"contents"`
	Range    *Range        `json:"range,omitempty"`
}

// ReferenceParams are references' parameters.
type ReferenceParams struct {
	TextDocumentPositionParams
	Context struct {
		IncludeDeclaration bool `json:"includeDeclaration"`
	} `json:"context"`
}

// RenameParams are rename's parameters.
type RenameParams struct {
	TextDocumentPositionParams
	NewName string `json:"newName"`
}

// PrepareRenameResult answers prepareRename.
type PrepareRenameResult struct {
	Range       Range  `json:"range"`
	Placeholder string `json:"placeholder"`
}

// TextEdit replaces a range with new text.
type TextEdit struct {
	Range   Range  `json:"range"`
	NewText string `json:"newText"`
}

// WorkspaceEdit is a set of edits to documents.
type WorkspaceEdit struct {
	Changes map[DocumentURI][]TextEdit `json:"changes"`
}

// DocumentSymbolParams are documentSymbol's parameters.
type DocumentSymbolParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// SymbolKind says what a symbol is.
type SymbolKind int

// Symbol kinds used here.
const (
	SymbolModule      SymbolKind = 2
	SymbolNamespace   SymbolKind = 3
	SymbolClass       SymbolKind = 5
	SymbolMethod      SymbolKind = 6
	SymbolProperty    SymbolKind = 7
	SymbolField       SymbolKind = 8
	SymbolFunction    SymbolKind = 12
	SymbolVariable    SymbolKind = 13
	SymbolConstant    SymbolKind = 14
	SymbolKey         SymbolKind = 20
	SymbolObject      SymbolKind = 19
	SymbolStruct      SymbolKind = 23
	SymbolEvent       SymbolKind = 24
	SymbolEnumMember  SymbolKind = 22
	SymbolPackage     SymbolKind = 4
	SymbolInterface   SymbolKind = 11
	SymbolEnum        SymbolKind = 10
	SymbolTypeParam   SymbolKind = 26
	SymbolOperator    SymbolKind = 25
	SymbolFile        SymbolKind = 1
	SymbolConstructor SymbolKind = 9
)

// DocumentSymbol is one symbol of the outline.
type DocumentSymbol struct {
	Name           string           `json:"name"`
	Detail         string           `json:"detail,omitempty"`
	Kind           SymbolKind       `json:"kind"`
	Range          Range            `json:"range"`
	SelectionRange Range            `json:"selectionRange"`
	Children       []DocumentSymbol `json:"children,omitempty"`
}

// DocumentFormattingParams are formatting's parameters.
type DocumentFormattingParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// SemanticTokensParams are semanticTokens/full's parameters.
type SemanticTokensParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// SemanticTokens is semanticTokens/full's result.
type SemanticTokens struct {
	Data []uint32 `json:"data"`
}

// CodeActionParams are codeAction's parameters.
type CodeActionParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Range        Range                  `json:"range"`
	Context      struct {
		Diagnostics []Diagnostic `json:"diagnostics"`
		Only        []string     `json:"only,omitempty"`
	} `json:"context"`
}

// CodeAction is a quick fix.
type CodeAction struct {
	Title       string         `json:"title"`
	Kind        string         `json:"kind,omitempty"`
	Diagnostics []Diagnostic   `json:"diagnostics,omitempty"`
	IsPreferred bool           `json:"isPreferred,omitempty"`
	Edit        *WorkspaceEdit `json:"edit,omitempty"`
}

// QuickFix is the code action kind of fixes.
const QuickFix = "quickfix"

// FoldingRangeParams are foldingRange's parameters.
type FoldingRangeParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// FoldingRange is a foldable line range.
type FoldingRange struct {
	StartLine uint32 `json:"startLine"`
	EndLine   uint32 `json:"endLine"`
	Kind      string `json:"kind,omitempty"`
}

// InlayHintParams are inlayHint's parameters.
type InlayHintParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Range        Range                  `json:"range"`
}

// InlayHint is a label shown inline.
type InlayHint struct {
	Position     Position `json:"position"`
	Label        string   `json:"label"`
	Kind         int      `json:"kind,omitempty"` // 1 type, 2 parameter
	PaddingLeft  bool     `json:"paddingLeft,omitempty"`
	PaddingRight bool     `json:"paddingRight,omitempty"`
	Tooltip      string   `json:"tooltip,omitempty"`
}

// SignatureHelpParams are signatureHelp's parameters.
type SignatureHelpParams struct {
	TextDocumentPositionParams
}

// SignatureHelp is signatureHelp's result.
type SignatureHelp struct {
	Signatures      []SignatureInformation `json:"signatures"`
	ActiveSignature uint32                 `json:"activeSignature"`
	ActiveParameter uint32                 `json:"activeParameter"`
}

// SignatureInformation is one signature.
type SignatureInformation struct {
	Label         string                 `json:"label"`
	Documentation *MarkupContent         `json:"documentation,omitempty"`
	Parameters    []ParameterInformation `json:"parameters,omitempty"`
}

// ParameterInformation is one parameter; Label is [start, end) offsets
// into the signature label, in UTF-16 code units.
type ParameterInformation struct {
	Label         [2]uint32      `json:"label"`
	Documentation *MarkupContent `json:"documentation,omitempty"`
}

// MessageType grades a logMessage.
type MessageType int

// Message types.
const (
	MessageError   MessageType = 1
	MessageWarning MessageType = 2
	MessageInfo    MessageType = 3
	MessageLog     MessageType = 4
)

// LogMessageParams are window/logMessage's parameters.
type LogMessageParams struct {
	Type    MessageType `json:"type"`
	Message string      `json:"message"`
}

// CancelParams are $/cancelRequest's parameters.
type CancelParams struct {
	ID json.RawMessage `json:"id"`
}

// Error codes of responses.
const (
	CodeInvalidParams    = -32602
	CodeMethodNotFound   = -32601
	CodeInternalError    = -32603
	CodeRequestCancelled = -32800
	CodeServerNotInit    = -32002
	CodeInvalidRequest   = -32600
)
