package trust_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/golden"
	"github.com/org/buildlang/internal/diagtext"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/lsp"
	"github.com/org/buildlang/trust/corpus"
)

// markerTag ends every marker, so one search finds them all.
const markerTag = "-7f3a9c"

// renderAll renders diagnostics every way buildlang shows them: the text
// writer with source snippets and the values of the expressions involved
// (what check prints), the one-line form (frontend errors, golden), and
// JSON.
func renderAll(files map[string]*hcl.File, diags hcl.Diagnostics) []byte {
	var buf bytes.Buffer
	_ = diagtext.NewWriter(&buf, files, 0, false).WriteDiagnostics(diags)
	buf.WriteString(golden.FormatDiagnostics(diags))
	for _, d := range diags {
		j, _ := json.Marshal(map[string]any{"summary": d.Summary, "detail": d.Detail})
		buf.Write(j)
	}
	return buf.Bytes()
}

// TestSecretMarkers plays the client for every golden case and example (in
// each environment): every host variable a secret reads, and every
// sensitive string variable, holds a marker. No marker may appear in any
// marshaled definition (ops, names, source maps), image config (with its
// history), diagnostic (rendered as check, the frontend and JSON render
// them) or lint finding; secrets taken from a sensitive variable (var =)
// must still give the CLI their value. (golden's TestSecretValues checks
// definitions and configs; this adds diagnostics, lint and every
// rendering.)
func TestSecretMarkers(t *testing.T) {
	checked, outputs := 0, 0
	for _, c := range goldenCases(t) {
		b, diags := loadCase(c)
		if diags.HasErrors() {
			continue
		}
		mc := *c
		mc.Vars = map[string]string{}
		for k, v := range c.Vars {
			mc.Vars[k] = v
		}
		hostVars := map[string]bool{}
		for _, v := range b.Variables {
			if v.HostEnv != "" {
				hostVars[v.HostEnv] = true
			}
		}
		host := map[string]string{}
		var markers []string
		for _, s := range b.Secrets {
			if s.Env != "" && !hostVars[s.Env] {
				host[s.Env] = "SECRET-" + s.ID + markerTag
				markers = append(markers, host[s.Env])
			}
		}
		for _, v := range b.Variables {
			if v.Sensitive && v.Type.FriendlyName() == "string" {
				mc.Vars[v.Name] = "SENSITIVE-" + v.Name + markerTag
				markers = append(markers, mc.Vars[v.Name])
			}
		}
		mc.HostEnv = func(k string) (string, bool) { v, ok := host[k]; return v, ok }
		out, err := mc.Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		blobs := [][]byte{renderAll(out.Build.Files, out.Diags)}
		blobs = append(blobs, renderAll(out.Build.Files, lint.Run(out.Build)))
		if out.Result != nil {
			for i, o := range out.Result.Outputs {
				dt, err := compiler.MarshalDefinition(out.Defs[i])
				if err != nil {
					t.Fatal(err)
				}
				cfg, _ := golden.ConfigJSON(o)
				blobs = append(blobs, dt, cfg)
				outputs++
			}
		}
		for _, blob := range blobs {
			if bytes.Contains(blob, []byte(markerTag)) {
				i := bytes.Index(blob, []byte(markerTag))
				t.Errorf("%s: a secret or sensitive value reached the output: ...%s...", c.Name, blob[max(0, i-80):i+len(markerTag)])
			}
		}
		for _, s := range out.Build.Secrets {
			if s.Var != "" {
				if v, ok := out.Build.SecretValue(s); !ok || !strings.HasSuffix(string(v), markerTag) {
					t.Errorf("%s: secret %s: SecretValue = %q, %v", c.Name, s.Name, v, ok)
				}
			}
		}
		checked += len(markers)
	}
	t.Logf("%d markers checked across %d outputs", checked, outputs)
	if checked == 0 {
		t.Error("no case has a secret or sensitive variable: the test proves nothing")
	}
}

