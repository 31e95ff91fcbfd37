package solve

import (
	"github.com/hashicorp/hcl/v2"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/compiler"
	langlint "github.com/org/buildlang/lang/lint"
)

// Warning is a warning diagnostic as a gateway warning, the way the
// Dockerfile frontend sends its lint warnings: the line
// compiler.WarningLine writes, level 1, the detail, the lint rule's URL,
// and the build file's lines when source gives the file's source info
// (nil: none). The frontend and `buildlang build` both send theirs so.
func Warning(d *hcl.Diagnostic, source func(filename string) *pb.SourceInfo) (string, gateway.WarnOpts) {
	opts := gateway.WarnOpts{Level: 1, Detail: [][]byte{[]byte(d.Detail)}}
	if r := langlint.RuleOf(d); r != nil {
		opts.URL = r.URL
	}
	if d.Subject != nil && source != nil {
		if info := source(d.Subject.Filename); info != nil {
			opts.SourceInfo = info
			opts.Range = []*pb.Range{compiler.SourceRange(*d.Subject)}
		}
	}
	return compiler.WarningLine(d), opts
}
