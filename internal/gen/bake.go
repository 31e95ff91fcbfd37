package gen

import (
	"fmt"
	"strings"
)

// Bake returns the docker buildx bake file equivalent to Targets(n): the
// same targets, matrix instances, variables, args, labels, tags, platforms
// and cache import, each target built from a Dockerfile (bake has no steps
// of its own). hack/bench-check times `docker buildx bake --print` on it
// against `buildlang check` on Targets(n).
func Bake(n int) []byte {
	var b strings.Builder
	b.WriteString(bakeHeader)
	matrixBlocks := n / 2 / matrixSize
	plain := n - matrixBlocks*matrixSize
	var all []string
	for i := range plain {
		writeBakePlain(&b, i)
		all = append(all, fmt.Sprintf("%q", fmt.Sprintf("svc-%d", i)))
	}
	for i := range matrixBlocks {
		writeBakeMatrix(&b, i)
		all = append(all, fmt.Sprintf("%q", fmt.Sprintf("test-%d", i)))
	}
	fmt.Fprintf(&b, "group \"default\" {\n  targets = [%s]\n}\n", strings.Join(all, ", "))
	return []byte(b.String())
}

const bakeHeader = `variable "GO_VERSION" {
  default = "1.23"
}

variable "REGISTRY" {
  default = "registry.example.com/acme"
}

`

func writeBakePlain(b *strings.Builder, i int) {
	fmt.Fprintf(b, "target \"svc-%d\" {\n", i)
	fmt.Fprintf(b, "  description = \"service %d\"\n", i)
	b.WriteString("  context    = \".\"\n  dockerfile = \"services/Dockerfile\"\n")
	b.WriteString("  platforms  = [\"linux/amd64\"]\n")
	fmt.Fprintf(b, "  args = { VERSION = \"1.%d.0\", GO_VERSION = GO_VERSION, SERVICE = \"svc-%d\" }\n", i, i)
	fmt.Fprintf(b, "  labels = { \"org.opencontainers.image.vendor\" = \"acme\", \"org.opencontainers.image.title\" = \"svc-%d\" }\n", i)
	fmt.Fprintf(b, "  tags = [\"${REGISTRY}/svc-%d:latest\"]\n", i)
	b.WriteString("  cache-from = [\"type=registry,ref=registry.example.com/acme/cache\"]\n")
	b.WriteString("  secret = [\"id=netrc,env=NETRC\"]\n")
	if i > 0 && i%5 == 0 {
		fmt.Fprintf(b, "  contexts = { dep = \"target:svc-%d\" }\n", i-1)
	}
	b.WriteString("}\n\n")
}

func writeBakeMatrix(b *strings.Builder, i int) {
	fmt.Fprintf(b, "target \"test-%d\" {\n", i)
	b.WriteString("  matrix = {\n    go   = [\"1.22\", \"1.23\"]\n    mode = [\"unit\", \"race\", \"bench\", \"fuzz\", \"lint\"]\n  }\n")
	fmt.Fprintf(b, "  name = \"test-%d-${mode}-go${replace(go, \".\", \"\")}\"\n", i)
	b.WriteString("  dockerfile = \"test/Dockerfile\"\n")
	b.WriteString("  args = { GO = go, GOFLAGS = \"-mod=readonly\", MODE = mode }\n}\n\n")
}
