# want: Invalid UTF-8
# ÿÿÿ comment
locals {
  a = 1 // Ã
}
