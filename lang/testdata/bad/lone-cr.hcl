# want: Argument
target "app" {  from = "alpine:3.20"}