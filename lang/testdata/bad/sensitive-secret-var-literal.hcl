# want: must name a variable
secret "s" {
  var = "literal-secret"
}
