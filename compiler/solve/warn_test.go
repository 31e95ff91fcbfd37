package solve

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	"google.golang.org/protobuf/testing/protocmp"

	langlint "github.com/org/buildlang/lang/lint"
)

// A warning carries its detail, its lint rule's URL and, when the file's
// source is known, the file and its range; without, neither.
func TestWarning(t *testing.T) {
	rule := langlint.Rules[0]
	d := &hcl.Diagnostic{
		Severity: hcl.DiagWarning, Summary: "Something odd", Detail: "Why it is odd.",
		Subject: &hcl.Range{Filename: "build.hcl", Start: hcl.Pos{Line: 3, Column: 5}, End: hcl.Pos{Line: 3, Column: 9}},
		Extra:   &langlint.Finding{Rule: rule},
	}
	info := &pb.SourceInfo{Filename: "build.hcl", Data: []byte("x"), Language: "buildlang"}
	msg, opts := Warning(d, func(f string) *pb.SourceInfo {
		if f == "build.hcl" {
			return info
		}
		return nil
	})
	if want := rule.ID + ": Something odd (build.hcl:3)"; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	want := gateway.WarnOpts{
		Level: 1, Detail: [][]byte{[]byte("Why it is odd.")}, URL: rule.URL, SourceInfo: info,
		// Characters count from 0, as BuildKit's do: column 5 is character 4.
		Range: []*pb.Range{{Start: &pb.Position{Line: 3, Character: 4}, End: &pb.Position{Line: 3, Character: 8}}},
	}
	if diff := cmp.Diff(want, opts, protocmp.Transform()); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}

	d.Subject.Filename = "other.hcl"
	if _, opts := Warning(d, func(string) *pb.SourceInfo { return nil }); opts.SourceInfo != nil || opts.Range != nil {
		t.Errorf("a file without source has lines: %+v", opts)
	}
	d.Extra = nil
	if _, opts := Warning(d, nil); opts.URL != "" {
		t.Errorf("not a lint finding, URL %q", opts.URL)
	}
}
