# want: error_message cannot be shown
variable "TOKEN" {
  sensitive = true
  default   = "s3cr3t-marker"
  validation {
    condition     = startswith(var.TOKEN, "ghp_")
    error_message = "The token ${var.TOKEN} is not a GitHub token."
  }
}
