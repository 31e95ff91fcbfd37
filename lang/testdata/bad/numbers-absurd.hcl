# want: Unused local value
locals {
  inf   = pow(10, 100000000)
  tiny  = 1e-1000000000
  big   = 1e1000000000
  div   = 1 / 0
  mod   = 5 % 0
  neg   = -1e999999999
  s     = "${local.big} ${local.tiny} ${local.neg}"
}
