package lang

import "strings"

// ProxyVars are the proxy variables BuildKit passes to run steps without
// storing them in the image or the cache key (llb.ProxyEnv), in the
// Dockerfile frontend's order. Their lower-case spellings count too.
var ProxyVars = []string{"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"}

// proxyVars picks the proxy variables out of --var and build-arg values,
// by upper-case name; nil when there are none. As in the Dockerfile
// frontend they need no variable block: a build arg HTTP_PROXY reaches
// every run step whether or not the build file declares it.
func proxyVars(vars map[string]string) map[string]string {
	var out map[string]string
	for _, name := range sortedKeys(vars) {
		up := strings.ToUpper(name)
		if !contains(ProxyVars, up) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		if _, set := out[up]; !set || name == up {
			out[up] = vars[name] // the upper-case spelling wins, as sorted keys put it first
		}
	}
	return out
}
