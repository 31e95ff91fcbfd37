package attest

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/attestations"
	"github.com/moby/buildkit/frontend/attestations/sbom"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/result"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/tonistiigi/go-csvvalue"
)

// Flags are buildx's attestation flags as given; "" means not given.
type Flags struct {
	SBOM       string   // --sbom: true, false, or generator=IMAGE[,KEY=VALUE]
	Provenance string   // --provenance: true, false, min, max, or mode=MODE[,KEY=VALUE]
	Attest     []string // --attest type=sbom|provenance[,disabled=true][,KEY=VALUE]
}

// Defaults are what the build file asks for (attest blocks); flags win.
type Defaults struct {
	SBOM       bool
	Provenance string // "", "min" or "max"
}

// FrontendAttrs are the attest:* attributes for the flags over the
// defaults, as buildx sends them: attest:sbom with the generator's
// parameters, attest:provenance with mode=min|max. Disabled ones are left
// out.
func FrontendAttrs(f Flags, d Defaults) (map[string]string, error) {
	want := map[string]string{}
	disabled := map[string]bool{}
	if d.SBOM {
		want[attestations.KeyTypeSbom] = ""
	}
	if d.Provenance != "" {
		want[attestations.KeyTypeProvenance] = "mode=" + d.Provenance
	}
	set := func(typ, v string) {
		if v == "-" {
			disabled[typ] = true
			delete(want, typ)
			return
		}
		delete(disabled, typ)
		want[typ] = v
	}
	if f.SBOM != "" {
		v, err := shorthand("--sbom", f.SBOM, nil)
		if err != nil {
			return nil, err
		}
		set(attestations.KeyTypeSbom, v)
	}
	if f.Provenance != "" {
		v, err := shorthand("--provenance", f.Provenance, map[string]string{"min": "mode=min", "max": "mode=max", "true": "mode=min"})
		if err != nil {
			return nil, err
		}
		set(attestations.KeyTypeProvenance, v)
	}
	for _, a := range f.Attest {
		typ, v, err := parseAttest(a)
		if err != nil {
			return nil, err
		}
		set(typ, v)
	}
	out := map[string]string{}
	for typ, v := range want {
		out["attest:"+typ] = v
	}
	parsed, err := attestations.Parse(out)
	if err != nil {
		return nil, err
	}
	if m, ok := parsed[attestations.KeyTypeProvenance]["mode"]; ok && m != "min" && m != "max" {
		return nil, fmt.Errorf("provenance mode %q: use min or max", m)
	}
	return out, nil
}

// shorthand reads --sbom and --provenance: a bool, a keyword, or
// KEY=VALUE fields. "-" means disabled.
func shorthand(flag, v string, keywords map[string]string) (string, error) {
	if kv, ok := keywords[v]; ok {
		return kv, nil
	}
	if b, err := strconv.ParseBool(v); err == nil {
		if !b {
			return "-", nil
		}
		return "", nil
	}
	fields, err := csvvalue.Fields(v, nil)
	if err != nil {
		return "", fmt.Errorf("%s %q: %w", flag, v, err)
	}
	var keep []string
	for _, f := range fields {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			return "", fmt.Errorf("%s %q: write true, false or KEY=VALUE[,KEY=VALUE]", flag, v)
		}
		if k == "disabled" {
			if b, _ := strconv.ParseBool(val); b {
				return "-", nil
			}
			continue
		}
		keep = append(keep, f)
	}
	return strings.Join(keep, ","), nil
}

func parseAttest(a string) (typ, v string, err error) {
	fields, err := csvvalue.Fields(a, nil)
	if err != nil {
		return "", "", fmt.Errorf("--attest %q: %w", a, err)
	}
	var rest []string
	for _, f := range fields {
		if k, val, _ := strings.Cut(f, "="); k == "type" {
			typ = val
		} else {
			rest = append(rest, f)
		}
	}
	if typ != attestations.KeyTypeSbom && typ != attestations.KeyTypeProvenance {
		return "", "", fmt.Errorf("--attest %q: type must be sbom or provenance", a)
	}
	v, err = shorthand("--attest", strings.Join(rest, ","), nil)
	if err != nil {
		return "", "", err
	}
	if len(rest) == 0 {
		v = ""
	}
	return typ, v, nil
}

// Scanner runs the SBOM generator the attributes ask for (attest:sbom,
// default BuildKit's docker/buildkit-syft-scanner) over a target's
// filesystem. A nil Scanner means no SBOM was asked for.
type Scanner struct {
	scan sbom.Scanner
	gw   gateway.Client
}

// NewScanner resolves the generator image for the build platform through
// the gateway, as the Dockerfile frontend does.
func NewScanner(ctx context.Context, gw gateway.Client, attrs map[string]string, buildPlatform ocispecs.Platform) (*Scanner, error) {
	parsed, err := attestations.Parse(attrs)
	if err != nil {
		return nil, err
	}
	params, ok := parsed[attestations.KeyTypeSbom]
	if !ok {
		return nil, nil
	}
	generator := params["generator"]
	rest := map[string]string{}
	for k, v := range params {
		if k != "generator" {
			rest[k] = v
		}
	}
	s, err := sbom.CreateSBOMScanner(ctx, gw, generator, buildPlatform, sourceresolver.Opt{
		ImageOpt: &sourceresolver.ResolveImageOpt{Platform: &buildPlatform},
	}, rest)
	if err != nil {
		return nil, fmt.Errorf("SBOM generator %s: %w", generator, err)
	}
	return &Scanner{scan: s, gw: gw}, nil
}

// Scan scans st (the target for platform id), and the extras (the targets
// it reads, by name, when the stages are scanned too), and returns the
// SPDX attestation to add to the result under id.
func (s *Scanner) Scan(ctx context.Context, id string, st llb.State, extras map[string]llb.State, opts ...llb.ConstraintsOpt) (*result.Attestation[gateway.Reference], error) {
	att, err := s.scan(ctx, id, st, extras, opts...)
	if err != nil {
		return nil, err
	}
	return result.ConvertAttestation(&att, func(st *llb.State) (gateway.Reference, error) {
		def, err := st.Marshal(ctx)
		if err != nil {
			return nil, err
		}
		r, err := s.gw.Solve(ctx, gateway.SolveRequest{Definition: def.ToPB()})
		if err != nil {
			return nil, err
		}
		return r.SingleRef()
	})
}
