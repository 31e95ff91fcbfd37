# want: leaves
locals {
  up = join("/", [for i in range(20) : ".."])
}
target "app" {
  from = "alpine:3.20"
  copy {
    src  = ["${local.up}/etc/passwd"]
    dest = "/"
  }
}
