package lint

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Suppression comments, as Dockerfiles have `# check=skip=RULE`:
//
//	# lint:ignore RULE[,RULE...] [reason]       the finding on this line, or on the next line
//	# lint:file-ignore RULE[,RULE...] [reason]  every finding of those rules in this file
//
// A line comment (# or //) or a /* block */ comment works alike. A
// suppression that suppresses nothing, or names no rule, is itself a
// finding (unused-suppression), so suppressions do not outlive the code
// they were written for.
const (
	IgnoreDirective     = "lint:ignore"
	FileIgnoreDirective = "lint:file-ignore"
)

// suppression is one rule named by one suppression comment.
type suppression struct {
	rule    string
	file    string
	line    int // the line whose findings it suppresses; 0 for the whole file
	comment hcl.Range
	used    bool
}

// suppressions finds the suppression comments of a build's files.
func (p *pass) suppressions() []*suppression {
	var out []*suppression
	for _, name := range p.b.FileOrder {
		f := p.b.Files[name]
		if f == nil || !bytes.Contains(f.Bytes, []byte("lint:")) {
			continue
		}
		tokens, _ := hclsyntax.LexConfig(f.Bytes, name, hcl.InitialPos)
		// A comment alone on its line applies to the next line that is
		// not one, so several suppressions can stack above a line.
		var pending []*suppression
		lastCode := 0 // the last line holding something other than a comment
		for _, tok := range tokens {
			if tok.Type != hclsyntax.TokenComment {
				if tok.Type != hclsyntax.TokenNewline && tok.Type != hclsyntax.TokenEOF {
					lastCode = tok.Range.Start.Line
					for _, s := range pending {
						s.line = lastCode
					}
					pending = nil
				}
				continue
			}
			directive, rules := parseDirective(tok.Bytes)
			for _, r := range rules {
				s := &suppression{rule: r, file: name, comment: commentRange(tok.Range)}
				switch {
				case directive == FileIgnoreDirective:
				case lastCode == tok.Range.Start.Line:
					s.line = lastCode // a comment after code on its line
				default:
					pending = append(pending, s)
				}
				out = append(out, s)
			}
		}
		for _, s := range pending {
			s.line = -1 // nothing follows: it can suppress nothing
		}
	}
	return out
}

// commentRange is a comment's range without its newline.
func commentRange(r hcl.Range) hcl.Range {
	if r.End.Line > r.Start.Line && r.End.Column == 1 {
		r.End.Line--
		r.End.Byte--
		r.End.Column = r.Start.Column + (r.End.Byte - r.Start.Byte)
	}
	return r
}

// parseDirective returns a comment's directive and the rules it names.
func parseDirective(comment []byte) (string, []string) {
	text := string(comment)
	switch {
	case strings.HasPrefix(text, "#"):
		text = text[1:]
	case strings.HasPrefix(text, "//"):
		text = text[2:]
	case strings.HasPrefix(text, "/*"):
		text = strings.TrimSuffix(text[2:], "*/")
	}
	fields := strings.Fields(text)
	if len(fields) == 0 || fields[0] != IgnoreDirective && fields[0] != FileIgnoreDirective {
		return "", nil
	}
	if len(fields) < 2 {
		return fields[0], []string{""}
	}
	var rules []string
	for _, r := range strings.Split(fields[1], ",") {
		if r = strings.TrimSpace(r); r != "" {
			rules = append(rules, r)
		}
	}
	return fields[0], rules
}

// suppress drops the findings a suppression comment names and reports, as
// the unused-suppression rule, every suppression that dropped none.
func (p *pass) suppress(unused *Rule) {
	sups := p.suppressions()
	if len(sups) == 0 {
		return
	}
	kept := p.diags[:0]
	for _, d := range p.diags {
		if !suppressed(d, sups) {
			kept = append(kept, d)
		}
	}
	p.diags = kept
	start := len(p.diags)
	defer func() {
		found := p.diags[start:]
		sort.SliceStable(found, func(i, j int) bool { return p.before(found[i].Subject, found[j].Subject) })
	}()
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	for _, s := range sups {
		switch {
		case s.rule == "":
			p.warn(unused, s.comment, "Suppression without a rule",
				"This suppression names no rule, so it suppresses nothing. Name the rules it is for, like # "+IgnoreDirective+" latest-base-image, or remove it.")
		case RuleByID(s.rule) == nil:
			hint := ""
			if g := closest(s.rule, ids); g != "" {
				hint = fmt.Sprintf(" Did you mean %q?", g)
			}
			p.warn(unused, s.comment, "Suppression of an unknown rule",
				fmt.Sprintf("%q is not a lint rule, so this suppression suppresses nothing.%s The rules are listed in spec/lint.md.", s.rule, hint), s.rule)
		case !s.used && s.line == 0:
			p.warn(unused, s.comment, "Unused suppression",
				fmt.Sprintf("This file has no %s finding to suppress. Remove the suppression.", s.rule), s.rule)
		case !s.used:
			p.warn(unused, s.comment, "Unused suppression",
				fmt.Sprintf("There is no %s finding on the line this comment is for, so it suppresses nothing. Remove it, or move it to the line of the finding (or the line above it).", s.rule), s.rule)
		}
	}
}

// suppressed says whether a suppression covers d, marking those that do.
func suppressed(d *hcl.Diagnostic, sups []*suppression) bool {
	r := RuleOf(d)
	if r == nil || d.Subject == nil || r == UnusedSuppression {
		return false
	}
	hit := false
	for _, s := range sups {
		if s.rule == r.ID && s.file == d.Subject.Filename && (s.line == 0 || s.line == d.Subject.Start.Line) {
			s.used, hit = true, true
		}
	}
	return hit
}

// RuleByID returns the rule with the given ID, or nil.
func RuleByID(id string) *Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// closest is the id closest to given, when one is close.
func closest(given string, ids []string) string {
	best, bestDist := "", 4
	for _, id := range ids {
		if d := levenshtein.Distance(given, id, nil); d < bestDist {
			best, bestDist = id, d
		}
	}
	return best
}
