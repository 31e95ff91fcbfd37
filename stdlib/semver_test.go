package stdlib

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestSemver(t *testing.T) {
	obj := func(major, minor, patch int64, pre, build, str string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"major": cty.NumberIntVal(major), "minor": cty.NumberIntVal(minor), "patch": cty.NumberIntVal(patch),
			"prerelease": cty.StringVal(pre), "build": cty.StringVal(build), "string": cty.StringVal(str),
		})
	}
	tests := []struct {
		in      string
		want    cty.Value
		wantErr string
	}{
		{in: "1.2.3", want: obj(1, 2, 3, "", "", "1.2.3")},
		{in: "v1.2.3", want: obj(1, 2, 3, "", "", "1.2.3")},
		{in: "0.0.0", want: obj(0, 0, 0, "", "", "0.0.0")},
		{in: "1.2.3-rc1", want: obj(1, 2, 3, "rc1", "", "1.2.3-rc1")},
		{in: "1.2.3-rc.1", want: obj(1, 2, 3, "rc.1", "", "1.2.3-rc.1")},
		{in: "1.2.3-alpha-beta.0", want: obj(1, 2, 3, "alpha-beta.0", "", "1.2.3-alpha-beta.0")},
		{in: "1.2.3+build.5", want: obj(1, 2, 3, "", "build.5", "1.2.3+build.5")},
		{in: "v10.20.30-rc.1+sha.abc-def", want: obj(10, 20, 30, "rc.1", "sha.abc-def", "10.20.30-rc.1+sha.abc-def")},
		{in: "1.2.3+001", want: obj(1, 2, 3, "", "001", "1.2.3+001")},    // leading zeros are fine in build metadata
		{in: "18446744073709551615.0.0", want: obj(0, 0, 0, "", "", "")}, // checked separately below
		{in: "", wantErr: "it is empty"},
		{in: "v", wantErr: "it is empty"},
		{in: "1.2", wantErr: "2 numeric component(s), want 3"},
		{in: "1", wantErr: "want 3"},
		{in: "1.2.3.4", wantErr: "want 3"},
		{in: "V1.2.3", wantErr: "not a number"},
		{in: "vv1.2.3", wantErr: "not a number"},
		{in: "01.2.3", wantErr: "leading zero"},
		{in: "1.02.3", wantErr: "leading zero"},
		{in: "1.2.x", wantErr: `patch version "x" is not a number`},
		{in: "1..3", wantErr: "minor version is empty"},
		{in: "-1.2.3", wantErr: "MAJOR.MINOR.PATCH is missing"},
		{in: "v+build", wantErr: "MAJOR.MINOR.PATCH is missing"},
		{in: "1.2.3-", wantErr: "prerelease has an empty identifier"},
		{in: "1.2.3-rc..1", wantErr: "prerelease has an empty identifier"},
		{in: "1.2.3-01", wantErr: "leading zero"},
		{in: "1.2.3-rc_1", wantErr: "character '_'"},
		{in: "1.2.3+", wantErr: "build metadata has an empty identifier"},
		{in: "1.2.3+a+b", wantErr: "character '+'"},
		{in: " 1.2.3", wantErr: "not a number"},
		{in: "99999999999999999999.0.0", wantErr: "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := call(t, "semver", cty.StringVal(tt.in))
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("semver(%q) = %#v, want error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "e.g.") {
					t.Fatalf("semver(%q) error = %q, want it to contain %q and examples", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("semver(%q): %v", tt.in, err)
			}
			if tt.in == "18446744073709551615.0.0" {
				if m := got.GetAttr("major").AsBigFloat().Text('f', 0); m != "18446744073709551615" {
					t.Fatalf("major = %s", m)
				}
				return
			}
			if !got.RawEquals(tt.want) {
				t.Fatalf("semver(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSemverCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int64
	}{
		{"1.2.3", "1.2.3", 0},
		{"v1.2.3", "1.2.3", 0},
		{"1.2.3+a", "1.2.3+b", 0}, // build metadata has no precedence
		{"1.2.3", "1.2.4", -1},
		{"1.3.0", "1.2.9", 1},
		{"2.0.0", "10.0.0", -1},
		{"1.0.0-rc.1", "1.0.0", -1},
		{"1.0.0", "1.0.0-rc.1", 1},
		// The SemVer 2.0.0 item 11 example chain.
		{"1.0.0-alpha", "1.0.0-alpha.1", -1},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
		{"1.0.0-alpha.beta", "1.0.0-beta", -1},
		{"1.0.0-beta", "1.0.0-beta.2", -1},
		{"1.0.0-beta.2", "1.0.0-beta.11", -1},
		{"1.0.0-beta.11", "1.0.0-rc.1", -1},
		{"1.0.0-rc.1", "1.0.0", -1},
		{"1.0.0-beta.11", "1.0.0-beta.2", 1},
		{"1.0.0-rc.1", "1.0.0-rc.1", 0},
	}
	for _, tt := range tests {
		got, err := call(t, "semver_compare", cty.StringVal(tt.a), cty.StringVal(tt.b))
		if err != nil {
			t.Fatalf("semver_compare(%q, %q): %v", tt.a, tt.b, err)
		}
		if !got.RawEquals(cty.NumberIntVal(tt.want)) {
			t.Errorf("semver_compare(%q, %q) = %#v, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if _, err := call(t, "semver_compare", cty.StringVal("1.0.0"), cty.StringVal("1.0")); err == nil || !strings.Contains(err.Error(), `"1.0"`) {
		t.Errorf("semver_compare with an invalid b: err = %v", err)
	}
}

func TestSemverTags(t *testing.T) {
	tests := []struct {
		name    string
		args    []cty.Value
		want    cty.Value
		wantErr string
	}{
		{
			name: "release",
			args: []cty.Value{cty.StringVal("ghcr.io/org/app"), cty.StringVal("1.2.3")},
			want: strs("ghcr.io/org/app:1.2.3", "ghcr.io/org/app:1.2", "ghcr.io/org/app:1", "ghcr.io/org/app:latest"),
		},
		{
			name: "v prefix",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("v1.2.3")},
			want: strs("app:1.2.3", "app:1.2", "app:1", "app:latest"),
		},
		{
			name: "zero major",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("0.4.0")},
			want: strs("app:0.4.0", "app:0.4", "app:0", "app:latest"),
		},
		{
			name: "prerelease gets only its own tag",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("1.2.3-rc1")},
			want: strs("app:1.2.3-rc1"),
		},
		{
			name: "prerelease with build metadata",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("v1.2.3-rc.1+build.5")},
			want: strs("app:1.2.3-rc.1-build.5"),
		},
		{
			name: "build metadata becomes -",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("1.2.3+build.5")},
			want: strs("app:1.2.3-build.5", "app:1.2", "app:1", "app:latest"),
		},
		{
			name: "latest=false",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("1.2.3"), cty.False},
			want: strs("app:1.2.3", "app:1.2", "app:1"),
		},
		{
			name: "latest=true",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("1.2.3"), cty.True},
			want: strs("app:1.2.3", "app:1.2", "app:1", "app:latest"),
		},
		{
			name: "latest=false prerelease",
			args: []cty.Value{cty.StringVal("app"), cty.StringVal("2.0.0-beta"), cty.False},
			want: strs("app:2.0.0-beta"),
		},
		{
			name: "registry with port",
			args: []cty.Value{cty.StringVal("localhost:5000/app"), cty.StringVal("1.0.0")},
			want: strs("localhost:5000/app:1.0.0", "localhost:5000/app:1.0", "localhost:5000/app:1", "localhost:5000/app:latest"),
		},
		{name: "invalid version", args: []cty.Value{cty.StringVal("app"), cty.StringVal("1.2")}, wantErr: "invalid semantic version"},
		{name: "empty repo", args: []cty.Value{cty.StringVal(""), cty.StringVal("1.2.3")}, wantErr: "repository is empty"},
		{name: "repo with tag", args: []cty.Value{cty.StringVal("app:v1"), cty.StringVal("1.2.3")}, wantErr: "already has a tag"},
		{name: "repo with digest", args: []cty.Value{cty.StringVal("app@sha256:abc"), cty.StringVal("1.2.3")}, wantErr: "digest"},
		{name: "too many args", args: []cty.Value{cty.StringVal("app"), cty.StringVal("1.2.3"), cty.True, cty.True}, wantErr: "at most 3 arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := call(t, "semver_tags", tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %#v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.RawEquals(tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestSemverTagsInHCL(t *testing.T) {
	got, diags := eval(t, `semver_tags("app", semver("v3.1.4").string, false)`)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if want := strs("app:3.1.4", "app:3.1", "app:3"); !got.RawEquals(want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
}
