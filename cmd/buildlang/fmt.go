package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/internal/textdiff"
	"github.com/org/buildlang/lang/format"
	"github.com/spf13/cobra"
)

func init() { addCommand(fmtCommand) }

// fmtFlags are the options of `buildlang fmt`.
type fmtFlags struct {
	write, check, diff bool
}

func fmtCommand() *cobra.Command {
	var f fmtFlags
	cmd := &cobra.Command{
		Use:   "fmt [-w] [-check] [-diff] [FILE|DIR|-]...",
		Short: "Format build files canonically",
		Long: "Fmt lays out build files canonically: two-space indentation, aligned \"=\",\n" +
			"at most one blank line in a row. It changes only whitespace.\n\n" +
			"Without arguments it formats the *.hcl files of the current directory and\n" +
			"its subdirectories; a DIR argument is walked the same way (directories\n" +
			"whose names start with \".\" and node_modules are skipped). \"-\" reads\n" +
			"standard input.\n\n" +
			"By default the formatted source is printed to standard output. -w writes\n" +
			"it back to the files instead, -check lists the files that are not\n" +
			"formatted and exits 1 if there are any, and -diff prints a unified diff.\n" +
			"Files with syntax errors are left alone; fmt prints their errors and\n" +
			"exits 2.",
		// Flags are parsed by the standard flag package so that they are
		// written as gofmt and terraform fmt write them: -check, -diff.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			f.register(fs)
			if err := fs.Parse(args); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return cmd.Help()
				}
				return fmt.Errorf("%v (see buildlang fmt -help)", err)
			}
			return f.run(cmd.OutOrStdout(), cmd.ErrOrStderr(), cmd.InOrStdin(), fs.Args())
		},
	}
	// Registered with cobra too, for the help text only.
	var shown fmtFlags
	fl := cmd.Flags()
	fl.BoolVarP(&shown.write, "write", "w", false, "write the result to the files instead of standard output")
	fl.BoolVar(&shown.check, "check", false, "list files that are not formatted and exit 1 if there are any; write nothing")
	fl.BoolVar(&shown.diff, "diff", false, "print a unified diff of the changes instead of the formatted source")
	return cmd
}

func (f *fmtFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.write, "w", false, "")
	fs.BoolVar(&f.write, "write", false, "")
	fs.BoolVar(&f.check, "check", false, "")
	fs.BoolVar(&f.diff, "diff", false, "")
}

func (f *fmtFlags) run(stdout, stderr io.Writer, stdin io.Reader, args []string) error {
	if f.write && f.check {
		return errors.New("-w and -check do not go together: -check never writes")
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	var files []string
	for _, arg := range args {
		if arg == "-" {
			if f.write {
				return errors.New("-w cannot write to standard input")
			}
			files = append(files, "-")
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			files = append(files, arg)
			continue
		}
		found, err := hclFiles(arg)
		if err != nil {
			return err
		}
		files = append(files, found...)
	}

	var unformatted, broken bool
	for _, name := range files {
		var src []byte
		var err error
		if name == "-" {
			src, err = io.ReadAll(stdin)
		} else {
			src, err = os.ReadFile(name)
		}
		if err != nil {
			return err
		}
		display := name
		if name == "-" {
			display = "<stdin>"
		}
		out, diags := format.Source(src, display)
		if diags.HasErrors() {
			writeDiagnostics(stderr, map[string]*hcl.File{display: {Bytes: src}}, diags)
			broken = true
			continue
		}
		changed := !bytes.Equal(src, out)
		if changed {
			unformatted = true
		}
		switch {
		case f.check:
			if changed {
				fmt.Fprintln(stdout, display)
			}
		case f.write:
			if changed {
				if err := writeFileAtomic(name, out); err != nil {
					return err
				}
			}
		case !f.diff:
			if _, err := stdout.Write(out); err != nil {
				return err
			}
		}
		if f.diff && changed {
			if _, err := io.WriteString(stdout, unifiedDiff(display, string(src), string(out))); err != nil {
				return err
			}
		}
	}
	switch {
	case broken:
		return exitError{2}
	case f.check && unformatted:
		return exitError{1}
	}
	return nil
}

// hclFiles lists the *.hcl files under dir, sorted, skipping directories
// whose names start with "." and node_modules.
func hclFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".hcl") && !strings.HasPrefix(name, ".") && d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// writeFileAtomic replaces name's content without ever leaving it half
// written: it writes a temporary file next to it, with the same mode, and
// renames it over the original. A file that does not exist yet is made
// with mode 0644.
func writeFileAtomic(name string, data []byte) (err error) {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(name); err == nil {
		mode = fi.Mode().Perm()
	} else if !os.IsNotExist(err) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// unifiedDiff is the -diff output for one file: a/ and b/ prefixes as git
// writes them, except for absolute paths and standard input.
func unifiedDiff(name, a, b string) string {
	old, new := "a/"+filepath.ToSlash(name), "b/"+filepath.ToSlash(name)
	if filepath.IsAbs(name) || name == "<stdin>" {
		old, new = filepath.ToSlash(name), filepath.ToSlash(name)
	}
	return textdiff.Unified(old, new, a, b)
}
