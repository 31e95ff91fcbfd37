package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	messy     = "target \"app\" {\n    from=\"alpine:3.20\"\n\n\n  tags = [\"a\"]\n}\n"
	formatted = "target \"app\" {\n  from = \"alpine:3.20\"\n\n  tags = [\"a\"]\n}\n"
	broken    = "target \"app\" {\n  from = \n}\n"
)

// fmtRun runs buildlang fmt in-process with the given arguments and stdin.
func fmtRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := rootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(append([]string{"fmt"}, args...))
	err := cmd.Execute()
	var ee exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
	default:
		code = 2
		errOut.WriteString(err.Error())
	}
	return code, out.String(), errOut.String()
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFmtStdout(t *testing.T) {
	dir := writeFiles(t, map[string]string{"build.hcl": messy})
	code, out, errOut := fmtRun(t, "", filepath.Join(dir, "build.hcl"))
	if code != 0 || out != formatted || errOut != "" {
		t.Errorf("fmt FILE = %d, %q, %q; want 0, the formatted file, no errors", code, out, errOut)
	}
	if got := readFile(t, filepath.Join(dir, "build.hcl")); got != messy {
		t.Errorf("fmt without -w changed the file")
	}
}

func TestFmtStdin(t *testing.T) {
	code, out, _ := fmtRun(t, messy, "-")
	if code != 0 || out != formatted {
		t.Errorf("fmt - = %d, %q; want 0, %q", code, out, formatted)
	}
	if code, _, _ := fmtRun(t, messy, "-w", "-"); code != 2 {
		t.Errorf("fmt -w - exited %d, want 2", code)
	}
}

func TestFmtWrite(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"build.hcl":                messy,
		"services/api/build.hcl":   messy,
		"services/api/notes.txt":   messy,
		".hidden/build.hcl":        messy,
		"node_modules/x/build.hcl": messy,
		"ok.hcl":                   formatted,
	})
	code, out, errOut := fmtRun(t, "", "-w", dir)
	if code != 0 || out != "" || errOut != "" {
		t.Fatalf("fmt -w DIR = %d, %q, %q", code, out, errOut)
	}
	for name, want := range map[string]string{
		"build.hcl":                formatted,
		"services/api/build.hcl":   formatted,
		"services/api/notes.txt":   messy,
		".hidden/build.hcl":        messy,
		"node_modules/x/build.hcl": messy,
		"ok.hcl":                   formatted,
	} {
		if got := readFile(t, filepath.Join(dir, name)); got != want {
			t.Errorf("%s after fmt -w:\n%s\nwant:\n%s", name, got, want)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "build.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("fmt -w changed the file mode to %v", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestFmtCheck(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.hcl": messy, "b.hcl": formatted})
	code, out, _ := fmtRun(t, "", "-check", dir)
	if want := filepath.Join(dir, "a.hcl") + "\n"; code != 1 || out != want {
		t.Errorf("fmt -check = %d, %q; want 1, %q", code, out, want)
	}
	if got := readFile(t, filepath.Join(dir, "a.hcl")); got != messy {
		t.Errorf("fmt -check changed a file")
	}
	if code, out, _ := fmtRun(t, "", "-check", filepath.Join(dir, "b.hcl")); code != 0 || out != "" {
		t.Errorf("fmt -check on a formatted file = %d, %q; want 0, nothing", code, out)
	}
	if code, _, _ := fmtRun(t, "", "-check", "-w", dir); code != 2 {
		t.Errorf("fmt -check -w exited %d, want 2", code)
	}
}

func TestFmtDefaultIsCurrentDirectory(t *testing.T) {
	dir := writeFiles(t, map[string]string{"build.hcl": messy, "sub/x.hcl": formatted})
	t.Chdir(dir)
	code, out, _ := fmtRun(t, "", "-check")
	if code != 1 || out != "build.hcl\n" {
		t.Errorf("fmt -check with no arguments = %d, %q; want 1, %q", code, out, "build.hcl\n")
	}
}

func TestFmtSyntaxError(t *testing.T) {
	dir := writeFiles(t, map[string]string{"bad.hcl": broken, "good.hcl": messy})
	code, _, errOut := fmtRun(t, "", "-w", dir)
	if code != 2 {
		t.Errorf("fmt -w on a broken file exited %d, want 2", code)
	}
	if !strings.Contains(errOut, "bad.hcl line 2") || !strings.Contains(errOut, "Error: ") {
		t.Errorf("diagnostics not printed as check prints them:\n%s", errOut)
	}
	if got := readFile(t, filepath.Join(dir, "bad.hcl")); got != broken {
		t.Errorf("a broken file was changed")
	}
	if got := readFile(t, filepath.Join(dir, "good.hcl")); got != formatted {
		t.Errorf("the other files were not formatted")
	}
}

func TestFmtDiff(t *testing.T) {
	dir := writeFiles(t, map[string]string{"build.hcl": messy})
	t.Chdir(dir)
	code, out, _ := fmtRun(t, "", "-diff", "build.hcl")
	want := "--- a/build.hcl\n+++ b/build.hcl\n@@ -1,6 +1,5 @@\n target \"app\" {\n-    from=\"alpine:3.20\"\n-\n+  from = \"alpine:3.20\"\n \n   tags = [\"a\"]\n }\n"
	if code != 0 || out != want {
		t.Errorf("fmt -diff = %d,\n%s\nwant 0,\n%s", code, out, want)
	}
}

func TestUnifiedDiff(t *testing.T) {
	var a, b []string
	for i := 1; i <= 30; i++ {
		a = append(a, "line "+strconv.Itoa(i))
		b = append(b, "line "+strconv.Itoa(i))
	}
	b[1] = "changed 2"                                        // hunk 1
	b = append(b[:20], append([]string{"new"}, b[20:]...)...) // hunk 2: insert after line 20
	b = b[:len(b)-1]                                          // and drop line 30
	got := unifiedDiff("f.hcl", strings.Join(a, "\n")+"\n", strings.Join(b, "\n"))
	want := `--- a/f.hcl
+++ b/f.hcl
@@ -1,5 +1,5 @@
 line 1
-line 2
+changed 2
 line 3
 line 4
 line 5
@@ -18,6 +18,7 @@
 line 18
 line 19
 line 20
+new
 line 21
 line 22
 line 23
@@ -26,5 +27,4 @@
 line 26
 line 27
 line 28
-line 29
-line 30
+line 29
\ No newline at end of file
`
	// want is what GNU diff -u prints for the same texts.
	if got != want {
		t.Errorf("unifiedDiff:\n%s\nwant:\n%s", got, want)
	}
	if d := unifiedDiff("f", "same\n", "same\n"); d != "" {
		t.Errorf("diff of equal texts = %q", d)
	}
	if d := unifiedDiff("f", "", "a\n"); d != "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n" {
		t.Errorf("diff from empty = %q", d)
	}
}
