package lang

import (
	"slices"
	"testing"
)

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

func TestParseAllow(t *testing.T) {
	a, err := ParseAllow([]string{"network.host", "fs=*", "env=A", "ssh"})
	if err != nil || !slices.Equal(a.Entitlements, []string{"network.host"}) || !a.SSH || a.FSRead[0] != "*" || a.FSWrite[0] != "*" || a.Env[0] != "A" {
		t.Errorf("%+v, %v", a, err)
	}
	if !a.EnvAllowed("A") || a.EnvAllowed("B") || !(Allow{Env: []string{"*"}}).EnvAllowed("B") || (Allow{}).EnvAllowed("A") {
		t.Errorf("EnvAllowed: %+v", a)
	}
	for _, bad := range []string{"network", "fs.read=", "device=x", "env"} {
		if _, err := ParseAllow([]string{bad}); err == nil {
			t.Errorf("ParseAllow(%q) passed", bad)
		}
	}
}
