# want: cannot be read as a number
locals {
  digits = join("", [for i in range(1000) : "7777777777"])
  n      = tonumber(local.digits)
}
