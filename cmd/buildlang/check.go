package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/org/buildlang/lang/lint"
	"github.com/spf13/cobra"
)

func init() { addCommand(checkCommand) }

func checkCommand() *cobra.Command {
	var bf buildFlags
	var format string
	cmd := &cobra.Command{
		Use:   "check [-f FILE]... [--env E] [--var K=V]...",
		Short: "Check build files for errors and lint warnings without building",
		Long: "Check parses, type-checks and evaluates build files and runs the lint rules.\n" +
			"It exits 0 when there are no errors (warnings allowed) and 1 when there are.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			shortLivedGC()
			b, diags, err := bf.load()
			if err != nil {
				return err
			}
			diags = lint.Check(b, diags)
			switch format {
			case "text":
				writeDiagnostics(os.Stderr, b.Files, diags)
			case "json":
				if err := writeJSONDiagnostics(os.Stdout, diags); err != nil {
					return err
				}
			case "sarif":
				if err := writeSARIFDiagnostics(os.Stdout, diags); err != nil {
					return err
				}
			default:
				return fmt.Errorf("--format %q: use text, json or sarif", format)
			}
			if diags.HasErrors() {
				return exitError{1}
			}
			return nil
		},
	}
	bf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or sarif (SARIF 2.1.0, for code scanning)")
	return cmd
}

// shortLivedGC lets the garbage collector run less often (GOGC 400, held
// to a 1 GiB soft limit) in a command that runs once and exits: check
// spends about a quarter of its CPU time collecting garbage otherwise.
// GOGC or GOMEMLIMIT in the environment win.
func shortLivedGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(1 << 30)
}
