package compiler

import (
	"bytes"
	"encoding/json"

	"github.com/moby/buildkit/client/llb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"google.golang.org/protobuf/proto"
)

// MarshalDefinition encodes a definition as llb.WriteTo does, but with
// map entries (op metadata, source locations) in sorted order, so the same
// build always gives the same bytes. BuildKit reads it like any other.
func MarshalDefinition(def *llb.Definition) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(def.ToPB())
}

// ImageJSON is an image config as indented JSON without HTML escapes;
// struct fields keep their order and map keys are sorted, so it is stable.
func ImageJSON(img *dockerspec.DockerOCIImage) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(img)
	return buf.Bytes(), err
}
