# want: Unterminated template string
target "app" {
  from = "alpine:3.20"
  run {
    command = <<EOT
echo hello
