# want: number longer than
locals {
  digits = join("", [for i in range(1000) : "7777777777"])
  v      = jsondecode(local.digits)
}
