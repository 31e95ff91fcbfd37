# syntax=org/buildlang

# The root build file of a repository with several services. Each service
# keeps its build next to its code, in services/NAME/build.hcl; this file
# includes them all and holds what they share.
#
#   buildlang build               # every service (the default group)
#   buildlang build api           # one service
#   buildlang targets             # list them
#
# Included files form one build with this one: they see its variables and
# targets and it sees theirs. Paths in copy steps are relative to the build
# context, the repository root, wherever the build file that names them is.

include = ["services/*/build.hcl"]

variable "REGISTRY" {
  description = "Registry every service image is pushed to."
  default     = "registry.example.com/shop"
}

variable "TAG" {
  description = "Tag of every service image."
  default     = "dev"
}

environment "ci" {
  description = "CI builds every service for both platforms."
  platforms   = ["linux/amd64", "linux/arm64"]
}

# A base the Go services inherit: the toolchain, run natively on the
# builder, set up to cross-compile for the platform being built.
target "go" {
  description = "Go toolchain settings shared by the Go services."
  from        = "golang:1.23-alpine"
  platform    = build_platform
  workdir     = "/src"
  env = {
    CGO_ENABLED = "0"
    GOOS        = target_platform.os
    GOARCH      = target_platform.arch
  }
}

group "default" {
  description = "Every service."
  targets     = [target.api, target.web]
}
