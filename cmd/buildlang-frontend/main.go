// Command buildlang-frontend is the BuildKit gateway frontend image's
// entrypoint: `# syntax=org/buildlang` or `--opt source=org/buildlang` runs it.
package main

import (
	"fmt"
	"os"

	"github.com/moby/buildkit/frontend/gateway/grpcclient"
	"github.com/moby/buildkit/util/appcontext"
	"github.com/org/buildlang/frontend"
)

func main() {
	if err := grpcclient.RunFromEnvironment(appcontext.Context(), frontend.Build); err != nil {
		fmt.Fprintf(os.Stderr, "buildlang frontend: %v\n", err)
		os.Exit(1)
	}
}
