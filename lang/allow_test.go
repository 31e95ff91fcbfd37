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
		"device": true, "device=vendor.com/gpu=all": true, "device=": false, "fs.read": false, "env=": false, "network.host=x": false, "ssh=x": false, "": false,
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
	a, err = ParseAllow([]string{"device=vendor.com/gpu=all", "device=vendor.com/gpu=all"})
	if err != nil || !slices.Equal(a.Entitlements, []string{"device=vendor.com/gpu=all"}) {
		t.Errorf("device=NAME: %+v, %v", a, err)
	}
	if g, ok := a.DeviceGrant("vendor.com/gpu=all"); !ok || g != "device=vendor.com/gpu=all" {
		t.Errorf("DeviceGrant of the granted device: %q, %v", g, ok)
	}
	if _, ok := a.DeviceGrant("vendor.com/gpu=0"); ok {
		t.Error("DeviceGrant of a device not granted")
	}
	for _, all := range []string{"device", "device=*"} {
		a, err = ParseAllow([]string{all})
		if g, ok := a.DeviceGrant("vendor.com/gpu=0"); err != nil || !ok || g != "device" {
			t.Errorf("--allow %s: DeviceGrant %q, %v (%v)", all, g, ok, err)
		}
	}
	for _, bad := range []string{"network", "fs.read=", "device=", "device.x", "env"} {
		if _, err := ParseAllow([]string{bad}); err == nil {
			t.Errorf("ParseAllow(%q) passed", bad)
		}
	}
}
