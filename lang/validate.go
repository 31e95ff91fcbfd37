package lang

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/exports"

	"github.com/distribution/reference"
	digest "github.com/opencontainers/go-digest"
)

// The rules in this file are the ones BuildKit's client applies when the
// compiler makes LLB. They live here so `check`, the language server and
// the compiler refuse exactly the same input: the compiler calls these
// functions rather than having rules of its own.

// ParseImageRef parses an image reference the way BuildKit pulls it
// (docker's normalization: "alpine" is docker.io/library/alpine:latest).
func ParseImageRef(ref string) (reference.Named, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		// The reference package says only "invalid reference format"
		// about a bad digest; digest says what is wrong with it.
		if _, dgst, ok := strings.Cut(ref, "@"); ok {
			if _, derr := digest.Parse(dgst); derr != nil {
				return nil, fmt.Errorf("the digest after @ is invalid: %w", derr)
			}
		}
		return nil, err
	}
	return named, nil
}

// suggestImageRef is a valid reference close to an invalid one: lower
// case, single colons, no spaces; "" if that does not parse either.
func suggestImageRef(ref string) string {
	s := strings.ToLower(strings.TrimSpace(ref))
	for strings.Contains(s, "::") {
		s = strings.ReplaceAll(s, "::", ":")
	}
	s = strings.ReplaceAll(s, " ", "")
	if s == ref || s == "" {
		return ""
	}
	if s == "scratch" {
		return s
	}
	if _, err := ParseImageRef(s); err != nil {
		return ""
	}
	return s
}

// ParseChecksum parses a checksum as llb.Checksum takes it: an algorithm
// BuildKit knows and a digest of the right length.
func ParseChecksum(s string) (digest.Digest, error) {
	return digest.Parse(s)
}

// ChownByName says whether a chown value ("user", "user:group", "1000:1000")
// names a user or group rather than giving ids, as llb.WithUser reads it
// ("root" counts as id 0).
func ChownByName(chown string) bool {
	if chown == "" {
		return false
	}
	for i, part := range strings.SplitN(chown, ":", 2) {
		if i == 1 && part == "" {
			continue
		}
		if part == "root" {
			continue
		}
		if _, err := strconv.ParseInt(part, 10, 32); err != nil {
			return true
		}
	}
	return false
}

// checkHTTP checks an http() source: an http or https URL, and a checksum
// llb.Checksum takes.
func (d *decoder) checkHTTP(s Source, expr hcl.Expression) {
	if u, err := url.Parse(s.Ref); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		d.add(InvalidValue("URL", fmt.Sprintf("%q is not an http:// or https:// URL; http() downloads a file from one, like http(\"https://example.com/tool.tar.gz\").", s.Ref), callArgRange(expr, "http", 0)))
	}
	if s.Checksum != "" {
		if _, err := ParseChecksum(s.Checksum); err != nil {
			d.add(InvalidChecksum(s.Checksum, err, callArgRange(expr, "http", 1)))
		}
	}
}

// checkTags checks that each tag is an image name an image exporter takes.
func (d *decoder) checkTags(a *hcl.Attribute, tags []string) {
	for i, t := range tags {
		d.checkImageRef(t, elemRange(a, i, len(tags)))
	}
}

// checkImageRef reports a reference ParseImageRef refuses.
func (d *decoder) checkImageRef(ref string, subject hcl.Range) {
	if validRefFast(ref) {
		return
	}
	if _, err := ParseImageRef(ref); err != nil {
		d.add(InvalidImageRef(ref, err, subject))
	}
}

// checkOutputs checks each output as --output would, and that an image
// output that pushes has a name (the target's tags, else its own), and
// returns where each output is written, for checkOutputDests.
func (d *decoder) checkOutputs(a *hcl.Attribute, outputs, tags []string) []hcl.Range {
	ranges := make([]hcl.Range, len(outputs))
	for i, s := range outputs {
		ranges[i] = elemRange(a, i, len(outputs))
		o, err := exports.ParseOutput(s)
		if err == nil {
			err = exports.CheckPush(o, tags)
		}
		if err != nil {
			d.add(InvalidOutput(err, ranges[i]))
		}
	}
	return ranges
}

// validRefFast accepts a common subset of valid image references (lower
// case, no digest, no IPv6 host) without the reference package's regular
// expressions, which cost microseconds a reference; a 20,000-tag target
// or a thousand-target file checks each one. It never accepts what
// ParseImageRef refuses (TestValidRefFast compares them); whatever it does
// not accept goes to ParseImageRef for the answer and the error.
func validRefFast(s string) bool {
	if len(s) == 0 || len(s) > 200 {
		return false
	}
	name, tag := s, ""
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		name, tag = s[:i], s[i+1:]
		if !validTag(tag) {
			return false
		}
	}
	// (No strings.Split: a 20,000-tag target would allocate for each.)
	if first, rest, ok := strings.Cut(name, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		if !validHostPort(first) {
			return false
		}
		name = rest
	} else if !ok && len(name) == 64 && isHex(name) {
		return false // refused as a bare image ID
	}
	for {
		p, rest, more := strings.Cut(name, "/")
		if !validPathComponent(p) {
			return false
		}
		if !more {
			return true
		}
		name = rest
	}
}

func isAlnumLower(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// validTag is [a-z0-9_][a-z0-9_.-]{0,127} (upper case goes the slow way).
func validTag(t string) bool {
	if len(t) == 0 || len(t) > 128 || !(isAlnumLower(t[0]) || t[0] == '_') {
		return false
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !(isAlnumLower(c) || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// validHostPort is a lower-case domain name with an optional port.
func validHostPort(h string) bool {
	host, port, hasPort := strings.Cut(h, ":")
	if hasPort {
		if port == "" {
			return false
		}
		for i := 0; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				return false
			}
		}
	}
	for {
		c, rest, more := strings.Cut(host, ".")
		if c == "" || !isAlnumLower(c[0]) || !isAlnumLower(c[len(c)-1]) {
			return false
		}
		for i := 0; i < len(c); i++ {
			if !isAlnumLower(c[i]) && c[i] != '-' {
				return false
			}
		}
		if !more {
			return true
		}
		host = rest
	}
}

// validPathComponent is [a-z0-9]+ runs joined by ".", "_", "__" or "-"+.
func validPathComponent(p string) bool {
	if p == "" || !isAlnumLower(p[0]) || !isAlnumLower(p[len(p)-1]) {
		return false
	}
	for i := 0; i < len(p); {
		if isAlnumLower(p[i]) {
			i++
			continue
		}
		j := i
		for j < len(p) && !isAlnumLower(p[j]) {
			j++
		}
		switch sep := p[i:j]; {
		case sep == "." || sep == "_" || sep == "__":
		case strings.Trim(sep, "-") == "":
		default:
			return false
		}
		i = j
	}
	return true
}
