# want: null
target "app" {
  from = null
  tags = [null]
  env  = { A = null }
  run {
    command = null
  }
  copy {
    src  = [null]
    dest = null
  }
}
