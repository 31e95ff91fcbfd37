package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/org/buildlang/lang"
	"github.com/spf13/cobra"
)

func init() { addCommand(graphCommand) }

func graphCommand() *cobra.Command {
	var bf buildFlags
	var format string
	var targets []string
	cmd := &cobra.Command{
		Use:   "graph [-f FILE]... [--env E] [--format dot|mermaid] [TARGET|GROUP]... [--target T]...",
		Short: "Print the target dependency graph as DOT or Mermaid",
		RunE: func(cmd *cobra.Command, args []string) error {
			b, diags, err := bf.load(func(o *lang.Options) { o.Lenient = true })
			if err != nil {
				return err
			}
			names, ediags := b.Expand(append(args, targets...))
			diags = append(diags, ediags...)
			if diags.HasErrors() {
				writeDiagnostics(os.Stderr, b.Files, diags)
				return exitError{1}
			}
			switch format {
			case "dot":
				writeDot(os.Stdout, b, reachable(b, names))
			case "mermaid":
				writeMermaid(os.Stdout, b, reachable(b, names))
			default:
				return fmt.Errorf("--format %q: use dot or mermaid", format)
			}
			return nil
		},
	}
	bf.register(cmd)
	registerTargets(cmd, &targets, "show (default: every target)")
	cmd.Flags().StringVar(&format, "format", "dot", "output format: dot or mermaid")
	return cmd
}

// reachable lists the named targets and everything they read from, in
// build-file order.
func reachable(b *lang.Build, names []string) []*lang.Target {
	want := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if want[n] {
			return
		}
		want[n] = true
		if t := b.Target(n); t != nil {
			for _, d := range t.Deps {
				visit(d)
			}
		}
	}
	for _, n := range names {
		visit(n)
	}
	var out []*lang.Target
	for _, t := range b.Targets {
		if want[t.Name] {
			out = append(out, t)
		}
	}
	return out
}

func writeDot(w io.Writer, b *lang.Build, ts []*lang.Target) {
	fmt.Fprintln(w, "digraph build {")
	fmt.Fprintln(w, "  rankdir=LR;")
	for _, t := range ts {
		fmt.Fprintf(w, "  %q [label=%q];\n", t.Name, t.Name+"\n"+formatPlatforms(t.DefaultPlatforms))
	}
	for _, t := range ts {
		for _, d := range t.Deps {
			fmt.Fprintf(w, "  %q -> %q;\n", d, t.Name)
		}
	}
	fmt.Fprintln(w, "}")
}

func writeMermaid(w io.Writer, b *lang.Build, ts []*lang.Target) {
	id := func(n string) string { return "t_" + strings.NewReplacer("-", "_", ".", "_").Replace(n) }
	fmt.Fprintln(w, "graph LR")
	for _, t := range ts {
		fmt.Fprintf(w, "  %s[\"%s<br/>%s\"]\n", id(t.Name), t.Name, formatPlatforms(t.DefaultPlatforms))
	}
	for _, t := range ts {
		for _, d := range t.Deps {
			fmt.Fprintf(w, "  %s --> %s\n", id(d), id(t.Name))
		}
	}
}
