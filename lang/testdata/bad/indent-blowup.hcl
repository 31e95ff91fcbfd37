# want: Too many evaluation steps
locals {
  lines = join("\n", [for i in range(1000) : "x"])
  big   = indent(1000000, local.lines)
}
