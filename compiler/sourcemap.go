package compiler

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
)

// sourceLanguage names the build files' language in source maps.
const sourceLanguage = "buildlang"

// location attaches a build file range to an op, so BuildKit reports a
// failing op at the build file's lines.
func (c *compiler) location(r hcl.Range) llb.ConstraintsOpt {
	return c.sourceMap(r.Filename).Location([]*pb.Range{SourceRange(r)})
}

// SourceRange is a build file range as BuildKit's source locations hold
// it, for ops, errors and warnings alike: lines count from 1, as HCL's
// do, and characters from 0 (HCL's columns count from 1). That is how
// the Dockerfile frontend fills them (character 0 is a line's start) and
// how clients read them: Docker's language server takes a position's
// line minus one and its character as they are.
func SourceRange(r hcl.Range) *pb.Range {
	return &pb.Range{
		Start: &pb.Position{Line: int32(r.Start.Line), Character: int32(max(r.Start.Column-1, 0))},
		End:   &pb.Position{Line: int32(r.End.Line), Character: int32(max(r.End.Column-1, 0))},
	}
}

// sourceMap is the one source map of a build file; one per file keeps
// each file's text in the definition once.
func (c *compiler) sourceMap(filename string) *llb.SourceMap {
	if sm := c.sourceMaps[filename]; sm != nil {
		return sm
	}
	var data []byte
	if f := c.b.Files[filename]; f != nil {
		data = f.Bytes
	}
	var st *llb.State
	if c.req.SourceState != nil {
		st = c.req.SourceState(filename)
	}
	sm := llb.NewSourceMap(st, filename, sourceLanguage, data)
	c.sourceMaps[filename] = sm
	return sm
}
