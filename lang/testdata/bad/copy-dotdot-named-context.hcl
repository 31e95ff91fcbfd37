# want: leaves
target "app" {
  from = "alpine:3.20"
  copy {
    from = contexts.other
    src  = ["../x"]
    dest = "/"
  }
}
