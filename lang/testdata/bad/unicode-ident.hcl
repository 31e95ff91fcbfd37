# want: Unsupported
tårget "åpp" {
  fröm = "alpine:3.20"
  ‮evil‬ = "x"
}
