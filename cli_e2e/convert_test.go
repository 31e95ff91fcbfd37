package cli_e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// TestConvertThenBuild: buildlang convert writes a build file that
// buildlang build, given no target, builds as the Dockerfile builds with
// none: its last stage (and the stages it needs), not the test stage.
func TestConvertThenBuild(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{
		"Dockerfile": "FROM busybox AS build\nARG GREETING=hello\nRUN mkdir /out && echo \"$GREETING\" > /out/greeting\n" +
			"FROM busybox AS test\nRUN false\n" +
			"FROM scratch\nCOPY --from=build /out/greeting /greeting\n",
		"message.txt": "unused\n",
	})
	r := mustBuild(t, env, dir, nil, "convert", "-o", "build.hcl", "Dockerfile")
	if r.stderr != "" {
		t.Errorf("warnings for a Dockerfile that converts faithfully:\n%s", r.stderr)
	}
	mustBuild(t, env, dir, nil, "check")
	mustBuild(t, env, dir, nil, "build", "--progress", "plain", "--var", "GREETING=hi", "-o", "type=local,dest=out")
	if got, err := os.ReadFile(filepath.Join(dir, "out", "greeting")); err != nil || strings.TrimSpace(string(got)) != "hi" {
		t.Errorf("out/greeting = %q, %v; want hi (the build arg as a variable)", got, err)
	}
}
