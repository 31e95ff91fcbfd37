package compiler_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"google.golang.org/protobuf/testing/protocmp"
)

// TestSourceRange checks BuildKit's convention for source locations:
// lines from 1, as HCL's, and characters from 0 (HCL's columns count
// from 1), as the Dockerfile frontend writes them (character 0 is the
// line's start) and Docker's language server reads them.
func TestSourceRange(t *testing.T) {
	got := compiler.SourceRange(hcl.Range{Start: hcl.Pos{Line: 3, Column: 1}, End: hcl.Pos{Line: 5, Column: 4}})
	want := &pb.Range{Start: &pb.Position{Line: 3, Character: 0}, End: &pb.Position{Line: 5, Character: 3}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestOpLocations checks the ops of a compiled target carry the build
// file's ranges as SourceRange writes them, the same as warnings and
// check errors: the run block at line 3, column 3 starts at character 2.
func TestOpLocations(t *testing.T) {
	src := "target \"app\" {\n  from = \"alpine:3.20\"\n  run {\n    command = \"true\"\n  }\n}\n"
	b := load(t, []byte(src))
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{Resolver: &compilertest.Resolver{}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	def, err := res.Outputs[0].Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var starts []*pb.Position
	for _, locs := range def.Source.Locations {
		for _, l := range locs.Locations {
			for _, r := range l.Ranges {
				starts = append(starts, r.Start)
			}
		}
	}
	found := false
	for _, p := range starts {
		if p.Line == 3 {
			found = true
			if p.Character != 2 {
				t.Errorf("the run step's location starts at character %d, want 2 (column 3)", p.Character)
			}
		}
	}
	if !found {
		t.Errorf("no op located at line 3 (the run block); locations start at %v", starts)
	}
}
