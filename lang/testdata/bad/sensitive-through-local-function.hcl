# want: Sensitive value in build
variable "TOKEN" {
  sensitive = true
  default   = "s3cr3t-marker"
}
function "wrap" {
  params = [s]
  result = "Bearer ${upper(s)}"
}
locals {
  header = wrap(var.TOKEN)
}
target "app" {
  from = "alpine:3.20"
  run {
    command = "curl -H '${local.header}' https://example.com"
  }
}
