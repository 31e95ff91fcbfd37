# want: Too many platforms
environment "default" {
  platforms = [for i in range(40) : "linux/arm64"]
}
target "app" {
  from = "alpine:3.20"
}
