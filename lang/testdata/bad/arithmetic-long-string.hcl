# want: Number too long
locals {
  digits = join("", [for i in range(1000) : "7777777777"])
  n      = local.digits + 1
}
