# want: Invalid UTF-8
ÿþý "x" {
  a = 1
}
