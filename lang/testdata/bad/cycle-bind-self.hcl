# want: Dependency cycle
target "a" {
  from = "alpine:3.20"
  run {
    command = "true"
    bind "/x" {
      from = target.a
    }
  }
}
