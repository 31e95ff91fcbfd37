package lsp

import (
	"context"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// The commands of code lenses. The VS Code extension registers them; any
// other client can run a lens as a plain command: its one argument is a
// buildCommand, whose Args are the `buildlang` command line to run in Dir.
const (
	CommandBuild = "buildlang.build"
	CommandCheck = "buildlang.check"
	CommandGraph = "buildlang.graph"
)

// buildCommand is the argument of a lens's command: what to run, and the
// same as a `buildlang` command line run in Dir.
type buildCommand struct {
	File   string            `json:"file"`             // the build's root file, absolute
	Dir    string            `json:"dir"`              // its directory, where Args run
	Target string            `json:"target,omitempty"` // a target or group; "" for check
	Env    string            `json:"env,omitempty"`
	Vars   map[string]string `json:"vars,omitempty"`
	Args   []string          `json:"args"` // e.g. ["build", "-f", "build.hcl", "--env", "prod", "app"]
}

// codeLens puts build, check and graph commands above every target and
// group of the document. They act on the build the document belongs to,
// with the environment and variables the server is configured with.
func codeLens(ctx context.Context, s *Server, snap *snapshot, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	b, f := snap.file(docPath(p.TextDocument.URI))
	out := []protocol.CodeLens{}
	if f == nil {
		return out, nil
	}
	body, ok := f.file.Body.(*hclsyntax.Body)
	if !ok {
		return out, nil
	}
	for _, blk := range body.Blocks {
		if (blk.Type != "target" && blk.Type != "group") || len(blk.Labels) == 0 {
			continue
		}
		r := f.m.lspRange(blk.TypeRange)
		name := blk.Labels[0]
		for _, c := range []struct{ title, command, verb, target string }{
			{"▶ Build", CommandBuild, "build", name},
			{"Check", CommandCheck, "check", ""},
			{"Graph", CommandGraph, "graph", name},
		} {
			arg := snap.command(b, c.verb, c.target)
			out = append(out, protocol.CodeLens{Range: r, Command: &protocol.Command{
				Title: c.title, Command: c.command, Arguments: []any{arg}}})
		}
	}
	return out, nil
}

// command is the `buildlang VERB` command line for a build of the snapshot.
func (s *snapshot) command(b *buildInfo, verb, target string) buildCommand {
	root := filepath.Base(b.root)
	c := buildCommand{File: b.root, Dir: b.dir, Target: target, Env: s.opts.Env, Vars: s.opts.Vars,
		Args: []string{verb, "-f", root}}
	if c.Env != "" {
		c.Args = append(c.Args, "--env", c.Env)
	}
	names := make([]string, 0, len(c.Vars))
	for n := range c.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.Args = append(c.Args, "--var", n+"="+c.Vars[n])
	}
	if target != "" {
		c.Args = append(c.Args, target)
	}
	return c
}