// TestSensitiveCorpusMarkers gives TOKEN a marker (by --var, not in the
// source, so source snippets cannot show it) in every corpus seed that
// uses a sensitive variable, and requires that no diagnostic, however
// rendered, and no lint finding shows it. As a control, the same value
// in a variable that is not sensitive does show, in the LLB.
func TestSensitiveCorpusMarkers(t *testing.T) {
	seeds, err := corpus.Seeds()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range seeds {
		src := string(c.Files[c.Entry])
		if !strings.Contains(src, "sensitive = true") {
			continue
		}
		n++
		marker := "TOKEN" + markerTag
		b, diags := lang.Load(lang.FS(mapFS(c.Files)), []string{c.Entry}, lang.Options{Vars: map[string]string{"TOKEN": marker}})
		diags = lint.Check(b, diags)
		if blob := renderAll(b.Files, diags); bytes.Contains(blob, []byte(markerTag)) {
			i := bytes.Index(blob, []byte(markerTag))
			t.Errorf("%s: the sensitive value is shown: ...%s...", c.Name, blob[max(0, i-120):i+len(markerTag)])
		}
	}
	if n < 30 {
		t.Errorf("only %d seeds use a sensitive variable", n)
	}
	// Control: not sensitive, the same value reaches the LLB.
	src := strings.Replace(string(mustSeed(t, "sensitive-command.hcl")), "sensitive = true", "sensitive = false", 1)
	b, diags := lang.Load(lang.FS(mapFS(map[string][]byte{"build.hcl": []byte(src)})), []string{"build.hcl"},
		lang.Options{Vars: map[string]string{"TOKEN": "TOKEN" + markerTag}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, _, defs, err := compileAll(context.Background(), b)
	if err != nil || len(defs) == 0 || !bytes.Contains(defs[0], []byte(markerTag)) {
		t.Errorf("control: a variable that is not sensitive did not reach the LLB (%v); the test cannot see values", err)
	}
}

func mustSeed(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus.SeedDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestLSPSensitive opens a file using a sensitive variable in the language
// server with the variable set to a marker, and asks for everything an
// editor shows about it: hover on each character of every line, inlay
// hints, completion, symbols, and diagnostics (a validation fails with a
// message using the value). The marker must appear in no response. As a
// control, a variable that is not sensitive shows its value in hover and
// inlay hints.
func TestLSPSensitive(t *testing.T) {
	src := `variable "TOKEN" {
  sensitive = true
  validation {
    condition     = startswith(var.TOKEN, "ghp_")
    error_message = "bad token ${var.TOKEN}"
  }
}

variable "PLAIN" {
  default = "plain"
}

locals {
  header = "Bearer ${var.TOKEN}"
  upper  = upper(var.TOKEN)
  plain  = "x-${var.PLAIN}"
}

secret "tok" {
  var = var.TOKEN
}

target "app" {
  from = "busybox"
  tags = [local.plain]
  run {
    command = "wc -c /run/secrets/tok ${local.header}"
    secret "tok" {}
  }
}
`
	marker, plainMarker := "TOKEN"+markerTag, "PLAIN-VISIBLE-b2c4"
	dir := t.TempDir()
	path := filepath.Join(dir, "build.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cl := startLSP(t, lsp.Options{DiagnosticsDelay: -1, Vars: map[string]string{"TOKEN": marker, "PLAIN": plainMarker}})
	defer cl.shutdown()
	uri := fileURI(path)
	cl.open(uri, src)
	if _, err := cl.waitDiagnostics(uri, 0, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	cl.mu.Lock()
	all.Write(cl.diags[uri])
	cl.mu.Unlock()
	doc := map[string]any{"uri": uri}
	ask := func(method string, params any) {
		var res json.RawMessage
		if err := cl.call(method, params, &res); err != nil {
			all.WriteString(err.Error())
		}
		all.Write(res)
	}
	lines := strings.Split(src, "\n")
	hovers := 0
	for l, line := range lines {
		for c := 0; c <= len(line); c++ {
			ask("textDocument/hover", map[string]any{"textDocument": doc, "position": lspPos{l, c}})
			hovers++
		}
		ask("textDocument/completion", map[string]any{"textDocument": doc, "position": lspPos{l, len(line)}})
	}
	ask("textDocument/inlayHint", map[string]any{"textDocument": doc, "range": lspRange{lspPos{0, 0}, lspPos{len(lines), 0}}})
	ask("textDocument/documentSymbol", map[string]any{"textDocument": doc})
	ask("textDocument/codeAction", map[string]any{"textDocument": doc, "range": lspRange{lspPos{0, 0}, lspPos{len(lines), 0}}, "context": map[string]any{"diagnostics": []any{}}})
	if bytes.Contains(all.Bytes(), []byte(markerTag)) {
		i := bytes.Index(all.Bytes(), []byte(markerTag))
		t.Errorf("the language server shows the sensitive value: ...%s...", all.Bytes()[max(0, i-120):i+len(markerTag)])
	}
	if !bytes.Contains(all.Bytes(), []byte(plainMarker)) {
		t.Errorf("control: the value of a variable that is not sensitive is shown nowhere; the test cannot see values")
	}
	t.Logf("%d hovers, %d bytes of responses without the marker", hovers, all.Len())
	_ = fmt.Sprint()
}
