# want: Dependency cycle between local values
locals {
  a = local.b
  b = local.c
  c = "${local.a}-x"
}
target "app" {
  from = "alpine:3.20"
  tags = [local.a]
}
