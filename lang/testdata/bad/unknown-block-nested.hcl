# want: Unsupported block type
target "app" {
  from = "alpine:3.20"
  nosuch {
    deeper {
      deepest {}
    }
  }
}
