# want: Too many matrix combinations
target "app" {
  matrix = {
    a = range(10)
    b = range(10)
    c = range(10)
    d = range(10)
    e = range(10)
    f = range(10)
  }
  name = "app-${matrix.a}-${matrix.b}-${matrix.c}-${matrix.d}-${matrix.e}-${matrix.f}"
  from = "alpine:3.20"
}
