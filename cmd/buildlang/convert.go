package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/org/buildlang/convert"
	"github.com/spf13/cobra"
)

func init() { addCommand(convertCommand) }

func convertCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "convert [-o build.hcl] Dockerfile...|docker-bake.hcl",
		Short: "Convert Dockerfiles or a bake file to a build file",
		Long: "Convert reads Dockerfiles with BuildKit's own parser and writes one build file:\n" +
			"stages become targets, build args typed variables, RUN --mount secrets and ssh\n" +
			"declared blocks. A bake file (docker-bake.hcl) becomes one build file with the\n" +
			"Dockerfiles its targets build. A build with no target builds what the Dockerfile builds with\n" +
			"none. What buildlang cannot express faithfully is a comment at that spot and a\n" +
			"warning here, with the Dockerfile's line.\n\n" +
			"Without -o the build file is printed. With -o, a Dockerfile.dockerignore next to\n" +
			"the Dockerfile is copied to OUTPUT.dockerignore (a .dockerignore at the context's\n" +
			"root needs nothing: buildlang reads it as the Dockerfile frontend does).",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var inputs []convert.Input
			var out *convert.Output
			if len(args) == 1 && (strings.HasSuffix(args[0], ".hcl") || strings.HasSuffix(args[0], ".json")) {
				data, err := os.ReadFile(args[0])
				if err != nil {
					return err
				}
				dir := filepath.Dir(args[0])
				read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))) }
				if out, err = convert.Bake(args[0], data, read); err != nil {
					return err
				}
				args = nil
			}
			for _, a := range args {
				if strings.HasSuffix(a, ".hcl") || strings.HasSuffix(a, ".json") {
					return fmt.Errorf("%s: a bake file is converted on its own, with the Dockerfiles it names", a)
				}
				data, err := os.ReadFile(a)
				if err != nil {
					return err
				}
				inputs = append(inputs, convert.Input{Name: a, Data: data})
			}
			if out == nil {
				var err error
				if out, err = convert.Dockerfiles(inputs); err != nil {
					return err
				}
			}
			stderr := cmd.ErrOrStderr()
			for _, w := range out.Warnings {
				fmt.Fprintln(stderr, "warning: "+w)
			}
			if output == "" || output == "-" {
				_, err := cmd.OutOrStdout().Write(out.BuildFile)
				return err
			}
			if err := writeFileAtomic(output, out.BuildFile); err != nil {
				return err
			}
			for _, a := range args {
				ignore, err := os.ReadFile(a + ".dockerignore")
				if errors.Is(err, os.ErrNotExist) {
					continue
				} else if err != nil {
					return err
				}
				dst := output + ".dockerignore"
				if err := writeFileAtomic(dst, ignore); err != nil {
					return err
				}
				fmt.Fprintf(stderr, "%s: copied from %s, as the frontend reads it next to %s\n", dst, a+".dockerignore", filepath.Base(output))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the build file here instead of standard output")
	return cmd
}
