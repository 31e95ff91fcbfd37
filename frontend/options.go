package frontend

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/org/buildlang/lang"
)

const (
	// keyEnv selects the environment: --opt env=prod.
	keyEnv = "env"
	// envBuildArg selects the environment through docker buildx:
	// --build-arg BUILDLANG_ENV=prod.
	envBuildArg = "BUILDLANG_ENV"
	// epochBuildArg is SOURCE_DATE_EPOCH, which buildx passes from the
	// host environment, as for the Dockerfile frontend.
	epochBuildArg = "SOURCE_DATE_EPOCH"
)

// langOptions maps the frontend's options onto lang's. Build args set
// variables, except BUILDLANG_ENV, SOURCE_DATE_EPOCH and BuildKit's own
// BUILDKIT_* args.
// The frontend has no host environment: variables' `env` attributes are
// for the CLI only.
func langOptions(bc *dockerui.Client) lang.Options {
	opts := lang.Options{Vars: map[string]string{}}
	for k, v := range bc.BuildArgs {
		switch {
		case k == envBuildArg:
			opts.Env = v
		case strings.HasPrefix(k, "BUILDKIT_"), k == epochBuildArg:
		default:
			opts.Vars[k] = v
		}
	}
	if env, ok := bc.BuildOpts().Opts[keyEnv]; ok && env != "" {
		opts.Env = env
	}
	if len(bc.BuildPlatforms) > 0 {
		opts.BuildPlatform = bc.BuildPlatforms[0]
	}
	return opts
}
