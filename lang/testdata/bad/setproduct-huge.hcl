# want: Too many evaluation steps
locals {
  r = range(100)
  p = setproduct(local.r, local.r, local.r, local.r, local.r)
}
