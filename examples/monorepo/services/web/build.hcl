# syntax=org/buildlang

# The web front end: static files served by nginx. Included by the root
# build.hcl.

target "web" {
  description = "The web front end image."
  from        = "nginx:1.27-alpine"

  copy {
    src  = ["services/web/public/"]
    dest = "/usr/share/nginx/html/"
  }

  expose = [80]
  tags   = ["${var.REGISTRY}/web:${var.TAG}"]
}
