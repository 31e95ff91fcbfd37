# want: Invalid UTF-8
locals {
  a = <<EOT
øˆ€€€ ${"À¯"}
EOT
}
