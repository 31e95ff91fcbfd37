# want: leaves
target "app" {
  from = "alpine:3.20"
  copy {
    src     = ["."]
    dest    = "/"
    include = ["../**"]
  }
}
