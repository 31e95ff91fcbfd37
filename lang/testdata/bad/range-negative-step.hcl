# want: Too many evaluation steps
locals {
  r = range(0, -1e12, -1)
}
