# want: Number too long
locals {
  digits = join("", [for i in range(1000) : "7777777777"])
  l      = [1, 2, 3]
  n      = local.l[local.digits]
}
