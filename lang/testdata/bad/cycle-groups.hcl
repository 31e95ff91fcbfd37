# want: Dependency cycle between groups
group "a" {
  targets = [group.b]
}
group "b" {
  targets = [group.a]
}
