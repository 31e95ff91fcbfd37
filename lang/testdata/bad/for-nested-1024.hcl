# want: Too many evaluation steps
locals {
  r = range(1024)
  m = [for i in local.r : [for j in local.r : j]]
}
target "app" {
  from = "alpine:3.20"
  args = { N = "${length(local.m)}" }
}
