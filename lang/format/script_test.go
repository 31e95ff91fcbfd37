package format

import "testing"

// A script heredoc holds shell text that is no HCL template; it formats,
// and stays as written.
func TestScriptHeredoc(t *testing.T) {
	src := "target \"app\" {\n  from = \"alpine\"\n  run {\n    script = <<-EOT\n      echo \"${f##*/}\" %{x}\n    EOT\n  }\n}\n"
	out, diags := Source([]byte("target \"app\" {\n  from   = \"alpine\"\n  run {\n    script   = <<-EOT\n      echo \"${f##*/}\" %{x}\n    EOT\n  }\n}\n"), "build.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if string(out) != src {
		t.Errorf("formatted:\n%s\nwant:\n%s", out, src)
	}
}
