# want: Too many evaluation steps
locals {
  a = join("", [for i in range(1000) : "aaaaaaaaaaaaaaaaaaaa"])
  b = replace(local.a, "a", local.a)
}
