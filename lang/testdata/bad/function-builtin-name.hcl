# want: is a built-in function
function "upper" {
  params = [s]
  result = s
}
