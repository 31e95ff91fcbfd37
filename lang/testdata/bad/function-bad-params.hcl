# want: Each parameter must be a bare name
function "f" {
  params = ["a", 1 + 1]
  result = 1
}
