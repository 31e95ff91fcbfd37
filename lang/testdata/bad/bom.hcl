# want: Invalid character
﻿target "app" {
  from = "alpine:3.20"
}
