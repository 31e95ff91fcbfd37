package compiler

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/lang"
)

// runStep compiles a run step into an exec op on the target's filesystem.
func (t *targetBuild) runStep(index int, s lang.Step, st llb.State) llb.State {
	r := s.Run
	cwd := t.wd
	if r.Workdir != "" {
		cwd = joinPath(t.wd, r.Workdir)
	}
	user := t.user
	if r.User != "" {
		user = r.User
	}
	opts := []llb.RunOption{
		llb.Args(r.Args),
		llb.Dir(cwd),
		llb.Platform(t.run),
		t.name(index, runDesc(r)),
		t.c.location(s.Range),
	}
	if user != "" {
		opts = append(opts, llb.User(user))
	}
	env := t.runEnv(r)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		opts = append(opts, llb.AddEnv(k, v))
	}
	switch r.Network {
	case "none":
		opts = append(opts, llb.Network(pb.NetMode_NONE))
	case "host":
		opts = append(opts, llb.Network(pb.NetMode_HOST))
	}
	if r.Security == "insecure" {
		opts = append(opts, llb.Security(pb.SecurityMode_INSECURE))
	}
	if t.ignoreCache(r.NoCache) {
		opts = append(opts, llb.IgnoreCache)
	}
	if p := t.c.b.Proxy; p != nil {
		// Not in the image, not in the cache key: BuildKit keeps ProxyEnv
		// out of both, as for the Dockerfile frontend's proxy build args.
		opts = append(opts, llb.WithProxy(llb.ProxyEnv{
			HTTPProxy: p["HTTP_PROXY"], HTTPSProxy: p["HTTPS_PROXY"], FTPProxy: p["FTP_PROXY"],
			NoProxy: p["NO_PROXY"], AllProxy: p["ALL_PROXY"],
		}))
	}
	for _, m := range r.Mounts {
		opts = append(opts, t.mount(index, s, m, cwd))
	}
	t.runNeeds(index, s)
	// A fresh state per step keeps the meta chain short: env, dir and user
	// are set on each exec from the target's config, not accumulated.
	out := t.c.blank.WithOutput(st.Output()).Run(opts...).Root().Output()
	addHistory(t.img, "RUN "+runHistory(r.Args, t.spec.Args), true, t.c.req.Epoch)
	return t.c.blank.WithOutput(out)
}

// runEnv is a run step's environment: args, then the image env (which
// wins over args, as ENV wins over ARG), then the step's own env.
func (t *targetBuild) runEnv(r *lang.RunStep) []string {
	var env []string
	for _, k := range sortedKeys(r.PlatformArgs) {
		if _, set := t.spec.Args[k]; !set {
			env = append(env, k+"="+r.PlatformArgs[k])
		}
	}
	for _, k := range sortedKeys(t.spec.Args) {
		env = addEnv(env, k, t.spec.Args[k])
	}
	for _, kv := range t.img.Config.Env {
		k, v, _ := strings.Cut(kv, "=")
		env = addEnv(env, k, v)
	}
	for _, k := range sortedKeys(r.Env) {
		env = addEnv(env, k, expandBaseEnv(r.Env[k], t.img.Config.Env))
	}
	return env
}

// runHistory writes a run step as the Dockerfile frontend writes RUN in
// history: build args as "|N K=V", then the command.
func runHistory(args []string, buildArgs map[string]string) string {
	var parts []string
	if len(buildArgs) > 0 {
		parts = append(parts, fmt.Sprintf("|%d", len(buildArgs)))
		for _, k := range sortedKeys(buildArgs) {
			parts = append(parts, k+"="+buildArgs[k])
		}
	}
	return strings.Join(append(parts, args...), " ")
}

// mount compiles one mount of a run step.
func (t *targetBuild) mount(index int, s lang.Step, m lang.Mount, cwd string) llb.RunOption {
	switch m.Kind {
	case lang.MountCache:
		return t.cacheMount(index, s, m)
	case lang.MountDevice:
		dopts := []llb.CDIDeviceOption{llb.CDIDeviceName(m.ID)}
		if !m.Required {
			dopts = append(dopts, llb.CDIDeviceOptional)
		}
		return llb.AddCDIDevice(dopts...)
	case lang.MountSecret:
		return secretMount(m)
	case lang.MountSSH:
		return sshMount(m)
	case lang.MountTmpfs:
		var topts []llb.TmpfsOption
		if m.Size > 0 {
			topts = append(topts, llb.TmpfsSize(m.Size))
		}
		return llb.AddMount(m.Target, llb.Scratch(), llb.Tmpfs(topts...))
	}
	return t.bindMount(index, s, m)
}

