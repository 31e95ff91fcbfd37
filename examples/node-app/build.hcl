# syntax=org/buildlang

# A Node.js web app with three environments:
#
#   buildlang build --env dev     # all dependencies, --watch, debugger on 9229
#   buildlang build --env test    # runs the test suite
#   buildlang build --env prod    # production dependencies only, both platforms
#
# Without --env no environment is selected (none is named "default"), so the
# variables keep their defaults, which are the production settings.

variable "NODE_VERSION" {
  description = "Node.js release line."
  default     = "22"
}

variable "NODE_ENV" {
  description = "Node environment the app runs in."
  default     = "production"

  validation {
    condition     = contains(["development", "test", "production"], var.NODE_ENV)
    error_message = "NODE_ENV must be development, test or production."
  }
}

variable "debug" {
  type        = bool
  description = "Start the app with the inspector listening on port 9229."
  default     = false
}

environment "dev" {
  description = "Local development: dev dependencies, file watching, debugger."
  vars = {
    NODE_ENV = "development"
    debug    = true
  }
}

environment "test" {
  description = "CI: run the tests against all dependencies."
  vars = {
    NODE_ENV = "test"
  }
}

environment "prod" {
  description = "Production: only what the app needs at run time."
  platforms   = ["linux/amd64", "linux/arm64"]
  vars = {
    NODE_ENV = "production"
  }
}

locals {
  production = var.NODE_ENV == "production"
  # In dev, restart on changes and let a debugger attach.
  node_flags = var.debug ? ["--watch", "--inspect=0.0.0.0:9229"] : []
}

target "deps" {
  description = "node_modules for the selected environment."
  from        = "node:${var.NODE_VERSION}-alpine"
  workdir     = "/app"

  copy {
    src  = ["package.json", "package-lock.json"]
    dest = "./"
  }
  run {
    # In production, leave devDependencies out of the image.
    command = local.production ? "npm ci --omit=dev" : "npm ci"
    cache "/root/.npm" {}
  }
}

target "app" {
  description = "The app image."
  from        = target.deps
  env = {
    NODE_ENV = var.NODE_ENV
  }

  copy {
    src  = ["src/"]
    dest = "src/"
  }

  user   = "node"
  expose = var.debug ? [3000, 9229] : [3000]
  cmd    = concat(["node"], local.node_flags, ["src/server.js"])
  labels = {
    "org.opencontainers.image.title" = "node-app"
  }
}

target "test" {
  description = "Runs the test suite; build it with --env test."
  from        = target.deps

  copy {
    src  = ["src/"]
    dest = "src/"
  }
  copy {
    src  = ["test/"]
    dest = "test/"
  }
  run {
    command = "npm test"
  }
}

group "default" {
  targets = [target.app]
}
