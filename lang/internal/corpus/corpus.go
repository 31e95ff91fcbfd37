package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Files returns the build files under the repository root, by path (a
// txtar case's files as ARCHIVE/NAME).
func Files(tb testing.TB, root string) map[string][]byte {
	tb.Helper()
	files := map[string][]byte{}
	for _, pattern := range []string{"lang/testdata/*/*.txtar", "golden/testdata/*.txtar", "lang/testdata/bad/*.hcl", "examples/*/*.hcl"} {
		names, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			tb.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				tb.Fatal(err)
			}
			if !strings.HasSuffix(name, ".txtar") {
				files[name] = data
				continue
			}
			for _, f := range txtar.Parse(data).Files {
				if strings.HasSuffix(f.Name, ".hcl") {
					files[name+"/"+f.Name] = f.Data
				}
			}
		}
	}
	if len(files) < 100 {
		tb.Fatalf("only %d build files under %s", len(files), root)
	}
	return files
}
