# want: Too many matrix combinations
target "app" {
  matrix = {
    v       = ["a"]
    include = flatten([for i in range(10) : [for j in range(500) : { v = "x${i}-${j}" }]])
  }
  name = "app-${matrix.v}"
  from = "alpine:3.20"
}
