# want: Too many evaluation steps
locals {
  f = formatlist("%0999999d", range(500))
}
