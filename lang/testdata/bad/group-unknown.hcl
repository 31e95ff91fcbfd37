# want: Unknown target
group "default" {
  targets = [target.nothere]
}
