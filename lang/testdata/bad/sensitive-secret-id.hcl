# want: Sensitive value in build
variable "TOKEN" {
  sensitive = true
  default   = "s3cr3t-marker"
}
secret "s" {
  id = var.TOKEN
}
