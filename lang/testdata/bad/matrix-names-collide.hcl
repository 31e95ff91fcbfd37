# want: Matrix instance names collide
target "app" {
  matrix = { v = ["a", "b"] }
  name   = "same"
  from   = "alpine:3.20"
}
