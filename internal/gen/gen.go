package gen

import (
	"fmt"
	"strings"
)

// matrixSize is the number of instances of each generated matrix target.
const matrixSize = 10

// Targets returns a build file with n targets (matrix instances counted),
// about half of them from matrix targets of matrixSize instances. Targets
// look like a real monorepo's: a base image, env, args, a run step with a
// cache mount and a secret, copies from the context and from an earlier
// target, file steps, labels; every tenth plain target is cross-compiled
// (platform = build_platform). A default group lists a sample of targets.
func Targets(n int) []byte {
	var b strings.Builder
	b.WriteString(header)
	matrixBlocks := n / 2 / matrixSize
	plain := n - matrixBlocks*matrixSize
	for i := range plain {
		writePlain(&b, i)
	}
	for i := range matrixBlocks {
		writeMatrix(&b, i)
	}
	return []byte(b.String())
}

const header = `variable "GO_VERSION" {
  default = "1.23"
}

variable "REGISTRY" {
  default = "registry.example.com/acme"
}

secret "netrc" {
  env = "NETRC"
}

cache "ci" {
  import = [{ type = "registry", ref = "registry.example.com/acme/cache" }]
}

environment "default" {
  platforms = ["linux/amd64"]
}

locals {
  labels = { "org.opencontainers.image.vendor" = "acme" }
}

`

func writePlain(b *strings.Builder, i int) {
	fmt.Fprintf(b, "target \"svc-%d\" {\n", i)
	fmt.Fprintf(b, "  description = \"service %d\"\n", i)
	if i%10 == 0 {
		b.WriteString("  from     = \"golang:${var.GO_VERSION}-alpine\"\n")
		b.WriteString("  platform = build_platform\n")
		b.WriteString("  env      = { CGO_ENABLED = \"0\", GOOS = target_platform.os, GOARCH = target_platform.arch }\n")
	} else {
		b.WriteString("  from = \"alpine:3.20\"\n")
		fmt.Fprintf(b, "  env  = { SERVICE = \"svc-%d\", PORT = \"%d\" }\n", i, 8000+i%1000)
	}
	fmt.Fprintf(b, "  args    = { VERSION = \"1.%d.0\" }\n", i)
	b.WriteString("  workdir = \"/src\"\n")
	b.WriteString("  labels  = merge(local.labels, { \"org.opencontainers.image.title\" = \"svc-" + fmt.Sprint(i) + "\" })\n")
	fmt.Fprintf(b, "  tags    = [\"${var.REGISTRY}/svc-%d:latest\"]\n", i)
	b.WriteString("  cache   = cache.ci\n")
	fmt.Fprintf(b, "  copy {\n    src  = [\"services/svc-%d/\", \"go.mod\", \"go.sum\"]\n    dest = \"./\"\n  }\n", i)
	b.WriteString("  run {\n    command = \"go build -trimpath -ldflags=-X=main.version=$VERSION -o /out/app .\"\n")
	b.WriteString("    cache \"/root/.cache/go-build\" {}\n    secret \"netrc\" {\n      target = \"/root/.netrc\"\n    }\n  }\n")
	if i > 0 && i%5 == 0 {
		fmt.Fprintf(b, "  copy {\n    from = target.svc-%d\n    src  = [\"/out/app\"]\n    dest = \"/usr/local/bin/dep\"\n  }\n", i-1)
	}
	fmt.Fprintf(b, "  file {\n    path    = \"/etc/svc-%d.conf\"\n    content = \"name = svc-%d\\n\"\n  }\n", i, i)
	b.WriteString("  entrypoint = [\"/out/app\"]\n  expose     = [8080]\n}\n\n")
}

func writeMatrix(b *strings.Builder, i int) {
	fmt.Fprintf(b, "target \"test-%d\" {\n", i)
	b.WriteString("  matrix = {\n    go   = [\"1.22\", \"1.23\"]\n    mode = [\"unit\", \"race\", \"bench\", \"fuzz\", \"lint\"]\n  }\n")
	fmt.Fprintf(b, "  name = \"test-%d-${matrix.mode}-go${replace(matrix.go, \".\", \"\")}\"\n", i)
	b.WriteString("  from = \"golang:${matrix.go}-alpine\"\n")
	b.WriteString("  env  = { GOFLAGS = \"-mod=readonly\", MODE = matrix.mode }\n")
	fmt.Fprintf(b, "  copy {\n    src  = [\"pkg/p%d/\"]\n    dest = \"/src/\"\n  }\n", i)
	b.WriteString("  run {\n    command = \"go test -tags ${matrix.mode} ./...\"\n    workdir = \"/src\"\n")
	b.WriteString("    cache \"/root/.cache/go-build\" {\n      id = \"go-${matrix.go}\"\n    }\n  }\n}\n\n")
}
