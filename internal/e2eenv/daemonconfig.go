package e2eenv

import "fmt"

// DaemonConfig is the buildkitd.toml of a private daemon a test starts:
// the OCI worker alone, on the host's network (the e2e machine has no
// CNI), and the e2e registry over plain HTTP, also as docker.io's mirror
// so that unqualified bases resolve offline. top goes before every table
// (top-level keys such as insecure-entitlements), oci into [worker.oci]
// (platforms, max-parallelism), and tail after the registries (tables
// such as [cdi]); each is whole lines or empty.
func DaemonConfig(registry, top, oci, tail string) string {
	return fmt.Sprintf(`%s[worker.oci]
  enabled = true
  networkMode = "host"
%s[worker.containerd]
  enabled = false
[registry.%[3]q]
  http = true
[registry."docker.io"]
  mirrors = [%[3]q]
%[4]s`, top, oci, registry, tail)
}
