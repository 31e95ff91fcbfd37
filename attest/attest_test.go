package attest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The flags read as buildx reads them, over the build file's defaults.
func TestFrontendAttrs(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Flags
		d    Defaults
		want map[string]string
	}{
		{"none", Flags{}, Defaults{}, map[string]string{}},
		{"file", Flags{}, Defaults{SBOM: true, Provenance: "max"}, map[string]string{"attest:sbom": "", "attest:provenance": "mode=max"}},
		{"sbom-true", Flags{SBOM: "true"}, Defaults{}, map[string]string{"attest:sbom": ""}},
		{"sbom-generator", Flags{SBOM: "generator=localhost:5000/scanner"}, Defaults{}, map[string]string{"attest:sbom": "generator=localhost:5000/scanner"}},
		{"flags-turn-off", Flags{SBOM: "false", Provenance: "false"}, Defaults{SBOM: true, Provenance: "min"}, map[string]string{}},
		{"provenance-max", Flags{Provenance: "max"}, Defaults{}, map[string]string{"attest:provenance": "mode=max"}},
		{"provenance-true", Flags{Provenance: "true"}, Defaults{}, map[string]string{"attest:provenance": "mode=min"}},
		{"provenance-mode", Flags{Provenance: "mode=max"}, Defaults{}, map[string]string{"attest:provenance": "mode=max"}},
		{"attest", Flags{Attest: []string{"type=sbom,generator=img", "type=provenance,mode=max"}}, Defaults{}, map[string]string{"attest:sbom": "generator=img", "attest:provenance": "mode=max"}},
		{"attest-disabled", Flags{Attest: []string{"type=provenance,disabled=true"}}, Defaults{Provenance: "max"}, map[string]string{}},
	} {
		got, err := FrontendAttrs(tc.f, tc.d)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, bad := range []Flags{{SBOM: "maybe"}, {Attest: []string{"type=vex"}}, {Provenance: "mode=extreme"}} {
		if _, err := FrontendAttrs(bad, Defaults{}); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
