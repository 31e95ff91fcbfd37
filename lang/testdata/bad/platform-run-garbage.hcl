# want: Invalid platform
target "app" {
  from     = "alpine:3.20"
  platform = "windows/🙂"
}
