# want: leaves
target "app" {
  from = "alpine:3.20"
  copy {
    from = local("cfg", [], [])
    src  = ["a/b/../../../x"]
    dest = "/"
  }
}
