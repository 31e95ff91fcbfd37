package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lock"
	"github.com/org/buildlang/locker"
	"github.com/spf13/cobra"
)

func init() { addCommand(lockCommand) }

func lockCommand() *cobra.Command {
	var bf buildFlags
	var update bool
	cmd := &cobra.Command{
		Use:   "lock [-f FILE]... [--var K=V]... [--update [IMAGE]...]",
		Short: "Pin every image the build reads to a digest, in build.lock",
		Long: "Lock resolves every image the build reads (bases, image() copies and bind mounts)\n" +
			"for every environment, target and platform to the digest its tag points to, asking\n" +
			"the registries directly, and writes build.lock next to the first build file.\n" +
			"Images already locked keep their digest; --update resolves every image again, and\n" +
			"--update IMAGE... only the images named (a name without a tag: all its tags).\n" +
			"check, compile, build and the frontend then pull the locked digests.",
		RunE: func(cmd *cobra.Command, images []string) error {
			if len(images) > 0 && !update {
				return fmt.Errorf("lock takes image names only with --update, to refresh them: buildlang lock --update %s", images[0])
			}
			if bf.env != "" {
				return fmt.Errorf("lock locks the images of every environment; drop --env %s", bf.env)
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return runLock(ctx, &bf, update, images)
		},
	}
	bf.register(cmd)
	cmd.Flags().BoolVar(&update, "update", false, "resolve locked images again: all of them, or the IMAGEs named")
	return cmd
}

func runLock(ctx context.Context, bf *buildFlags, update bool, images []string) error {
	noLock := func(o *lang.Options) { o.NoLock = true }
	// The first load only lists the environments (selecting none may be an
	// error when there is no "default"); each is then loaded and checked.
	first, _, err := bf.load(noLock)
	if err != nil {
		return err
	}
	envs := []string{""}
	if len(first.Environments) > 0 {
		envs = envs[:0]
		for _, e := range first.Environments {
			envs = append(envs, e.Name)
		}
	}
	uses := locker.Uses{}
	for _, env := range envs {
		b, _, err := bf.loadValid(noLock, func(o *lang.Options) { o.Env = env })
		if err != nil {
			return err
		}
		if diags := uses.Collect(b); diags.HasErrors() {
			writeDiagnostics(os.Stderr, b.Files, diags)
			return exitError{1}
		}
	}
	path := filepath.Join(filepath.Dir(bf.filenames()[0]), lock.Filename)
	old, err := readLockFile(path)
	if err != nil {
		return err
	}
	refresh := locker.None
	if update {
		refresh = locker.All
		if len(images) > 0 {
			if refresh, err = locker.Named(images, uses); err != nil {
				return err
			}
		}
	}
	lf, changes, err := locker.Update(ctx, old, uses, locker.Registry{}, refresh)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, lf.Format()); err != nil {
		return err
	}
	for _, c := range changes {
		switch {
		case c.Old == "":
			fmt.Fprintf(os.Stderr, "locked  %s %s\n", c.Ref, c.New)
		case c.New == "":
			fmt.Fprintf(os.Stderr, "removed %s (no longer used)\n", c.Ref)
		case c.Old != c.New:
			fmt.Fprintf(os.Stderr, "updated %s %s (was %s)\n", c.Ref, c.New, c.Old)
		}
	}
	fmt.Fprintf(os.Stderr, "%s: %d images\n", path, len(lf.Images))
	return nil
}

// readLockFile reads an existing lock file; nil when there is none. A lock
// file with errors is not silently replaced: it is for the user to look at.
func readLockFile(path string) (*lock.File, error) {
	src, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f, diags := lock.Parse(src, filepath.ToSlash(path))
	if diags.HasErrors() {
		writeDiagnostics(os.Stderr, nil, diags)
		return nil, exitError{1}
	}
	return f, nil
}
