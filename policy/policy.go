package policy

import (
	"regexp"
	"strings"

	spb "github.com/moby/buildkit/sourcepolicy/pb"
	"github.com/org/buildlang/lang"
)

const (
	imageScheme = "docker-image://"
	digestRE    = `@sha256:[a-f0-9]{64}`
)

// ForBuild is the source policy of a build as loaded for its environment:
// the lock file's conversions, then the environment's policy. Nil when
// there is neither.
func ForBuild(b *lang.Build) *spb.Policy {
	var p *lang.Policy
	if b.Env != nil && b.Env.Policy != "" {
		p = b.Policy(b.Env.Policy)
	}
	rules := lockRules(b)
	if p != nil {
		rules = append(rules, Rules(p)...)
	}
	if len(rules) == 0 {
		return nil
	}
	return &spb.Policy{Version: 1, Rules: rules}
}

// lockRules pin every tag build.lock locks.
func lockRules(b *lang.Build) []*spb.Rule {
	if b.Lock == nil {
		return nil
	}
	var rules []*spb.Rule
	for _, img := range b.Lock.Images {
		rules = append(rules, &spb.Rule{
			Action:   spb.PolicyAction_CONVERT,
			Selector: &spb.Selector{Identifier: imageScheme + img.Ref, MatchType: spb.MatchType_EXACT},
			Updates:  &spb.Update{Identifier: imageScheme + img.Pinned()},
		})
	}
	return rules
}

// Rules are the ALLOW and DENY rules of a policy.
func Rules(p *lang.Policy) []*spb.Rule {
	var rules []*spb.Rule
	if p.Registries != nil || p.Repositories != nil || p.Pinned || p.DenyLatest {
		rules = append(rules, deny(imageScheme+"*", spb.MatchType_WILDCARD))
		digest := "(?:" + digestRE + ")?"
		if p.Pinned {
			digest = digestRE
		}
		rules = append(rules, allow("^"+regexp.QuoteMeta(imageScheme)+"(?:"+repositories(p)+")(?::[^@/]+)?"+digest+"$"))
		if p.DenyLatest {
			rules = append(rules, deny("^"+regexp.QuoteMeta(imageScheme)+"[^@]*:latest(?:@.*)?$", spb.MatchType_REGEX))
		}
	}
	if p.GitHosts != nil {
		rules = append(rules, deny("git://*", spb.MatchType_WILDCARD))
		for _, h := range p.GitHosts {
			rules = append(rules, allow("^git://"+regexp.QuoteMeta(h)+"(?::[0-9]+)?/"))
		}
	}
	if p.HTTP != nil {
		rules = append(rules, deny("^https?://", spb.MatchType_REGEX))
		for _, u := range p.HTTP {
			rules = append(rules, allow(lang.PatternRegexp(u)))
		}
	}
	if p.HTTPChecksum {
		r := deny("^https?://", spb.MatchType_REGEX)
		r.Selector.Constraints = []*spb.AttrConstraint{{Key: "http.checksum", Value: "", Condition: spb.AttrMatch_EQUAL}}
		rules = append(rules, r)
	}
	return rules
}

// repositories is the alternation of the repository names the policy
// allows: its repository patterns when it has them (they name the
// registry too), else anything on its registries, else anything.
func repositories(p *lang.Policy) string {
	var alts []string
	switch {
	case p.Repositories != nil:
		for _, r := range p.Repositories {
			alts = append(alts, strings.TrimSuffix(strings.TrimPrefix(lang.PatternRegexp(r), "^"), "$"))
		}
	case p.Registries != nil:
		for _, r := range p.Registries {
			alts = append(alts, regexp.QuoteMeta(r)+"/[^:@]+")
		}
	default:
		alts = append(alts, "[^@]+?")
	}
	if len(alts) == 0 {
		return "$^" // an empty list allows nothing
	}
	return strings.Join(alts, "|")
}

func deny(id string, mt spb.MatchType) *spb.Rule {
	return &spb.Rule{Action: spb.PolicyAction_DENY, Selector: &spb.Selector{Identifier: id, MatchType: mt}}
}

func allow(re string) *spb.Rule {
	return &spb.Rule{Action: spb.PolicyAction_ALLOW, Selector: &spb.Selector{Identifier: re, MatchType: spb.MatchType_REGEX}}
}
