package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/lang"
)

// namedContextRefused reports, as an error at the contexts.NAME reference,
// a named context whose LLB runs a step in a network or security mode the
// environment's policy denies; it says whether it did. Only a context the
// client sends as LLB (buildx's input: contexts, e.g. bake's target:
// contexts from a Dockerfile) has steps: its modes are known only at solve
// time, to the frontend, and BuildKit would run them if the client granted
// the entitlement.
func (t *targetBuild) namedContextRefused(src lang.Source, r *namedResult) bool {
	c := t.c
	env := c.b.Env
	p := c.b.Policy(env.Policy)
	if p == nil || (!slices.Contains(p.DenyNetwork, "host") && !slices.Contains(p.DenySecurity, "insecure")) {
		return false
	}
	if !r.scanned {
		r.scanned = true
		r.denied, r.scanErr = deniedModes(c, r.nc.State, p)
	}
	if r.scanErr != nil {
		c.errorf(src.Range, "Cannot load named context", "Reading the steps of contexts.%s failed: %s.", src.Ref, r.scanErr)
		return true
	}
	if r.denied == "" {
		return false
	}
	summary := "Network mode not allowed"
	if strings.HasPrefix(r.denied, "security") {
		summary = "Security mode not allowed"
	}
	c.diag(lang.PolicyViolation(p.Name, env.Name, summary,
		fmt.Sprintf("Policy %s refuses run steps with %s; contexts.%s, given as LLB by the client, has such a step. Give a context without it, or build in another environment.", p.Name, r.denied, src.Ref), src.Range))
	return true
}

// deniedModes returns the first mode of st's exec steps that p denies,
// as a build file spells it (network = "host", security = "insecure"),
// or "".
func deniedModes(c *compiler, st llb.State, p *lang.Policy) (string, error) {
	def, err := st.Marshal(c.ctx)
	if err != nil {
		return "", err
	}
	for _, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return "", err
		}
		ex := op.GetExec()
		if ex == nil {
			continue
		}
		if ex.Network == pb.NetMode_HOST && slices.Contains(p.DenyNetwork, "host") {
			return `network = "host"`, nil
		}
		if ex.Security == pb.SecurityMode_INSECURE && slices.Contains(p.DenySecurity, "insecure") {
			return `security = "insecure"`, nil
		}
	}
	return "", nil
}