func (t *targetBuild) cacheMount(index int, s lang.Step, m lang.Mount) llb.RunOption {
	sharing := llb.CacheMountShared
	switch m.Sharing {
	case "private":
		sharing = llb.CacheMountPrivate
	case "locked":
		sharing = llb.CacheMountLocked
	}
	opts := []llb.MountOption{llb.AsPersistentCacheDir(m.CacheID, sharing)}
	if m.ReadOnly {
		opts = append(opts, llb.Readonly)
	}
	st := llb.Scratch()
	src := path.Join("/", m.Source)
	if m.From != nil {
		// A new cache starts as a copy of from's source path, as
		// --mount=type=cache,from=...,source=... does.
		st, _ = t.source(*m.From, use{index: index, desc: runDesc(s.Run), rng: m.Range, paths: []string{src}})
	}
	if src != "/" {
		opts = append(opts, llb.SourcePath(src))
	} else if m.UID >= 0 || m.GID >= 0 || m.Mode >= 0 {
		// Ownership is set by mounting a directory made with it, as the
		// Dockerfile frontend does for --mount=type=cache,uid=...
		mode := os.FileMode(0o755)
		if m.Mode >= 0 {
			mode = os.FileMode(m.Mode)
		}
		st = st.File(llb.Mkdir("/cache", mode, llb.WithUIDGID(max(m.UID, 0), max(m.GID, 0))),
			llb.WithCustomName("[internal] setting cache mount permissions"), llb.Platform(t.run))
		opts = append(opts, llb.SourcePath("/cache"))
	}
	return llb.AddMount(m.Target, st, opts...)
}

func secretMount(m lang.Mount) llb.RunOption {
	opts := []llb.SecretOption{llb.SecretID(m.ID)}
	if !m.Required {
		opts = append(opts, llb.SecretOptional)
	}
	if m.UID >= 0 || m.GID >= 0 || m.Mode >= 0 {
		mode := 0o400
		if m.Mode >= 0 {
			mode = m.Mode
		}
		opts = append(opts, llb.SecretFileOpt(max(m.UID, 0), max(m.GID, 0), mode))
	}
	if m.Env == "" {
		return llb.AddSecret(m.Target, opts...)
	}
	var dest *string
	if m.Target != "" {
		target := m.Target
		dest = &target
	}
	return llb.AddSecretWithDest(m.ID, dest, append(opts, llb.SecretAsEnvName(m.Env))...)
}

func sshMount(m lang.Mount) llb.RunOption {
	opts := []llb.SSHOption{llb.SSHID(m.ID), llb.SSHSocketTarget(m.Target)}
	if !m.Required {
		opts = append(opts, llb.SSHOptional)
	}
	if m.UID >= 0 || m.GID >= 0 || m.Mode >= 0 {
		mode := 0o600
		if m.Mode >= 0 {
			mode = m.Mode
		}
		opts = append(opts, llb.SSHSocketOpt(m.Target, max(m.UID, 0), max(m.GID, 0), mode))
	}
	return llb.AddSSHSocket(opts...)
}

// bindMount mounts another target, image or context, read-only unless
// asked; a read-write bind's changes are discarded (no output).
func (t *targetBuild) bindMount(index int, s lang.Step, m lang.Mount) llb.RunOption {
	src := path.Join("/", m.Source)
	st, _ := t.source(*m.From, use{index: index, desc: runDesc(s.Run), rng: m.Range, paths: []string{src}})
	var opts []llb.MountOption
	if m.ReadWrite {
		opts = append(opts, llb.ForceNoOutput)
	} else {
		opts = append(opts, llb.Readonly)
	}
	if src != "/" {
		opts = append(opts, llb.SourcePath(src))
	}
	return llb.AddMount(m.Target, st, opts...)
}
