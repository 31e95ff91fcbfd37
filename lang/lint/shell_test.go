package lint

import (
	"strings"
	"testing"

	"github.com/org/buildlang/lang"
)

func TestInstalls(t *testing.T) {
	sh := func(s string) *lang.RunStep { return &lang.RunStep{Shell: true, Args: []string{"/bin/sh", "-c", s}} }
	argv := func(s ...string) *lang.RunStep { return &lang.RunStep{Args: s} }
	cases := []struct {
		run  *lang.RunStep
		want string // tool:deps:system:optOut, comma separated
	}{
		{sh("npm ci"), "npm ci:deps"},
		{sh("npm install"), "npm install:deps"},
		{sh("npm install -g typescript"), "npm install"},
		{sh("yarn"), "yarn:deps"},
		{sh("yarn install --frozen-lockfile"), "yarn install:deps"},
		{sh("pnpm i"), "pnpm i:deps"},
		{sh("go mod download && go build -o /out ./..."), "go mod download:deps,go build"},
		{sh("pip install -r requirements.txt"), "pip install:deps"},
		{sh("python3 -m pip install --no-cache-dir -rreq.txt"), "pip install:deps:optOut"},
		{sh("pip install flask"), "pip install"},
		{sh("bundle install"), "bundle install:deps"},
		{sh("cargo fetch; cargo build --release"), "cargo fetch:deps,cargo build"},
		{sh("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl"), "apt-get install:system"},
		{sh("sudo apt install -y \\\n  curl"), "apt install:system"},
		{sh("apk add --no-cache git"), "apk add:system:optOut"},
		{sh("apk add git | tee log"), "apk add:system"},
		{sh("echo npm ci"), ""},
		{sh("make && ./configure"), ""},
		{argv("npm", "ci"), "npm ci:deps"},
		{argv("/usr/local/go/bin/go", "build", "."), "go build"},
		{argv("bash", "-c", "go mod download"), "go mod download:deps"},
		// Idioms of widely used Dockerfiles. apt: the official images'
		// install-and-clean, upgrades, build dependencies, local packages.
		{sh("apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*"), "apt-get install:system:optOut"},
		{sh("set -eux; apt-get update; apt-get install -y git; rm -rf /var/lib/apt/lists/*"), "apt-get install:system:optOut"},
		{sh("apt-get update && apt-get install -y make && apt-get clean"), "apt-get install:system:optOut"},
		{sh("apt-get update && apt-get upgrade -y"), "apt-get upgrade:system"},
		{sh("apt-get update && apt-get dist-upgrade -y"), "apt-get dist-upgrade:system"},
		{sh("apt-get update && mk-build-deps -i -r -t 'apt-get -y --no-install-recommends' debian/control"), "mk-build-deps --install:deps"},
		{sh("mk-build-deps --install"), "mk-build-deps --install:deps"},
		{sh("mk-build-deps debian/control"), ""},
		{sh("apt-get install -y ./dist/app.deb"), "apt-get install:deps:system"},
		{sh("apt-get update && xargs apt-get install -y < packages.txt"), "apt-get install:deps:system"},
		{sh("apt-get update"), ""},
		// apk: --no-cache, virtual build deps, removing the cache.
		{sh("apk add --no-cache --virtual .build-deps gcc musl-dev"), "apk add:system:optOut"},
		{sh("apk update && apk add git && rm -rf /var/cache/apk/*"), "apk add:system:optOut"},
		{sh("apk upgrade --no-cache"), "apk upgrade:system:optOut"},
		// pip: --no-cache-dir, PIP_NO_CACHE_DIR, upgrading pip itself.
		{sh("pip install --no-cache-dir -r requirements.txt"), "pip install:deps:optOut"},
		{sh("PIP_NO_CACHE_DIR=1 pip install flask"), "pip install:optOut"},
		{sh("PIP_NO_CACHE_DIR=0 pip install flask"), "pip install"},
		{sh("pip install --upgrade pip setuptools wheel && pip cache purge"), "pip install:optOut"},
		// npm and yarn: install then clean the cache.
		{sh("npm ci --omit=dev && npm cache clean --force"), "npm ci:deps:optOut"},
		{sh("npm install -g npm@10"), "npm install"},
		{sh("yarn install --frozen-lockfile && yarn cache clean"), "yarn install:deps:optOut"},
		// go: static builds, module download and verify, tools.
		{sh("CGO_ENABLED=0 GOOS=linux go build -trimpath -o /app ."), "go build"},
		{sh("go mod download && go mod verify"), "go mod download:deps"},
		{sh("go install github.com/go-delve/delve/cmd/dlv@latest"), "go install"},
		{sh("go test ./..."), ""},
		{argv("ls"), ""},
		{argv(), ""},
	}
	for _, c := range cases {
		var got []string
		for _, in := range installs(nil, c.run) {
			s := in.tool
			if in.deps {
				s += ":deps"
			}
			if in.system {
				s += ":system"
			}
			if in.optOut {
				s += ":optOut"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, ","); g != c.want {
			t.Errorf("%q: got %q, want %q", c.run.Args, g, c.want)
		}
	}
}

// PIP_NO_CACHE_DIR in the step's or the target's env opts pip out.
func TestInstallsPipNoCacheEnv(t *testing.T) {
	run := &lang.RunStep{Shell: true, Args: []string{"/bin/sh", "-c", "pip install flask"}}
	if in := installs(nil, run); in[0].optOut {
		t.Errorf("no env: opted out")
	}
	spec := &lang.TargetSpec{Image: lang.ImageConfig{Env: map[string]string{"PIP_NO_CACHE_DIR": "1"}}}
	if in := installs(spec, run); !in[0].optOut {
		t.Errorf("target env PIP_NO_CACHE_DIR=1: not opted out")
	}
	run.Env = map[string]string{"PIP_NO_CACHE_DIR": "off"}
	if in := installs(spec, run); in[0].optOut {
		t.Errorf("step env PIP_NO_CACHE_DIR=off: opted out")
	}
}
