package dump

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

func writeExec(w writer, o *Op, e *pb.ExecOp) {
	if m := e.Meta; m != nil {
		w.line("args %s", jsonList(m.Args))
		for _, kv := range m.Env {
			w.line("env %s", kv)
		}
		w.line("cwd %s", m.Cwd)
		if m.User != "" {
			w.line("user %s", m.User)
		}
		if m.Hostname != "" {
			w.line("hostname %s", m.Hostname)
		}
		if p := m.ProxyEnv; p != nil {
			for _, kv := range [][2]string{{"HTTP_PROXY", p.HttpProxy}, {"HTTPS_PROXY", p.HttpsProxy}, {"FTP_PROXY", p.FtpProxy}, {"NO_PROXY", p.NoProxy}, {"ALL_PROXY", p.AllProxy}} {
				if kv[1] != "" {
					w.line("proxy %s=%s", kv[0], kv[1])
				}
			}
		}
	}
	for _, d := range e.CdiDevices {
		w.line("device %s%s", d.Name, optional(d.Optional))
	}
	if e.Network != pb.NetMode_UNSET {
		w.line("network %s", strings.ToLower(e.Network.String()))
	}
	if e.Security != pb.SecurityMode_SANDBOX {
		w.line("security %s", strings.ToLower(e.Security.String()))
	}
	for _, m := range e.Mounts {
		w.line("mount %s", mount(o, m))
	}
	for _, s := range e.Secretenv {
		w.line("secret-env %s id=%s%s", s.Name, s.ID, optional(s.Optional))
	}
}

func mount(o *Op, m *pb.Mount) string {
	parts := []string{m.Dest}
	switch m.MountType {
	case pb.MountType_BIND:
		parts = append(parts, "bind", "from="+input(o, m.Input))
		if m.Selector != "" {
			parts = append(parts, "source="+m.Selector)
		}
		if m.Readonly {
			parts = append(parts, "readonly")
		}
		if m.Output == int64(pb.SkipOutput) && !m.Readonly {
			parts = append(parts, "no-output")
		}
	case pb.MountType_CACHE:
		parts = append(parts, "cache", "id="+m.CacheOpt.ID, "sharing="+strings.ToLower(m.CacheOpt.Sharing.String()))
		if m.Input >= 0 {
			parts = append(parts, "from="+input(o, m.Input))
		}
		if m.Selector != "" {
			parts = append(parts, "source="+m.Selector)
		}
		if m.Readonly {
			parts = append(parts, "readonly")
		}
	case pb.MountType_SECRET:
		s := m.SecretOpt
		parts = append(parts, "secret", "id="+s.ID, fmt.Sprintf("uid=%d gid=%d mode=%04o", s.Uid, s.Gid, s.Mode)+optional(s.Optional))
	case pb.MountType_SSH:
		s := m.SSHOpt
		parts = append(parts, "ssh", "id="+s.ID, fmt.Sprintf("uid=%d gid=%d mode=%04o", s.Uid, s.Gid, s.Mode)+optional(s.Optional))
	case pb.MountType_TMPFS:
		parts = append(parts, "tmpfs")
		if m.TmpfsOpt != nil && m.TmpfsOpt.Size > 0 {
			parts = append(parts, fmt.Sprintf("size=%d", m.TmpfsOpt.Size))
		}
	}
	return strings.Join(parts, " ")
}

func optional(b bool) string {
	if b {
		return " optional"
	}
	return ""
}

func writeFile(w writer, o *Op, f *pb.FileOp) {
	n := int64(len(o.Inputs))
	for _, a := range f.Actions {
		base := fileInput(o, n, a.Input)
		switch x := a.Action.(type) {
		case *pb.FileAction_Copy:
			c := x.Copy
			w.line("copy %s:%s -> %s:%s%s", fileInput(o, n, a.SecondaryInput), c.Src, base, c.Dest, copyFlags(c))
		case *pb.FileAction_Mkfile:
			m := x.Mkfile
			w.line("mkfile %s:%s mode=%04o%s data=%s", base, m.Path, m.Mode, owner(m.Owner), data(m.Data))
		case *pb.FileAction_Mkdir:
			m := x.Mkdir
			parents := ""
			if m.MakeParents {
				parents = " parents"
			}
			w.line("mkdir %s:%s mode=%04o%s%s", base, m.Path, m.Mode, parents, owner(m.Owner))
		case *pb.FileAction_Rm:
			r := x.Rm
			w.line("rm %s:%s allow-not-found=%t allow-wildcard=%t", base, r.Path, r.AllowNotFound, r.AllowWildcard)
		case *pb.FileAction_Symlink:
			s := x.Symlink
			w.line("symlink %s:%s -> %s%s", base, s.Newpath, s.Oldpath, owner(s.Owner))
		}
	}
}

// fileInput names a file action's input: an op input, the output of an
// earlier action in the same op ("action N"), or scratch.
func fileInput(o *Op, n, i int64) string {
	switch {
	case i < 0:
		return "scratch"
	case i < n:
		return input(o, i)
	}
	return fmt.Sprintf("action%d", i-n)
}

func copyFlags(c *pb.FileActionCopy) string {
	var fl []string
	add := func(on bool, s string) {
		if on {
			fl = append(fl, s)
		}
	}
	if c.Mode >= 0 && c.ModeStr == "" {
		fl = append(fl, fmt.Sprintf("mode=%04o", c.Mode))
	}
	if c.ModeStr != "" {
		fl = append(fl, "mode="+c.ModeStr)
	}
	if o := owner(c.Owner); o != "" {
		fl = append(fl, strings.TrimSpace(o))
	}
	add(c.FollowSymlink, "follow-symlinks")
	add(c.DirCopyContents, "dir-contents")
	add(c.CreateDestPath, "create-dest")
	add(c.AllowWildcard, "wildcard")
	add(c.AllowEmptyWildcard, "empty-wildcard")
	add(c.AttemptUnpackDockerCompatibility, "unpack")
	add(c.AlwaysReplaceExistingDestPaths, "replace")
	if len(c.IncludePatterns) > 0 {
		fl = append(fl, "include="+strings.Join(c.IncludePatterns, ","))
	}
	if len(c.ExcludePatterns) > 0 {
		fl = append(fl, "exclude="+strings.Join(c.ExcludePatterns, ","))
	}
	if len(c.RequiredPaths) > 0 {
		fl = append(fl, "required="+strings.Join(c.RequiredPaths, ","))
	}
	if len(fl) == 0 {
		return ""
	}
	return " " + strings.Join(fl, " ")
}

func owner(c *pb.ChownOpt) string {
	if c == nil {
		return ""
	}
	s := " owner=" + userOpt(c.User)
	if c.Group != nil {
		s += ":" + userOpt(c.Group)
	}
	return s
}

func userOpt(u *pb.UserOpt) string {
	if u == nil {
		return ""
	}
	switch x := u.User.(type) {
	case *pb.UserOpt_ByName:
		return x.ByName.Name
	case *pb.UserOpt_ByID:
		return fmt.Sprint(x.ByID)
	}
	return ""
}

// data shows short file contents inline and long ones by size and digest.
func data(b []byte) string {
	if len(b) <= 80 {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("(%d bytes %s)", len(b), digest.FromBytes(b).Encoded()[:12])
}

// jsonList writes a list as JSON without HTML escapes, so commands read as written.
func jsonList(xs []string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(xs)
	return strings.TrimSuffix(b.String(), "\n")
}
