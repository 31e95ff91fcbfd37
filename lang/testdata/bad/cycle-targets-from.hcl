# want: Dependency cycle between targets
target "a" {
  from = target.b
}
target "b" {
  from = target.c
}
target "c" {
  from = target.a
}
