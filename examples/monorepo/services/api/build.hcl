# syntax=org/buildlang

# The api service: a Go binary on scratch. Included by the root build.hcl.

target "api-build" {
  description = "Compiles the api service."
  inherits    = [target.go]

  copy {
    src  = ["services/api/"]
    dest = "./"
  }
  run {
    command = "go build -trimpath -o /out/api ."
    cache "/root/.cache/go-build" {}
  }
}

target "api" {
  description = "The api service image."
  from        = scratch

  copy {
    from = target.api-build
    src  = ["/out/api"]
    dest = "/api"
  }

  user       = "65532:65532"
  expose     = [8080]
  entrypoint = ["/api"]
  tags       = ["${var.REGISTRY}/api:${var.TAG}"]
}
