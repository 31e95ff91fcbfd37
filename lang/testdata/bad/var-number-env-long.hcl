# want: Invalid value for variable
variable "N" {
  type = number
}
environment "default" {
  vars = { N = "12345678901234567890x" }
}
