# syntax=org/buildlang

# The smallest real build: busybox, a file from the build context, a file
# written by the build, and commands that use only busybox applets. It
# needs no network, so it builds offline once the busybox image is at hand.
#
#   buildlang build
#   buildlang build --var GREETING=hi

variable "GREETING" {
  description = "The word the greeting starts with."
  default     = "hello"
}

target "hello" {
  description = "A busybox image that prints a greeting."
  from        = "busybox:1.35"
  # Nothing here needs the network; say so, and BuildKit enforces it.
  network = "none"
  workdir = "/srv"

  copy {
    src  = ["message.txt"]
    dest = "message.txt"
  }
  # In the script, $${...} is a literal ${...} for the shell: HCL does
  # not expand it.
  file {
    path    = "/srv/greet.sh"
    mode    = "0755"
    content = <<-EOT
      #!/bin/sh
      echo "$${GREETING}, $(cat /srv/name.txt)!"
      cat /srv/message.txt
    EOT
  }
  run {
    # Derive a file at build time, with applets only.
    command = "echo buildlang | tr a-z A-Z > name.txt && wc -w < message.txt > words.txt"
  }
  symlink {
    path   = "/usr/local/bin/greet"
    target = "/srv/greet.sh"
  }

  # The default greeting; `docker run -e GREETING=hi` overrides it.
  env = {
    GREETING = var.GREETING
  }
  cmd = ["greet"]
  labels = {
    "org.opencontainers.image.title" = "busybox-hello"
  }
}
