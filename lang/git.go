package lang

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/moby/buildkit/util/gitutil"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// GitOptionNames are the keys of git()'s options object, as spec/ lists them.
var GitOptionNames = []string{"auth_header", "auth_token", "checksum", "keep_git_dir", "known_hosts", "ssh", "subdir", "submodules"}

// gitFunction is git(url), git(url, ref), git(url, ref, options) and
// git(url, options). Types are checked here, where the argument is known;
// what the values mean (the URL, the checksum, conflicts with the URL's
// #ref:subdir) is checked by checkGit, which has ranges to report at.
var gitFunction = function.New(&function.Spec{
	Description: "A git repository as a source: git(url), git(url, ref) or git(url, ref, { subdir = ..., keep_git_dir = ..., submodules = ..., checksum = ..., auth_token = secret.NAME, ssh = ssh.NAME }). The URL may end in #ref:subdir, as in a Dockerfile.",
	Params:      []function.Parameter{{Name: "url", Type: cty.String, Description: "Repository URL, optionally with #ref or #ref:subdir."}},
	VarParam: &function.Parameter{Name: "ref_and_options", Type: cty.DynamicPseudoType, AllowNull: true,
		Description: "An optional branch, tag or commit (a string, or null), then an optional options object."},
	Type: function.StaticReturnType(SourceType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) > 3 {
			return cty.NilVal, function.NewArgErrorf(3, "git takes a URL, a ref and an options object; remove the extra arguments")
		}
		s := Source{Kind: SourceGit, Ref: args[0].AsString(), Git: &GitOptions{}}
		rest := args[1:]
		if len(rest) > 0 && isObject(rest[len(rest)-1]) {
			if err := decodeGitOptions(rest[len(rest)-1], s.Git, len(args)-1); err != nil {
				return cty.NilVal, err
			}
			rest = rest[:len(rest)-1]
		}
		if len(rest) > 0 {
			ref := rest[0]
			switch {
			case ref.IsNull():
			case ref.Type() == cty.String:
				s.GitRef = ref.AsString()
			default:
				return cty.NilVal, function.NewArgErrorf(1, "the ref must be a string (a branch, tag or commit) or null, but this is %s; options go in an object after it, like git(url, \"main\", { subdir = \"docs\" })", typeName(ref))
			}
		}
		if len(rest) > 1 {
			return cty.NilVal, function.NewArgErrorf(2, "the third argument of git must be the options object, but this is %s", typeName(rest[1]))
		}
		return sourceVal(s), nil
	},
})

func isObject(v cty.Value) bool {
	return !v.IsNull() && (v.Type().IsObjectType() || v.Type().IsMapType())
}

func decodeGitOptions(v cty.Value, g *GitOptions, arg int) error {
	vals := v.AsValueMap()
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		x := vals[k]
		if x.IsNull() {
			continue
		}
		var err error
		switch k {
		case "subdir":
			g.Subdir, err = gitString(x)
		case "checksum":
			g.Checksum, err = gitString(x)
		case "known_hosts":
			g.KnownHosts, err = gitString(x)
		case "keep_git_dir":
			g.KeepGitDir, err = gitBool(x)
		case "submodules":
			var b bool
			b, err = gitBool(x)
			g.SkipSubmodules = !b
		case "auth_token":
			g.AuthToken, err = gitRef(x, "secret")
		case "auth_header":
			g.AuthHeader, err = gitRef(x, "secret")
		case "ssh":
			g.SSH, err = gitRef(x, "ssh")
		default:
			hint := ""
			if g := suggest(k, GitOptionNames); g != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", g)
			}
			return function.NewArgErrorf(arg, "git has no option %q%s; its options are %s", k, hint, quoteList(GitOptionNames))
		}
		if err != nil {
			return function.NewArgErrorf(arg, "option %q %s", k, err)
		}
	}
	return nil
}

func gitString(v cty.Value) (string, error) {
	s, err := convert.Convert(v, cty.String)
	if err != nil || v.Type().IsCapsuleType() {
		return "", fmt.Errorf("must be a string, but this is %s", typeName(v))
	}
	return s.AsString(), nil
}

func gitBool(v cty.Value) (bool, error) {
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		return false, fmt.Errorf("must be true or false, but this is %s", typeName(v))
	}
	return b.True(), nil
}

func gitRef(v cty.Value, kind string) (string, error) {
	if r := refOf(v); r != nil && r.Kind == kind {
		return r.Name, nil
	}
	return "", fmt.Errorf("must be a %s reference like %s.NAME, but this is %s", kind, kind, typeName(v))
}

