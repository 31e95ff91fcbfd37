# want: Dependency cycle
target "a" {
  from = "alpine:3.20"
  copy {
    from = target.a
    src  = ["/"]
    dest = "/"
  }
}
