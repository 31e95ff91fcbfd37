package stdlib

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/zclconf/go-cty/cty"
)

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in      string
		want    ocispecs.Platform
		str     string
		wantErr string
	}{
		{in: "linux/amd64", want: ocispecs.Platform{OS: "linux", Architecture: "amd64"}, str: "linux/amd64"},
		{in: "linux/arm64", want: ocispecs.Platform{OS: "linux", Architecture: "arm64"}, str: "linux/arm64"},
		{in: "linux/arm64/v8", want: ocispecs.Platform{OS: "linux", Architecture: "arm64"}, str: "linux/arm64"},
		{in: "linux/aarch64", want: ocispecs.Platform{OS: "linux", Architecture: "arm64"}, str: "linux/arm64"},
		{in: "linux/arm", want: ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, str: "linux/arm/v7"},
		{in: "linux/arm/v7", want: ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, str: "linux/arm/v7"},
		{in: "linux/arm/v6", want: ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}, str: "linux/arm/v6"},
		{in: "linux/x86_64", want: ocispecs.Platform{OS: "linux", Architecture: "amd64"}, str: "linux/amd64"},
		{in: "linux/amd64/v3", want: ocispecs.Platform{OS: "linux", Architecture: "amd64", Variant: "v3"}, str: "linux/amd64/v3"},
		{in: "LINUX/AMD64", want: ocispecs.Platform{OS: "linux", Architecture: "amd64"}, str: "linux/amd64"},
		{in: "  linux/riscv64 ", want: ocispecs.Platform{OS: "linux", Architecture: "riscv64"}, str: "linux/riscv64"},
		{in: "windows/amd64", want: ocispecs.Platform{OS: "windows", Architecture: "amd64"}, str: "windows/amd64"},
		{in: "darwin/arm64", want: ocispecs.Platform{OS: "darwin", Architecture: "arm64"}, str: "darwin/arm64"},
		{in: "macos/arm64", want: ocispecs.Platform{OS: "darwin", Architecture: "arm64"}, str: "darwin/arm64"},
		// A bare architecture means Linux on every host, never the host's OS.
		{in: "arm64", want: ocispecs.Platform{OS: "linux", Architecture: "arm64"}, str: "linux/arm64"},
		{in: "amd64", want: ocispecs.Platform{OS: "linux", Architecture: "amd64"}, str: "linux/amd64"},
		{in: "arm", want: ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, str: "linux/arm/v7"},
		{in: "armhf", want: ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, str: "linux/arm/v7"},
		{in: "", wantErr: "it is empty"},
		{in: "   ", wantErr: "it is empty"},
		{in: "linux/", wantErr: "the architecture is empty"},
		{in: "/amd64", wantErr: "the OS is empty"},
		{in: "linux/arm/", wantErr: "the variant is empty"},
		{in: "linux//amd64", wantErr: "the architecture is empty"},
		{in: "linux/arm/v7/extra", wantErr: "too many components"},
		{in: "linux", wantErr: "no architecture"},
		{in: "windows", wantErr: "no architecture"},
		{in: "windows(10.0.17763)", wantErr: "no architecture"},
		{in: "foo", wantErr: "unknown operating system or architecture"},
		{in: "linux/amd 64", wantErr: "invalid component"},
		{in: "linux/*", wantErr: "wildcards"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePlatform(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParsePlatform(%q) = %+v, want error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `valid examples: "linux/amd64"`) {
					t.Fatalf("ParsePlatform(%q) error = %q, want %q and examples", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePlatform(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("ParsePlatform(%q) (-want +got):\n%s", tt.in, diff)
			}
			v := PlatformValue(got)
			if s := v.GetAttr("string").AsString(); s != tt.str {
				t.Errorf("string = %q, want %q", s, tt.str)
			}
			fnv, err := call(t, "platform", cty.StringVal(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !fnv.RawEquals(v) {
				t.Errorf("platform(%q) = %#v, want %#v", tt.in, fnv, v)
			}
			ps, err := call(t, "platform_string", cty.StringVal(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if ps.AsString() != tt.str {
				t.Errorf("platform_string(%q) = %q, want %q", tt.in, ps.AsString(), tt.str)
			}
		})
	}
}

func TestPlatformValue(t *testing.T) {
	got := PlatformValue(ocispecs.Platform{OS: "linux", Architecture: "aarch64", Variant: "v8"})
	want := cty.ObjectVal(map[string]cty.Value{
		"os": cty.StringVal("linux"), "arch": cty.StringVal("arm64"),
		"variant": cty.StringVal(""), "string": cty.StringVal("linux/arm64"),
	})
	if !got.RawEquals(want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
	if !got.Type().Equals(PlatformType) {
		t.Fatalf("type %#v is not PlatformType", got.Type())
	}
	// An empty OS must not be filled in from the host.
	if os := PlatformValue(ocispecs.Platform{Architecture: "amd64"}).GetAttr("os").AsString(); os != "" {
		t.Fatalf("os = %q, want empty", os)
	}
}

func TestPlatformFromValue(t *testing.T) {
	armv7 := ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}
	tests := []struct {
		name    string
		in      cty.Value
		want    ocispecs.Platform
		wantErr string
	}{
		{name: "string", in: cty.StringVal("linux/arm"), want: armv7},
		{name: "round trip", in: PlatformValue(armv7), want: armv7},
		{name: "object without variant", in: cty.ObjectVal(map[string]cty.Value{
			"os": cty.StringVal("linux"), "arch": cty.StringVal("arm"),
		}), want: armv7},
		{name: "map", in: cty.MapVal(map[string]cty.Value{
			"os": cty.StringVal("windows"), "arch": cty.StringVal("amd64"),
		}), want: ocispecs.Platform{OS: "windows", Architecture: "amd64"}},
		{name: "string attr is ignored", in: cty.ObjectVal(map[string]cty.Value{
			"os": cty.StringVal("linux"), "arch": cty.StringVal("amd64"), "variant": cty.StringVal(""), "string": cty.StringVal("bogus"),
		}), want: ocispecs.Platform{OS: "linux", Architecture: "amd64"}},
		{name: "marked", in: cty.StringVal("linux/amd64").Mark("x"), want: ocispecs.Platform{OS: "linux", Architecture: "amd64"}},
		{name: "missing os", in: cty.ObjectVal(map[string]cty.Value{"arch": cty.StringVal("amd64")}), wantErr: `no "os" attribute`},
		{name: "empty os", in: cty.ObjectVal(map[string]cty.Value{"os": cty.StringVal(""), "arch": cty.StringVal("amd64")}), wantErr: "non-empty os and arch"},
		{name: "map missing arch", in: cty.MapVal(map[string]cty.Value{"os": cty.StringVal("linux")}), wantErr: `no "arch" key`},
		{name: "number attr", in: cty.ObjectVal(map[string]cty.Value{"os": cty.StringVal("linux"), "arch": cty.NumberIntVal(1)}), wantErr: "must be a string"},
		{name: "bad string", in: cty.StringVal("linux/"), wantErr: "architecture is empty"},
		{name: "number", in: cty.NumberIntVal(1), wantErr: "not number"},
		{name: "null", in: cty.NullVal(cty.String), wantErr: "null"},
		{name: "unknown", in: cty.UnknownVal(cty.String), wantErr: "not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PlatformFromValue(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %+v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlatformFunctionsInHCL(t *testing.T) {
	tests := []struct{ src, want string }{
		{`platform("linux/arm64/v8").string`, "linux/arm64"},
		{`platform("arm").variant`, "v7"},
		{`platform("windows/amd64").os`, "windows"},
		{`platform_string(platform("aarch64"))`, "linux/arm64"},
		{`platform_string({os = "linux", arch = "arm", variant = "v6"})`, "linux/arm/v6"},
		{`join(",", [for p in ["linux/amd64", "arm64"] : platform_string(p)])`, "linux/amd64,linux/arm64"},
	}
	for _, tt := range tests {
		got, diags := eval(t, tt.src)
		if diags.HasErrors() {
			t.Errorf("%s: %s", tt.src, diags.Error())
			continue
		}
		if got.AsString() != tt.want {
			t.Errorf("%s = %q, want %q", tt.src, got.AsString(), tt.want)
		}
	}
	if _, diags := eval(t, `platform("linux/")`); !diags.HasErrors() || !strings.Contains(diags.Error(), "architecture is empty") {
		t.Errorf(`platform("linux/") diags = %v`, diags)
	}
	// Unknown input gives an unknown string, as the language server sees
	// while a variable is still being typed.
	v, err := call(t, "platform_string", cty.DynamicVal)
	if err != nil || v.IsKnown() || v.Type() != cty.String {
		t.Errorf("platform_string(unknown) = %#v, %v", v, err)
	}
}
