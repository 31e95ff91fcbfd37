# want: leaves
target "app" {
  from = local("src", ["../../**"], [])
}
