# syntax=org/buildlang

# Run the tests with several Go releases, each plain and with the race
# detector. One target block makes one target per combination:
#
#   test-1.22-default  test-1.23-default  test-1.23-race
#   test-1.24-default  test-1.24-race
#
#   buildlang build                    # all of them (the default group)
#   buildlang build test-1.24-race     # one
#
# The matrix key env is special: each instance is evaluated in the
# environment it names, so var.* take that environment's values.

variable "CGO_ENABLED" {
  description = "Whether the tests build with cgo (the race detector needs it)."
  default     = "0"
}

variable "test_flags" {
  description = "Extra flags for go test."
  default     = ""
}

environment "default" {
  description = "Plain go test."
}

environment "race" {
  description = "go test with the race detector."
  vars = {
    CGO_ENABLED = "1"
    test_flags  = "-race"
  }
}

target "test" {
  description = "Runs the unit tests."
  matrix = {
    go  = ["1.22", "1.23", "1.24"]
    env = ["default", "race"]
    # Go 1.22 is only checked plainly.
    exclude = [
      { go = "1.22", env = "race" },
    ]
  }
  from    = "golang:${matrix.go}"
  workdir = "/src"

  copy {
    src  = ["."]
    dest = "./"
  }
  run {
    command = "go vet ./... && go test ${var.test_flags} ./..."
    env = {
      CGO_ENABLED = var.CGO_ENABLED
    }
    # One compile cache per Go release: they cannot share one.
    cache "/root/.cache/go-build" {
      id = "go-build-${matrix.go}"
    }
  }
}

group "default" {
  targets = [target.test]
}
