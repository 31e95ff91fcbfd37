# want: Duplicate
variable "v" {}
variable "v" {}
target "t" {
  from = "alpine:3.20"
}
target "t" {
  from = "alpine:3.20"
}
secret "s" {}
secret "s" {}
group "g" {
  targets = [target.t]
}
group "g" {
  targets = [target.t]
}