// checkGit checks what a git source's values mean, as BuildKit would read
// them, and moves the URL's #ref:subdir into the source's fields so
// nothing written is dropped: the URL must parse, a ref or subdir given
// twice must agree, the checksum must be a commit SHA (or a prefix of one)
// and agree with a ref that is a full commit. expr is the expression the
// source came from, for ranges.
func (d *decoder) checkGit(s *Source, expr hcl.Expression) {
	rng := expr.Range()
	urlRange := callArgRange(expr, "git", 0)
	url := s.Ref
	remote, err := gitutil.ParseURL(url)
	if errors.Is(err, gitutil.ErrUnknownProtocol) {
		remote, err = gitutil.ParseURL("https://" + url) // as llb.Git reads it
	}
	if err != nil {
		d.add(InvalidGitSource(fmt.Sprintf("%q is not a git URL BuildKit can fetch: %s. Write one like \"https://github.com/org/repo.git\" or \"git@github.com:org/repo.git\".", url, err), urlRange))
		return
	}
	if len(remote.Query) > 0 {
		d.add(InvalidGitSource(fmt.Sprintf("%q has a query (?...): git() takes its options as an object instead, like git(url, \"main\", { subdir = \"docs\" }), so none is dropped.", url), urlRange))
		return
	}
	// The options may be shared with other uses of the same value (a
	// local evaluated once): change a copy.
	g := GitOptions{}
	if s.Git != nil {
		g = *s.Git
	}
	s.Git = &g
	if i := strings.LastIndex(url, "#"); i >= 0 {
		s.Ref = url[:i]
	}
	opt := func(key string) hcl.Range { return gitOptionRange(expr, key) }
	if o := remote.Opts; o != nil {
		if o.Ref != "" {
			if s.GitRef != "" && s.GitRef != o.Ref {
				d.add(OptionConflict("git ref", fmt.Sprintf("The URL names ref %q after its #, and the ref argument names %q. Give the ref once.", o.Ref, s.GitRef), rng))
			}
			s.GitRef = o.Ref
		}
		if o.Subdir != "" {
			if s.Git.Subdir != "" && cleanSubdir(s.Git.Subdir) != o.Subdir {
				d.add(OptionConflict("git subdir", fmt.Sprintf("The URL names subdir %q after #ref:, and the subdir option names %q. Give the subdir once.", o.Subdir, s.Git.Subdir), opt("subdir")))
			}
			s.Git.Subdir = o.Subdir
		}
	}
	if climbsOut(s.Git.Subdir) {
		d.add(InvalidGitSource(fmt.Sprintf("subdir %q leaves the repository; name a directory inside it.", s.Git.Subdir), opt("subdir")))
	}
	s.Git.Subdir = cleanSubdir(s.Git.Subdir)
	if c := s.Git.Checksum; c != "" {
		switch {
		case !isHex(c) || len(c) < 7 || len(c) > 64:
			d.add(InvalidGitSource(fmt.Sprintf("checksum %q is not a commit: a git checksum is the SHA of the commit the ref must resolve to (40 or 64 lower-case hex digits), or a prefix of it of at least 7.", c), opt("checksum")))
		case gitutil.IsCommitSHA(s.GitRef) && !strings.HasPrefix(s.GitRef, c):
			d.add(OptionConflict("git checksum", fmt.Sprintf("The ref is commit %s, but the checksum expects %s: BuildKit would refuse the source. Make them the same commit.", s.GitRef, c), opt("checksum")))
		}
	}
	if remote.Scheme != gitutil.SSHProtocol && (s.Git.SSH != "" || s.Git.KnownHosts != "") {
		key := "ssh"
		if s.Git.SSH == "" {
			key = "known_hosts"
		}
		d.add(OptionConflict("git options", fmt.Sprintf("ssh and known_hosts are for ssh URLs (git@host:org/repo.git, ssh://...), but %q is fetched over %s; use auth_token for HTTP(S).", s.Ref, remote.Scheme), opt(key)))
	}
}

// cleanSubdir is a subdir as llb.Git keeps it: slash-separated, no
// leading slash, "" for the repository's root.
func cleanSubdir(p string) string {
	return strings.TrimPrefix(path.Join("/", p), "/")
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// callArgRange is the range of argument i of a call to fn when expr is
// that call, else expr's range: errors about an argument point at it.
func callArgRange(expr hcl.Expression, fn string, i int) hcl.Range {
	if call, ok := expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == fn && i < len(call.Args) {
		return call.Args[i].Range()
	}
	return expr.Range()
}

// gitOptionRange is the range of an option's value in a git() call's
// options object literal, else the call's.
func gitOptionRange(expr hcl.Expression, key string) hcl.Range {
	if call, ok := expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == "git" && len(call.Args) > 1 {
		if obj, ok := call.Args[len(call.Args)-1].(*hclsyntax.ObjectConsExpr); ok {
			for _, item := range obj.Items {
				if objectKey(item.KeyExpr) == key {
					return item.ValueExpr.Range()
				}
			}
		}
	}
	return expr.Range()
}
