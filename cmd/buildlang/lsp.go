package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp"
	"github.com/spf13/cobra"
)

func init() { addCommand(lspCommand) }

func lspCommand() *cobra.Command {
	var env string
	var vars, allow []string
	cmd := &cobra.Command{
		Use:   "lsp [--env E] [--var K=V]... [--allow G[,G]]",
		Short: "Run the language server on stdin and stdout",
		Long: "lsp runs a Language Server Protocol server for build files over stdin and stdout,\n" +
			"for editors: diagnostics as `buildlang check` reports them, completion, hover,\n" +
			"go to definition, references, rename, formatting and more. See editors/README.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lsp.SetGC()
			opts := lsp.Options{Env: env, HostEnv: os.LookupEnv, Vars: map[string]string{}}
			var err error
			if opts.Allow, err = lang.ParseAllow(allow); err != nil {
				return err
			}
			for _, kv := range vars {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return fmt.Errorf("--var %q: write it as NAME=VALUE", kv)
				}
				opts.Vars[k] = v
			}
			if err := lsp.Serve(cmd.Context(), stdio{}, opts); err != nil {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&env, "env", "", "environment to select (default: \"default\" if declared)")
	cmd.Flags().StringArrayVar(&vars, "var", nil, "set a variable, NAME=VALUE (repeatable)")
	cmd.Flags().StringSliceVar(&allow, "allow", nil, "grant what the build files ask for, as for check and build: env=NAME lets a variable read its host environment variable (repeatable, comma separated)")
	return cmd
}

// stdio is the language server's connection: stdin and stdout.
type stdio struct{}

func (stdio) Read(p []byte) (int, error)  { return os.Stdin.Read(p) }
func (stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stdio) Close() error {
	os.Stdin.Close()
	return os.Stdout.Close()
}
