package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/dump"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() { addCommand(compileCommand) }

func compileCommand() *cobra.Command {
	var bf buildFlags
	var targets, plats []string
	var format string
	cmd := &cobra.Command{
		Use:   "compile [-f FILE]... [TARGET|GROUP]... [--target T] [--platform P[,P]] [--env E] [--var K=V]... [--set T.ATTR=V]... [--format llb|json|dot]",
		Short: "Compile build files to BuildKit LLB without building",
		Long: "Compile evaluates the build files and prints the LLB of the requested targets.\n" +
			"--format llb (the default) writes the marshaled definition of one target and\n" +
			"one platform, for `buildctl build --local context=.`; json prints a readable\n" +
			"dump of the op graph and image configs; dot prints the graph for Graphviz.\n" +
			"Images are not resolved (no daemon is contacted): bases are unpinned and their\n" +
			"configs are not read. Named contexts are read as locals of the same name.",
		RunE: func(cmd *cobra.Command, args []string) error {
			ps, err := parsePlatforms(plats)
			if err != nil {
				return err
			}
			b, diags, err := bf.loadValid()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			res, cdiags := compiler.Compile(ctx, b, compiler.Request{
				Targets: append(args, targets...), Platforms: ps, NamedContexts: localNamedContexts,
			})
			diags = append(diags, cdiags...)
			if len(diags) > 0 {
				writeDiagnostics(os.Stderr, b.Files, diags)
			}
			if res == nil {
				return exitError{1}
			}
			return writeCompiled(ctx, os.Stdout, res, format)
		},
	}
	bf.register(cmd)
	registerTargets(cmd, &targets, "compile (default: the default group)")
	cmd.Flags().StringSliceVar(&plats, "platform", nil, "target platforms, e.g. linux/amd64,linux/arm64 (default: each target's)")
	cmd.Flags().StringVar(&format, "format", "llb", "output format: llb, json or dot")
	return cmd
}

// localNamedContexts provides contexts.NAME as the local NAME, which
// `buildctl build --local NAME=DIR` sends.
func localNamedContexts(_ context.Context, name string, _ ocispecs.Platform) (*compiler.NamedContext, error) {
	return &compiler.NamedContext{State: llb.Local(name, llb.SharedKeyHint(name), llb.LocalUniqueID("buildlang"))}, nil
}

func writeCompiled(ctx context.Context, w io.Writer, res *compiler.Result, format string) error {
	switch format {
	case "llb":
		if len(res.Outputs) != 1 {
			var choices []string
			for _, o := range res.Outputs {
				choices = append(choices, "--target "+o.Target+" --platform "+platforms.FormatAll(o.Platform))
			}
			fmt.Fprintf(os.Stderr, "buildlang: --format llb writes one target for one platform, but %d were compiled; choose one of:\n  %s\n",
				len(res.Outputs), strings.Join(choices, "\n  "))
			return exitError{1}
		}
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			fmt.Fprintln(os.Stderr, "buildlang: --format llb writes binary LLB; pipe it to `buildctl build --local context=.` or redirect it to a file, or use --format json")
			return exitError{1}
		}
		def, err := res.Outputs[0].Marshal(ctx)
		if err != nil {
			return err
		}
		dt, err := compiler.MarshalDefinition(def)
		if err != nil {
			return err
		}
		_, err = w.Write(dt)
		return err
	case "json", "dot":
		g, err := graphOf(ctx, res)
		if err != nil {
			return err
		}
		if format == "dot" {
			_, err = io.WriteString(w, dump.Dot(g))
			return err
		}
		return writeDump(w, g, res)
	}
	return fmt.Errorf("--format %q: use llb, json or dot", format)
}

func graphOf(ctx context.Context, res *compiler.Result) (*dump.Graph, error) {
	var rs []dump.Result
	for _, o := range res.Outputs {
		def, err := o.Marshal(ctx)
		if err != nil {
			return nil, err
		}
		rs = append(rs, dump.Result{Name: o.Target + " " + platforms.FormatAll(o.Platform), Def: def.ToPB()})
	}
	return dump.Load(rs)
}

// writeDump prints the same text as the golden tests: the op graph, then
// each output's image config.
func writeDump(w io.Writer, g *dump.Graph, res *compiler.Result) error {
	if _, err := io.WriteString(w, dump.Text(g)); err != nil {
		return err
	}
	for _, o := range res.Outputs {
		j, err := compiler.ImageJSON(o.Image)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "\nconfig %s %s:\n%s", o.Target, platforms.FormatAll(o.Platform), j); err != nil {
			return err
		}
	}
	return nil
}
