package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

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

// shortLivedGC leaves the garbage collector off in a command that runs
// once and exits, up to a soft memory limit (shortLivedLimit): check of a
// large file allocates several times what it keeps (the parser's tokens
// are garbage as soon as a chunk is parsed), and collecting that costs
// more CPU time than the process lives without it (GOGC 400: about a
// tenth of check's CPU time on a 1,000-target file, for 20 MB less peak
// RSS). Past the limit the collector runs as it must to stay under it.
// Writing diagnostics needs no collector: diagtext indexes a file's lines
// once, so 20 warnings at the end of a 1,000-target file allocate 2 MB.
// GOGC or GOMEMLIMIT in the environment win.
func shortLivedGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	cgroup, _ := os.ReadFile("/sys/fs/cgroup/memory.max")
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(shortLivedLimit(cgroup))
}

// shortLivedLimit is the soft memory limit of shortLivedGC: 512 MiB, or
// half the container's memory limit (cgroup v2 memory.max) when that is
// less, but never under 64 MiB.
func shortLivedLimit(cgroupMax []byte) int64 {
	limit := int64(512 << 20)
	if n, err := strconv.ParseInt(strings.TrimSpace(string(cgroupMax)), 10, 64); err == nil && n/2 < limit {
		limit = max(n/2, 64<<20)
	}
	return limit
}
