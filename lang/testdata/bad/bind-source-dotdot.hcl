# want: leaves
target "app" {
  from = "alpine:3.20"
  run {
    command = "cat /x/passwd"
    bind "/x" {
      from   = context
      source = "../../etc"
    }
  }
}
