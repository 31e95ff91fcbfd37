package attest

import (
	"context"
	"encoding/json"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/attestations"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	gatewaypb "github.com/moby/buildkit/frontend/gateway/pb"
	"github.com/moby/buildkit/solver/result"
)

// InvocationPredicateType is the in-toto predicate type of the invocation
// attestation (spec/supply-chain.md, "Invocation").
const InvocationPredicateType = "https://github.com/org/buildlang/invocation/v1"

// invocationPath is where the predicate is in the attestation's filesystem.
const invocationPath = "/invocation.json"

// Invocation is what `buildlang build` was asked to build: the build
// files, the target, the environment and the variables with the values in
// effect. BuildKit records request parameters in its provenance only for
// frontend solves (there the environment option and the build args), so a
// client-side build attaches them in this attestation beside BuildKit's
// provenance.
type Invocation struct {
	// Files are the build files read, entry files first, as named.
	Files       []string `json:"files"`
	Target      string   `json:"target"`
	Platform    string   `json:"platform"`
	Environment string   `json:"environment"`
	// Variables are every declared variable, by name.
	Variables map[string]InvocationVar `json:"variables"`
	// Complete is false in min mode, where values are left out (as
	// BuildKit leaves out build args in min provenance).
	Complete bool `json:"complete"`
}

// InvocationVar is one variable: where its value came from and, unless it
// is sensitive or the provenance is min, the value (a string as given, any
// other type as JSON).
type InvocationVar struct {
	Source    string  `json:"source"`
	Sensitive bool    `json:"sensitive,omitempty"`
	Value     *string `json:"value,omitempty"`
}

// ProvenanceMode is the provenance the attributes ask for: "" for none,
// else "min" or "max" as BuildKit reads attest:provenance (no mode is
// max).
func ProvenanceMode(attrs map[string]string) (string, error) {
	parsed, err := attestations.Parse(attrs)
	if err != nil {
		return "", err
	}
	params, ok := parsed[attestations.KeyTypeProvenance]
	if !ok {
		return "", nil
	}
	if params["mode"] == "min" {
		return "min", nil
	}
	return "max", nil
}

// Attestation solves the predicate into a file and returns the in-toto
// attestation of the platform's image that holds it; BuildKit names the
// image as its subject.
func (inv *Invocation) Attestation(ctx context.Context, gw gateway.Client) (*result.Attestation[gateway.Reference], error) {
	dt, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return nil, err
	}
	st := llb.Scratch().File(llb.Mkfile(invocationPath, 0o644, dt), llb.WithCustomName("[attestation] buildlang invocation"))
	def, err := st.Marshal(ctx)
	if err != nil {
		return nil, err
	}
	r, err := gw.Solve(ctx, gateway.SolveRequest{Definition: def.ToPB()})
	if err != nil {
		return nil, err
	}
	ref, err := r.SingleRef()
	if err != nil {
		return nil, err
	}
	return &result.Attestation[gateway.Reference]{
		Kind:   gatewaypb.AttestationKind_InToto,
		Ref:    ref,
		Path:   invocationPath,
		InToto: result.InTotoAttestation{PredicateType: InvocationPredicateType},
	}, nil
}
