# want: called itself
function "grow" {
  params         = []
  variadic_param = xs
  result         = grow(xs...)
}
target "app" {
  from = "alpine:3.20"
  args = { G = "${length(grow(1, 2, 3))}" }
}
