# want: nested more than
locals {
  open  = join("", [for i in range(1000) : "[[[[[[[[[["])
  close = join("", [for i in range(1000) : "]]]]]]]]]]"])
  v     = jsondecode("${local.open}${local.close}")
}
