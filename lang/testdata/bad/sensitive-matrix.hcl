# want: Sensitive value in build
variable "TOKEN" {
  sensitive = true
  default   = "s3cr3t-marker"
}
target "app" {
  matrix = { t = [var.TOKEN] }
  name   = "app-x"
  from   = "alpine:3.20"
}
