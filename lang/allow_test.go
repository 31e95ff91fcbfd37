package lang

import "testing"

// TestIsAllowForm checks the grants --allow takes, which builder's flag
// parsing and convert's entitlement notes both read from AllowForms.
func TestIsAllowForm(t *testing.T) {
	for v, want := range map[string]bool{
		"network.host": true, "security.insecure": true, "ssh": true,
		"fs.read=/src": true, "fs.write=*": true, "fs=out": true, "env=TOKEN": true,
		"device": false, "fs.read": false, "env=": false, "network.host=x": false, "ssh=x": false, "": false,
	} {
		if got := IsAllowForm(v); got != want {
			t.Errorf("IsAllowForm(%q) = %v, want %v", v, got, want)
		}
	}
}
