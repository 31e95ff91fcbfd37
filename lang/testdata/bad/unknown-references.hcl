# want: Unknown variable
target "app" {
  from = var.nope
  tags = [local.nope, target.nope.x, secret.nope]
  run {
    command = "${matrix.nope} ${env.nope}"
    secret "nope" {}
  }
}
