# want: Invalid UTF-8
target "app" {
  from = "alpine√(:3.20"
  tags = ["Ì†Ä"]
}
