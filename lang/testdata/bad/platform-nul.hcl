# want: Invalid platform
target "app" {
  from      = "alpine:3.20"
  platforms = ["linux\u0000/amd64"]
}
