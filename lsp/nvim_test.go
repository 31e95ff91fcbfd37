package lsp

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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
  default = "x"
}

target "app" {
  from = "golang:${var.GO_VERSION}"
  tags = [var.]
}
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
		"-c", "luafile "+filepath.Join("testdata", "nvim", "test.lua"))
	cmd.Env = append(os.Environ(), "BUILDLANG_BIN="+bin, "NVIM_LSP_FILE="+file, "NVIM_LSP_OUT="+out,
		"NVIM_LSP_LINE=12", "NVIM_LSP_COL=14", "XDG_STATE_HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, output)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no result from nvim: %v", err)
	}
	var res struct {
		Diagnostics []struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"diagnostics"`
		Completion []string `json:"completion"`
		Errors     []string `json:"errors"`
	}
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
}
