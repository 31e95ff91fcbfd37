package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/org/buildlang/builder"
	"github.com/org/buildlang/records"
	"github.com/spf13/cobra"
)

func init() { addCommand(historyCommand) }

func historyCommand() *cobra.Command {
	var bf buildFlags
	cmd := &cobra.Command{
		Use:   "history list|show|prune",
		Short: "List, show and prune the local build records (.buildlang/records)",
		Long: `buildlang build keeps a record of every target and platform it builds in
.buildlang/records next to the first build file: each step with its source
location, LLB digest, cache state, the context files and variables that
reached it, and the base image digests. At most 20 records per target and
platform and 32 MiB in all are kept; the oldest go first. buildlang why
explains the records; history lists, shows and prunes them.

A record's ref is BuildKit's build reference: the daemon's own history of
the build (buildctl debug histories, docker buildx history inspect REF).`,
	}
	for _, sub := range []*cobra.Command{historyList(&bf), historyShow(&bf), historyPrune(&bf)} {
		bf.register(sub) // -f FILE finds the project's state directory
		cmd.AddCommand(sub)
	}
	return cmd
}

func historyList(bf *buildFlags) *cobra.Command {
	var platform, format string
	cmd := &cobra.Command{
		Use:   "list [TARGET] [--platform P] [--format text|json]",
		Short: "List build records, oldest first",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			platform, err := parsePlatform(platform)
			if err != nil {
				return err
			}
			store := records.Open(stateDir(bf.filenames()))
			all, err := store.List()
			if err != nil {
				return err
			}
			target := ""
			if len(args) > 0 {
				target = args[0]
			}
			type row struct {
				ID       string `json:"id"`
				Target   string `json:"target"`
				Platform string `json:"platform"`
				Steps    int    `json:"steps"`
				Cached   int    `json:"cached"`
				Ref      string `json:"ref,omitempty"`
				Error    string `json:"error,omitempty"`
				Size     int64  `json:"size"`
			}
			rows := []row{}
			for _, e := range records.Filter(all, target, platform) {
				r, err := store.Load(e)
				if err != nil {
					fmt.Fprintf(os.Stderr, "buildlang: %v\n", err)
					continue
				}
				steps, cached := r.Counts()
				rows = append(rows, row{e.ID, e.Target, e.Platform, steps, cached, r.Ref, r.Error, e.Size})
			}
			if format == "json" {
				return writeJSON(os.Stdout, rows)
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RECORD\tTARGET\tPLATFORM\tSTEPS\tCACHED\tREF")
			for _, r := range rows {
				status := fmt.Sprint(r.Cached)
				if r.Error != "" {
					status += " (failed)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.ID, r.Target, r.Platform, r.Steps, status, r.Ref)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&platform, "platform", "", "only records of this platform (os/arch[/variant])")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func historyShow(bf *buildFlags) *cobra.Command {
	var format, addr string
	cmd := &cobra.Command{
		Use:   "show REF [--format text|json]",
		Short: "Show a record's steps (REF: a record id or its prefix, or latest~N for the N-th before the latest)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store := records.Open(stateDir(bf.filenames()))
			all, err := store.List()
			if err != nil {
				return err
			}
			found := records.Find(all, args[0])
			if len(found) != 1 {
				return fmt.Errorf("%q matches %d records; give a longer id prefix, or latest~N for the N-th before the latest (buildlang history list)", args[0], len(found))
			}
			r, err := store.Load(found[0])
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(os.Stdout, r)
			}
			steps, cached := r.Counts()
			fmt.Printf("record   %s\ntarget   %s\nplatform %s\ntime     %s\nsteps    %d (%d cached)\n", r.ID, r.Target, r.Platform, r.Time.Local().Format("2006-01-02 15:04:05"), steps, cached)
			if r.Ref != "" {
				fmt.Printf("ref      %s (%s)\n", r.Ref, daemonHistory(cmd.Context(), addr, r.Ref))
			}
			if r.Error != "" {
				fmt.Printf("error    %s\n", r.Error)
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "\nSTATUS\tAT\tSTEP")
			for _, s := range r.Steps {
				st := s.Status
				if st == "" {
					st = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", st, s.At(), s.Name)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&addr, "addr", "", "BuildKit daemon whose build history to look the record's ref up in (default $BUILDKIT_HOST)")
	return cmd
}

// daemonHistory says what the daemon's build history has of a ref.
func daemonHistory(ctx context.Context, addr, ref string) string {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	h, err := builder.BuildHistory(ctx, builder.ConnectOptions{Addr: addr}, ref)
	switch {
	case err != nil:
		return "BuildKit's history could not be read: " + firstLine(err.Error())
	case h == nil && addr == "" && os.Getenv("BUILDKIT_HOST") == "":
		return "BuildKit's history: buildctl debug histories, docker buildx history inspect " + ref
	case h == nil:
		return "no longer in BuildKit's history"
	}
	return fmt.Sprintf("in BuildKit's history: %d steps, %d cached, %s; docker buildx history inspect %s",
		h.Steps, h.Cached, h.Completed.Sub(h.CreatedAt).Round(10*time.Millisecond), ref)
}

func historyPrune(bf *buildFlags) *cobra.Command {
	var keep int
	var all bool
	cmd := &cobra.Command{
		Use:   "prune [--keep N] [--all]",
		Short: "Remove old records: keep the latest N per target and platform (default 5)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store := records.Open(stateDir(bf.filenames()))
			var removed []records.Entry
			var err error
			switch {
			case all:
				removed, err = store.Prune(0, 1) // a bound of one byte keeps nothing
			case keep < 1:
				return fmt.Errorf("--keep %d: keep at least 1 record per target and platform, or pass --all", keep)
			default:
				removed, err = store.Prune(keep, store.MaxBytes)
			}
			fmt.Printf("removed %d record(s)\n", len(removed))
			return err
		},
	}
	cmd.Flags().IntVar(&keep, "keep", 5, "records to keep per target and platform")
	cmd.Flags().BoolVar(&all, "all", false, "remove every record")
	return cmd
}
