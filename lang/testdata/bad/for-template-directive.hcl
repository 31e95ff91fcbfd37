# want: Too many evaluation steps
locals {
  r = range(1000)
  s = "%{for i in local.r}%{for j in local.r}${j}%{endfor}%{endfor}"
}
target "app" {
  from = "alpine:3.20"
  args = { S = local.s }
}
