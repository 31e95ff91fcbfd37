# want: Dependency cycle between local values
locals {
  a = local.a
}
