package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// TestNeovim runs `buildlang lsp` under a real editor: headless Neovim
// (Debian's neovim package) opens a build file, waits for diagnostics and
// asks for completion after "var.". It is skipped when nvim is not on
// PATH, except on CI, where .ci/run installs it.
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nvim is not installed; .ci/run installs Debian's neovim package")
		}
		t.Skip("nvim not on PATH (apt-get install -y neovim)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "buildlang")
	build := exec.Command("go", "build", "-o", bin, "./cmd/buildlang")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "build.hcl")
	src := `# syntax=org/buildlang

variable "GO_VERSION" {
  default = "1.22"
}

variable "UNUSED" {
  default="x"
}

target "app" {
  from = "golang:${var.GO_VERSION}"
  tags = [var.]
  copy {
    src = ["main.go"]
    dest="/src/"
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
		"-c", "luafile "+filepath.Join("testdata", "nvim", "test.lua"))
	cmd.Env = append(os.Environ(), "BUILDLANG_BIN="+bin, "NVIM_LSP_FILE="+file, "NVIM_LSP_OUT="+out,
		"NVIM_LSP_LINE=12", "NVIM_LSP_COL=14",
		"NVIM_LSP_FIXED_LINE=  tags = [var.UNUSED]", "NVIM_LSP_FORMAT_LINE=15", "XDG_STATE_HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, output)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no result from nvim: %v", err)
	}
	var res nvimResult
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	t.Logf("nvim got %d diagnostics and completion %v", len(res.Diagnostics), res.Completion)
	if len(res.Errors) > 0 {
		t.Errorf("errors in nvim: %v", res.Errors)
	}
	found := false
	for _, d := range res.Diagnostics {
		if d.Line == 12 && strings.Contains(d.Message, "attribute name is required") {
			found = true
		}
	}
	if !found {
		t.Errorf("diagnostics: want the syntax error on line 13, got %+v", res.Diagnostics)
	}
	for _, want := range []string{"GO_VERSION", "UNUSED"} {
		if !slices.Contains(res.Completion, want) {
			t.Errorf("completion after var.: want %q in %v", want, res.Completion)
		}
	}
	checkNeovimWorkspace(t, dir, &res)
}

// nvimResult is what testdata/nvim/test.lua writes.
type nvimResult struct {
	Diagnostics []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"diagnostics"`
	Completion []string `json:"completion"`
	Errors     []string `json:"errors"`
	CodeLens   []struct {
		Line    int      `json:"line"`
		Title   string   `json:"title"`
		Command string   `json:"command"`
		Args    []string `json:"args"`
	} `json:"code_lens"`
	Links []struct {
		Line   int    `json:"line"`
		Target string `json:"target"`
	} `json:"links"`
	Symbols []struct {
		Name string `json:"name"`
	} `json:"symbols"`
	Selection       [][4]int `json:"selection"`
	RangeFormatting []string `json:"range_formatting"`
	LensRun         []string `json:"lens_run"`
}

// checkNeovimWorkspace checks what Neovim got from code lens, document
// links, workspace symbols, selection range and range formatting.
func checkNeovimWorkspace(t *testing.T, dir string, res *nvimResult) {
	var lenses []string
	for _, l := range res.CodeLens {
		lenses = append(lenses, fmt.Sprintf("%d %s %s %s", l.Line, l.Title, l.Command, strings.Join(l.Args, " ")))
	}
	wantLenses := []string{
		"10 ▶ Build buildlang.build build -f build.hcl app",
		"10 Check buildlang.check check -f build.hcl",
		"10 Graph buildlang.graph graph -f build.hcl app",
	}
	if !slices.Equal(lenses, wantLenses) {
		t.Errorf("code lenses:\n got %q\nwant %q", lenses, wantLenses)
	}
	if got, want := res.LensRun, []string{"build", "-f", "build.hcl", "app"}; !slices.Equal(got, want) {
		t.Errorf("running the Build lens with vim.lsp.codelens.run: command args %q, want %q", got, want)
	}
	if len(res.Links) != 1 || res.Links[0].Line != 14 || uriPath(protocol.DocumentURI(res.Links[0].Target)) != filepath.Join(dir, "main.go") {
		t.Errorf("document links: got %+v, want main.go on line 15", res.Links)
	}
	var names []string
	for _, s := range res.Symbols {
		names = append(names, s.Name)
	}
	if want := []string{"GO_VERSION", "UNUSED", "app"}; !slices.Equal(names, want) {
		t.Errorf("workspace symbols: got %q, want %q", names, want)
	}
	// From the cursor in "var.UNUSED" out: the reference, the list, the
	// attribute, the block's body, the block, the file.
	if n := len(res.Selection); n < 5 || res.Selection[0] != [4]int{12, 10, 12, 20} || res.Selection[n-1] != [4]int{0, 0, 18, 0} {
		t.Errorf("selection ranges: got %v", res.Selection)
	}
	if got, want := res.RangeFormatting[15], `    dest = "/src/"`; got != want {
		t.Errorf("range formatting: line 16 is %q, want %q", got, want)
	}
	// src is aligned with dest: one change of the formatted file.
	if got, want := res.RangeFormatting[14], `    src  = ["main.go"]`; got != want {
		t.Errorf("range formatting: line 15 is %q, want %q", got, want)
	}
	if got, want := res.RangeFormatting[7], `  default="x"`; got != want {
		t.Errorf("range formatting changed line 8, outside the range: %q, want %q", got, want)
	}
}
