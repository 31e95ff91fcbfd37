# want: Too many evaluation steps
locals {
  r = range(200)
  m = length(flatten([for i in local.r : [for j in local.r : [for k in local.r : k]]]))
}
target "app" {
  from = "alpine:3.20"
  args = { N = "${local.m}" }
}
