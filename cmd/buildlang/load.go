package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/spf13/cobra"
)

// buildFlags are the flags every command that reads build files shares.
type buildFlags struct {
	files []string
	env   string
	vars  []string
	sets  []string
	allow []string
}

func (f *buildFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.files, "file", "f", nil, "build file to read (repeatable; default build.hcl)")
	cmd.Flags().StringVar(&f.env, "env", "", "environment to select (default: \"default\" if declared)")
	cmd.Flags().StringArrayVar(&f.vars, "var", nil, "set a variable, NAME=VALUE (repeatable)")
	cmd.Flags().StringSliceVar(&f.allow, "allow", nil, "grant what the build file asks for, as buildx bake --allow: "+strings.Join(lang.AllowForms, ", ")+" (repeatable, comma separated); every command that reads build files takes the same grants, so a variable's host env is read only with env=NAME")
	cmd.Flags().StringArrayVar(&f.sets, "set", nil, "override a target attribute, TARGET.ATTR=VALUE, as docker buildx bake --set: e.g. app.platforms=linux/arm64, *.tags=REF, app.args.KEY=VALUE, += to add (repeatable)")
}

// options turns the flags into lang.Options. The host environment is read
// only for variables and secrets that name a host variable explicitly, and
// for variables only with --allow env=NAME (lang decides, as it loads).
func (f *buildFlags) options() (lang.Options, error) {
	opts := lang.Options{Env: f.env, Vars: map[string]string{}, HostEnv: os.LookupEnv}
	var err error
	if opts.Allow, err = lang.ParseAllow(f.allow); err != nil {
		return opts, err
	}
	for _, kv := range f.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return opts, fmt.Errorf("--var %q: write it as NAME=VALUE", kv)
		}
		opts.Vars[k] = v
	}
	for _, s := range f.sets {
		set, err := lang.ParseSet(s)
		if err != nil {
			return opts, err
		}
		opts.Set = append(opts.Set, set)
	}
	return opts, nil
}

func (f *buildFlags) filenames() []string {
	if len(f.files) == 0 {
		return []string{"build.hcl"}
	}
	return f.files
}

// load reads and checks the build files named by the flags.
func (f *buildFlags) load(mutate ...func(*lang.Options)) (*lang.Build, hcl.Diagnostics, error) {
	opts, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	for _, m := range mutate {
		m(&opts)
	}
	b, diags := lang.Load(lang.OSFiles{}, f.filenames(), opts)
	return b, diags, nil
}

// loadValid is load for commands that cannot go on past an error: it prints
// the diagnostics and returns exitError{1} when there is one. Warnings are
// returned for the command to show as it sees fit.
func (f *buildFlags) loadValid(mutate ...func(*lang.Options)) (*lang.Build, hcl.Diagnostics, error) {
	b, diags, err := f.load(mutate...)
	if err != nil {
		return nil, nil, err
	}
	return valid(b, diags)
}

// loadFor is loadValid for a build of targets (none: the default build):
// what two targets write when built together fails only a build of both
// (lang.Build.ForBuild), though check reports it for every group.
func (f *buildFlags) loadFor(targets []string, mutate ...func(*lang.Options)) (*lang.Build, hcl.Diagnostics, error) {
	b, diags, err := f.load(mutate...)
	if err != nil {
		return nil, nil, err
	}
	return valid(b, b.ForBuild(diags, targets))
}

// valid prints diags and returns exitError{1} when there is an error.
func valid(b *lang.Build, diags hcl.Diagnostics) (*lang.Build, hcl.Diagnostics, error) {
	if diags.HasErrors() {
		writeDiagnostics(os.Stderr, b.Files, diags)
		return nil, nil, exitError{1}
	}
	return b, diags, nil
}
