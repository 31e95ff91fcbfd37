// Command buildlang checks, formats, compiles and builds buildlang files.
//
// Each subcommand lives in its own file and registers itself with
// addCommand; main only runs the root command and maps errors to exit codes.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var subcommands []func() *cobra.Command

// addCommand registers a subcommand constructor; call it from init.
func addCommand(f func() *cobra.Command) { subcommands = append(subcommands, f) }

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "buildlang",
		Short:         "A typed build language for BuildKit",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, f := range subcommands {
		root.AddCommand(f())
	}
	return root
}

// exitError carries an exit code; its message, if any, is already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	err := rootCommand().Execute()
	if err == nil {
		return
	}
	var ee exitError
	if errors.As(err, &ee) {
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "buildlang:", err)
	os.Exit(2)
}
