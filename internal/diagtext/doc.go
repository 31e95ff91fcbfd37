// Package diagtext writes HCL diagnostics as text, byte for byte as
// hcl.NewDiagnosticTextWriter does (header, "on FILE line N, in BLOCK:",
// the snippet with line numbers and the highlighted subject, the values
// of the expression's variables, the detail wrapped at the width, colour
// codes), but finds a snippet's lines through an index of each file's
// lines, built once per file, instead of scanning the file from its start
// for every diagnostic as HCL's writer does (a 4 KB buffer per line): so
// writing twenty diagnostics at the end of a large file costs what their
// snippets cost, not twenty times the file.
//
// It is the only text writer of diagnostics in buildlang: the CLI's
// output and builder's errors both use it. Its test writes every
// diagnostic of lang's check cases, the golden cases, examples and spec
// samples through both writers and requires identical bytes.
package diagtext
