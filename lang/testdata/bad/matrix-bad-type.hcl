# want: Incorrect type
target "app" {
  matrix = "abc"
  from   = "alpine:3.20"
}
