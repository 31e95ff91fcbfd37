# want: called itself
function "even" {
  params = [n]
  result = n == 0 ? true : odd(n - 1)
}
function "odd" {
  params = [n]
  result = n == 0 ? false : even(n - 1)
}
target "app" {
  from = "alpine:3.20"
  args = { E = "${even(1000000)}" }
}
