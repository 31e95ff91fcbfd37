# want: Too many platforms
target "app" {
  from      = "alpine:3.20"
  platforms = [for i in range(100) : "linux/amd64"]
}
