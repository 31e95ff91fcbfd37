// Package policy turns a build's supply-chain rules into a BuildKit source
// policy (github.com/moby/buildkit/sourcepolicy), so BuildKit itself refuses
// at solve time what `buildlang check` refuses statically, including
// sources the build file does not spell (named contexts, images a base's
// ONBUILD would pull):
//
//   - build.lock's entries become CONVERT rules, tag → tag@digest, so every
//     pull of a locked tag gets the locked digest;
//   - the selected environment's policy (lang.Policy) becomes DENY rules
//     for every image, git and http source, followed by ALLOW rules for what
//     it lets through, matched with the same expressions the static check
//     uses (lang.PatternRegexp).
//
// BuildKit evaluates a policy's rules in order: CONVERT rewrites the source
// and starts again; of the ALLOW and DENY rules the last one matching
// wins. Network and security modes are not sources: they are refused by
// not granting the entitlements (see builder), which BuildKit enforces.
//
// `buildlang build` sends the result as the solve's SourcePolicy; the
// frontend adds it to each solve request's SourcePolicies.
package policy
