# want: Too many evaluation steps
locals {
  f = [for i in range(100) : format("%01000000d", i)]
}
