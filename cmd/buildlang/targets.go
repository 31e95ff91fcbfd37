package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
	"github.com/spf13/cobra"
)

func init() { addCommand(targetsCommand) }

func targetsCommand() *cobra.Command {
	var bf buildFlags
	cmd := &cobra.Command{
		Use:   "targets [-f FILE]... [--env E]",
		Short: "List targets, matrix instances and groups with their descriptions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, _, err := bf.loadValid(func(o *lang.Options) { o.Lenient = true })
			if err != nil {
				return err
			}
			return writeTargets(os.Stdout, b)
		},
	}
	bf.register(cmd)
	return cmd
}

// writeTargets prints a table like `docker buildx bake --list=targets`.
func writeTargets(w io.Writer, b *lang.Build) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tPLATFORMS\tDESCRIPTION")
	for _, t := range b.Targets {
		name := t.Name
		if t.Name != t.Block {
			name += " (matrix " + t.Block + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, formatPlatforms(t.DefaultPlatforms), t.Description)
	}
	if len(b.Groups) > 0 {
		fmt.Fprintln(tw, "\t\t")
		fmt.Fprintln(tw, "GROUP\tTARGETS\tDESCRIPTION")
		for _, g := range b.Groups {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Name, strings.Join(g.Targets, ","), g.Description)
		}
	}
	return tw.Flush()
}

func formatPlatforms(ps []ocispecs.Platform) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = platforms.Format(p)
	}
	return strings.Join(s, ",")
}
