# want: called itself
function "f" {
  params = [n]
  result = f(n)
}
locals {
  x = f(1)
}
target "app" {
  from = "alpine:3.20"
  tags = ["${local.x}"]
}
