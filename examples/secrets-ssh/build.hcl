# syntax=org/buildlang

# A build that needs credentials: private Go modules fetched over SSH with
# the client's agent, a netrc file for the private module proxy, and a
# token for a licensed download. None of them is stored in the image, the
# build cache or the build graph: each is mounted into the one step that
# uses it, for the time that step runs.
#
#   export ASSETS_TOKEN=...              # read by the CLI, see below
#   buildlang build --allow env=ASSETS_TOKEN,ssh   # forwards $SSH_AUTH_SOCK as "default"
#
# Through BuildKit directly, the client provides them by id:
#
#   buildctl build --frontend gateway.v0 --opt source=org/buildlang \
#     --secret id=assets_token,env=ASSETS_TOKEN \
#     --secret id=netrc,src=secrets/netrc --ssh default ...

secret "assets_token" {
  description = "Bearer token for assets.example.com."
  env         = "ASSETS_TOKEN"
}

secret "netrc" {
  description = "Login for the private module proxy, in .netrc format."
  # Kept out of git; see .gitignore.
  src = "secrets/netrc"
}

ssh "default" {
  description = "An agent holding a key that can read github.com/example's private repositories."
}

target "build" {
  description = "Compiles the app, with private dependencies."
  from        = "golang:1.23-alpine"
  workdir     = "/src"
  env = {
    GOPRIVATE = "github.com/example/*"
  }

  run {
    command = "apk add --no-cache git openssh-client"
  }
  # Pin github.com's host key rather than trusting whatever answers.
  mkdir {
    path = "/root/.ssh"
    mode = "0700"
  }
  file {
    path    = "/root/.ssh/known_hosts"
    content = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
  }
  run {
    command = "git config --global url.'git@github.com:'.insteadOf https://github.com/"
  }

  copy {
    src  = ["go.mod", "go.sum"]
    dest = "./"
  }
  run {
    command = "go mod download"
    # Private repositories over SSH, through the forwarded agent.
    ssh "default" {}
    # The module proxy's login, as a file where Go looks for it.
    secret "netrc" {
      target = "/root/.netrc"
      mode   = "0400"
    }
    cache "/go/pkg/mod" {}
  }

  run {
    # The token is an environment variable of this step only.
    command = "wget -q --header \"Authorization: Bearer $ASSETS_TOKEN\" -O /src/geo.db https://assets.example.com/geo.db"
    secret "assets_token" {
      env = "ASSETS_TOKEN"
    }
  }

  copy {
    src  = ["."]
    dest = "./"
  }
  run {
    command = "CGO_ENABLED=0 go build -o /out/app ."
    cache "/go/pkg/mod" {}
    cache "/root/.cache/go-build" {}
  }
}

target "app" {
  description = "The app image."
  from        = "alpine:3.20"

  copy {
    from = target.build
    src  = ["/out/app", "/src/geo.db"]
    dest = "/app/"
  }

  workdir    = "/app"
  entrypoint = ["/app/app"]
}

group "default" {
  targets = [target.app]
}
