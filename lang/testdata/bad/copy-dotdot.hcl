# want: leaves the build context
target "app" {
  from = "alpine:3.20"
  copy {
    src  = ["../../../../etc/passwd"]
    dest = "/"
  }
}
