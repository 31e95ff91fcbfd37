# syntax=org/buildlang

# A Go HTTP service, compiled on the build machine for each target platform
# and shipped as a single static binary in an otherwise empty image.
#
#   buildlang build                             # linux/amd64 and linux/arm64
#   buildlang build --platform linux/arm64      # one platform

variable "GO_VERSION" {
  description = "Go toolchain that compiles the service."
  default     = "1.23"
}

variable "IMAGE" {
  description = "Repository the image is tagged as."
  default     = "registry.example.com/go-service"
}

target "build" {
  description = "Compiles the service for target_platform."
  from        = "golang:${var.GO_VERSION}-alpine"
  # Run the toolchain natively on the builder, whatever the target platform;
  # Go cross-compiles through GOOS and GOARCH below. No emulation needed.
  platform = build_platform
  workdir  = "/src"

  # Dependencies first, so editing code does not download them again.
  copy {
    src  = ["go.mod"]
    dest = "./"
  }
  run {
    command = "go mod download"
    cache "/go/pkg/mod" {}
  }

  copy {
    src  = ["."]
    dest = "./"
  }
  run {
    command = "go build -trimpath -ldflags='-s -w' -o /out/server ."
    env = {
      CGO_ENABLED = "0"
      GOOS        = target_platform.os
      GOARCH      = target_platform.arch
    }
    cache "/go/pkg/mod" {}
    cache "/root/.cache/go-build" {}
  }
}

target "service" {
  description = "The service image: the static binary on scratch."
  platforms   = ["linux/amd64", "linux/arm64"]
  from        = scratch

  copy {
    from = target.build
    src  = ["/out/server"]
    dest = "/server"
  }

  user       = "65532:65532"
  expose     = [8080]
  entrypoint = ["/server"]
  tags       = ["${var.IMAGE}:latest"]
}

group "default" {
  targets = [target.service]
}
