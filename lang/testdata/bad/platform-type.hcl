# want: Incorrect type
target "app" {
  from      = "alpine:3.20"
  platforms = { linux = "amd64" }
}
