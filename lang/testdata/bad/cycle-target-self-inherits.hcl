# want: Dependency cycle between targets
target "a" {
  inherits = [target.a]
  from     = "alpine:3.20"
}
