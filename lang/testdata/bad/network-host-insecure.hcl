# want: network.host
# want: security.insecure
target "app" {
  from = "alpine:3.20"
  run {
    command  = "ip addr"
    network  = "host"
    security = "insecure"
  }
}
