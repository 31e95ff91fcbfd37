# want: Too many evaluation steps
locals {
  r = range(1000000000)
}
target "app" {
  from = "alpine:3.20"
  args = { N = "${length(local.r)}" }
}
