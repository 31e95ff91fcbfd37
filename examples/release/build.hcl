# syntax=org/buildlang

# Release a versioned image to the registry of an environment. CI runs, for
# the tag v1.4.2:
#
#   buildlang build --env staging --var VERSION=v1.4.2 --var REVISION=$GITHUB_SHA
#   buildlang build --env prod    --var VERSION=v1.4.2 --var REVISION=$GITHUB_SHA
#
# prod pushes 1.4.2, 1.4 and 1 and latest; a release candidate such as
# v1.5.0-rc.1 gets only its own tag. Releasing a fix to an older line?
# Add --var latest=false so that latest keeps pointing at the newest line.

variable "VERSION" {
  description = "The version released, from the git tag, e.g. v1.4.2."
  default     = "0.0.0-dev"

  validation {
    condition     = can(semver(var.VERSION))
    error_message = "VERSION must be a semantic version such as 1.4.2, v1.4.2 or v1.5.0-rc.1."
  }
}

variable "REVISION" {
  description = "The git commit the release is built from."
  default     = "unknown"
}

variable "REGISTRY" {
  description = "Registry the image is pushed to."
  default     = "localhost:5000"
}

variable "latest" {
  type        = bool
  description = "Also move the latest tag to this release."
  default     = true
}

cache "registry" {
  description = "Build cache shared by CI runs, kept next to the images."
  import = [
    { type = "registry", ref = "registry.example.com/hello:buildcache" },
  ]
  export = [
    { type = "registry", ref = "registry.example.com/hello:buildcache", mode = "max" },
  ]
}

environment "staging" {
  description = "Release candidates, for the staging cluster (amd64 only)."
  platforms   = ["linux/amd64"]
  cache       = cache.registry
  vars = {
    REGISTRY = "registry.staging.example.com"
  }
}

environment "prod" {
  description = "Releases, for every production platform."
  platforms   = ["linux/amd64", "linux/arm64"]
  cache       = cache.registry
  vars = {
    REGISTRY = "registry.example.com"
  }
}

locals {
  version = semver(var.VERSION)
  repo    = "${var.REGISTRY}/hello"

  # OCI annotation keys, used as image labels.
  labels = {
    "org.opencontainers.image.title"    = "hello"
    "org.opencontainers.image.version"  = local.version.string
    "org.opencontainers.image.revision" = var.REVISION
    "org.opencontainers.image.source"   = "https://github.com/example/hello"
    "org.opencontainers.image.licenses" = "Apache-2.0"
  }
}

target "binary" {
  description = "The hello command, with its version stamped in."
  from        = "golang:1.23-alpine"
  platform    = build_platform
  workdir     = "/src"

  copy {
    src  = ["go.mod", "main.go"]
    dest = "./"
  }
  run {
    command = "go build -trimpath -ldflags='-s -w -X main.version=${local.version.string}' -o /out/hello ."
    env = {
      CGO_ENABLED = "0"
      GOOS        = target_platform.os
      GOARCH      = target_platform.arch
    }
    cache "/root/.cache/go-build" {}
  }
}

target "release" {
  description = "The release image, tagged by semantic version."
  from        = "gcr.io/distroless/static-debian12:nonroot"

  copy {
    from = target.binary
    src  = ["/out/hello"]
    dest = "/usr/local/bin/hello"
  }

  entrypoint  = ["/usr/local/bin/hello"]
  labels      = local.labels
  annotations = local.labels
  tags        = semver_tags(local.repo, var.VERSION, var.latest)
}

group "default" {
  targets = [target.release]
}
