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
		{argv("ls"), ""},
		{argv(), ""},
	}
	for _, c := range cases {
		var got []string
		for _, in := range installs(c.run) {
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
