package lsp

import (
	"fmt"
	"strings"
)

// generateBuild writes a realistic build file of about lines lines: a few
// declarations followed by targets of ~25 lines each, every fifth one
// reading from an earlier target.
func generateBuild(lines int) string {
	var b strings.Builder
	b.WriteString(`# syntax=org/buildlang

variable "GO_VERSION" {
  type        = string
  default     = "1.22"
  description = "Go toolchain version."
}

variable "REGISTRY" {
  default = "registry.example.com"
}

variable "TOKEN" {
  default   = "hunter2"
  sensitive = true
}

locals {
  base = "golang:${var.GO_VERSION}"
}

secret "npmrc" {
  description = "npm credentials"
}

cache "ci" {
  import = [{ type = "local", src = ".cache" }]
}

environment "dev" {
  platforms = ["linux/amd64"]
}

`)
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		name := fmt.Sprintf("t%04d", i)
		from := "local.base"
		if i%5 == 4 {
			from = fmt.Sprintf("target.t%04d", i-3)
		}
		fmt.Fprintf(&b, `target %q {
  description = "target number %d"
  from        = %s
  platforms   = ["linux/amd64", "linux/arm64"]
  workdir     = "/src"
  env = {
    GOFLAGS = "-mod=readonly"
  }
  copy {
    src  = ["go.mod", "go.sum"]
    dest = "./"
  }
  run {
    command = "go mod download"
    cache "/root/go/pkg/mod" {
      sharing = "shared"
    }
  }
  run {
    command = ["go", "build", "-o", "/out/%s", "./cmd/%s"]
    secret "npmrc" {
      target = "/root/.npmrc"
    }
  }
  tags = ["${var.REGISTRY}/%s:${var.GO_VERSION}"]
}

`, name, i, from, name, name, name)
	}
	return b.String()
}
