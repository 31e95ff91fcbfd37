# syntax=org/buildlang

# The project the CI recipes next to this file build: github-actions.yml
# and gitlab-ci.yml check it (uploading the check's SARIF), then build and
# push it with registry cache:
#
#   a branch       --env dev:  linux/amd64,        REGISTRY/app:BRANCH
#   a tag v1.2.3   --env prod: linux/amd64+arm64,  REGISTRY/app:1.2.3, :1.2, :1, :latest
#
# ci_test.go runs both recipes' shell steps against a real BuildKit daemon
# and registry, so they keep working.

variable "REGISTRY" {
  description = "Where the image is pushed, e.g. ghcr.io/org or $CI_REGISTRY_IMAGE."
  default     = "registry.example.com/org"
}

variable "VERSION" {
  description = "The release, from a semver git tag (v1.2.3); empty for a branch build."
  default     = ""

  validation {
    condition     = var.VERSION == "" || can(semver(var.VERSION))
    error_message = "VERSION must be a semantic version such as v1.2.3, or empty."
  }
}

variable "BRANCH" {
  description = "The branch a dev build is tagged with, made safe for a tag."
  default     = "dev"
}

variable "REVISION" {
  description = "The git commit built."
  default     = "unknown"
}

environment "dev" {
  description = "Branch builds: the CI machine's platform only."
  platforms   = ["linux/amd64"]
}

environment "prod" {
  description = "Releases from semver tags: every platform we ship."
  platforms   = ["linux/amd64", "linux/arm64"]
}

locals {
  repo = "${var.REGISTRY}/app"
  tags = var.VERSION == "" ? ["${local.repo}:${var.BRANCH}"] : semver_tags(local.repo, var.VERSION)
}

target "app" {
  description = "A small busybox image saying which version it is."
  from        = "busybox:1.35"
  network     = "none"
  workdir     = "/srv"

  copy {
    src  = ["message.txt"]
    dest = "message.txt"
  }
  run {
    command = "uname -m > arch.txt"
  }

  cmd  = ["cat", "/srv/message.txt", "/srv/arch.txt"]
  tags = local.tags
  labels = {
    "org.opencontainers.image.version"  = var.VERSION == "" ? var.BRANCH : var.VERSION
    "org.opencontainers.image.revision" = var.REVISION
  }
}
