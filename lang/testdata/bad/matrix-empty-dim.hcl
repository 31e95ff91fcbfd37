# want: has no values
target "app" {
  matrix = { v = [] }
  from   = "alpine:3.20"
}
