# want: not sensitive
variable "TOKEN" {
  default = "x"
}
secret "s" {
  var = var.TOKEN
}
target "app" {
  from = "alpine:3.20"
  run {
    command = "true"
    secret "s" {}
  }
}
