# want: Sensitive value in build
variable "TOKEN" {
  sensitive = true
  default   = "s3cr3t-marker"
}
secret "s" {}
target "app" {
  from = "alpine:3.20"
  entrypoint = ["/bin/sh", var.TOKEN]
}
