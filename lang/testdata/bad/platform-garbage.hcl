# want: Invalid platform
target "app" {
  from      = "alpine:3.20"
  platforms = ["////", "linux/amd64/v99999/extra", "🙂/🙃", ""]
}
