# want: Argument or block definition required
/* this never ends
target "app" {
  from = "alpine:3.20"
}
