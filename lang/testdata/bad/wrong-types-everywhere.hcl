# want: Incorrect type
target "app" {
  from       = 42
  tags       = "not-a-list"
  env        = ["not", "a", "map"]
  platforms  = true
  entrypoint = { a = 1 }
  run {
    command = { a = 1 }
    network = 7
  }
  copy {
    src  = 1
    dest = []
  }
}
