package stdlib

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// funcCase is one call of a one-or-more-string-argument helper.
type funcCase struct {
	fn      string
	args    []string
	want    cty.Value
	wantErr string
}

func runFuncCases(t *testing.T, tests []funcCase) {
	t.Helper()
	for _, tt := range tests {
		args := make([]cty.Value, len(tt.args))
		for i, a := range tt.args {
			args[i] = cty.StringVal(a)
		}
		name := tt.fn + "(" + strings.Join(tt.args, ", ") + ")"
		got, err := call(t, tt.fn, args...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s = %#v, %v; want error containing %q", name, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !got.RawEquals(tt.want) {
			t.Errorf("%s = %#v, want %#v", name, got, tt.want)
		}
	}
}

func str(s string) cty.Value { return cty.StringVal(s) }

func TestSanitize(t *testing.T) {
	long := strings.Repeat("a", 127) + "/b" + strings.Repeat("c", 10)
	runFuncCases(t, []funcCase{
		{fn: "sanitize_tag", args: []string{"v1.2.3"}, want: str("v1.2.3")},
		{fn: "sanitize_tag", args: []string{"main"}, want: str("main")},
		{fn: "sanitize_tag", args: []string{"feature/Foo bar!"}, want: str("feature-Foo-bar")},
		{fn: "sanitize_tag", args: []string{"refs/heads/fix/#12"}, want: str("refs-heads-fix-12")},
		{fn: "sanitize_tag", args: []string{"a / b"}, want: str("a-b")},
		{fn: "sanitize_tag", args: []string{"_private"}, want: str("_private")},
		{fn: "sanitize_tag", args: []string{".hidden"}, want: str("hidden")},
		{fn: "sanitize_tag", args: []string{"--x--"}, want: str("x")},
		{fn: "sanitize_tag", args: []string{"café"}, want: str("caf")},
		{fn: "sanitize_tag", args: []string{"a+b"}, want: str("a-b")},
		{fn: "sanitize_tag", args: []string{strings.Repeat("x", 200)}, want: str(strings.Repeat("x", 128))},
		// Cutting at 128 must not leave a trailing separator.
		{fn: "sanitize_tag", args: []string{long}, want: str(strings.Repeat("a", 127))},
		{fn: "sanitize_tag", args: []string{""}, wantErr: "no characters usable"},
		{fn: "sanitize_tag", args: []string{"/// ..."}, wantErr: "no characters usable"},

		{fn: "sanitize_name", args: []string{"app"}, want: str("app")},
		{fn: "sanitize_name", args: []string{"linux/arm64"}, want: str("linux_arm64")},
		{fn: "sanitize_name", args: []string{"linux/arm/v7"}, want: str("linux_arm_v7")},
		{fn: "sanitize_name", args: []string{"1.2"}, want: str("_1_2")},
		{fn: "sanitize_name", args: []string{"my-app v2"}, want: str("my-app_v2")},
		{fn: "sanitize_name", args: []string{"-x-"}, want: str("x")},
		{fn: "sanitize_name", args: []string{"__x"}, want: str("x")},
		{fn: "sanitize_name", args: []string{"ünï"}, want: str("n")},
		{fn: "sanitize_name", args: []string{""}, wantErr: "no characters usable"},
		{fn: "sanitize_name", args: []string{"..."}, wantErr: "no characters usable"},
	})
	// Every sanitize_tag result must be a valid tag.
	for _, in := range []string{"feature/x", "...a", "-1", "x" + strings.Repeat("!", 300), long} {
		out, err := sanitizeTag(in)
		if err != nil {
			t.Fatal(err)
		}
		if !validTag(out) {
			t.Errorf("sanitizeTag(%q) = %q, not a valid tag", in, out)
		}
	}
}

func validTag(s string) bool {
	if len(s) == 0 || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !isAlnum(r) && r != '_' && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

func TestStringPredicates(t *testing.T) {
	runFuncCases(t, []funcCase{
		{fn: "startswith", args: []string{"refs/tags/v1", "refs/tags/"}, want: cty.True},
		{fn: "startswith", args: []string{"refs/heads/main", "refs/tags/"}, want: cty.False},
		{fn: "startswith", args: []string{"", ""}, want: cty.True},
		{fn: "endswith", args: []string{"app.tar.gz", ".gz"}, want: cty.True},
		{fn: "endswith", args: []string{"app.tar", ".gz"}, want: cty.False},
		{fn: "strcontains", args: []string{"linux/arm64", "arm"}, want: cty.True},
		{fn: "strcontains", args: []string{"linux/amd64", "arm"}, want: cty.False},
	})
}

func TestPaths(t *testing.T) {
	runFuncCases(t, []funcCase{
		{fn: "basename", args: []string{"src/app/main.go"}, want: str("main.go")},
		{fn: "basename", args: []string{"src/app/"}, want: str("app")},
		{fn: "basename", args: []string{"main.go"}, want: str("main.go")},
		{fn: "basename", args: []string{"/"}, want: str("/")},
		{fn: "basename", args: []string{""}, want: str(".")},
		{fn: "basename", args: []string{`C:\dir\file`}, want: str(`C:\dir\file`)}, // backslash is not a separator
		{fn: "dirname", args: []string{"src/app/main.go"}, want: str("src/app")},
		{fn: "dirname", args: []string{"src//app/../lib/x"}, want: str("src/lib")},
		{fn: "dirname", args: []string{"main.go"}, want: str(".")},
		{fn: "dirname", args: []string{"/main.go"}, want: str("/")},
		{fn: "dirname", args: []string{""}, want: str(".")},
	})
}

func TestHashing(t *testing.T) {
	runFuncCases(t, []funcCase{
		{fn: "sha256", args: []string{""}, want: str("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")},
		{fn: "sha256", args: []string{"hello"}, want: str("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")},
		{fn: "sha512", args: []string{"abc"}, want: str("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")},
		{fn: "sha1", args: []string{"abc"}, want: str("a9993e364706816aba3e25717850c26c9cd0d89d")},
		{fn: "md5", args: []string{""}, want: str("d41d8cd98f00b204e9800998ecf8427e")},
		{fn: "md5", args: []string{"é"}, want: str("66ddcd97cfdeabb2f6fb8a999b4bc76f")},
	})
}

func TestEncoding(t *testing.T) {
	runFuncCases(t, []funcCase{
		{fn: "base64encode", args: []string{"hello world"}, want: str("aGVsbG8gd29ybGQ=")},
		{fn: "base64encode", args: []string{""}, want: str("")},
		{fn: "base64encode", args: []string{"é"}, want: str("w6k=")},
		{fn: "base64decode", args: []string{"aGVsbG8gd29ybGQ="}, want: str("hello world")},
		{fn: "base64decode", args: []string{"w6k="}, want: str("é")},
		{fn: "base64decode", args: []string{"not base64!"}, wantErr: "invalid base64"},
		{fn: "base64decode", args: []string{"/w=="}, wantErr: "not valid UTF-8"},
		{fn: "urlencode", args: []string{"a b&c=d/é"}, want: str("a+b%26c%3Dd%2F%C3%A9")},
		{fn: "urlencode", args: []string{"safe-_.~"}, want: str("safe-_.~")},
	})
}

func TestIndex(t *testing.T) {
	list := strs("a", "b", "c", "b")
	tests := []struct {
		list, value cty.Value
		want        cty.Value
		wantErr     string
	}{
		{list, str("a"), cty.NumberIntVal(0), ""},
		{list, str("b"), cty.NumberIntVal(1), ""},
		{cty.TupleVal([]cty.Value{str("x"), cty.NumberIntVal(7)}), cty.NumberIntVal(7), cty.NumberIntVal(1), ""},
		{list, str("z"), cty.NilVal, "value not found"},
		{list, cty.NumberIntVal(1), cty.NilVal, "value not found"},
		{cty.ListVal([]cty.Value{str("a"), cty.UnknownVal(cty.String)}), str("z"), cty.UnknownVal(cty.Number).RefineNotNull(), ""},
		{cty.MapVal(map[string]cty.Value{"a": str("a")}), str("a"), cty.NilVal, "must be a list or tuple"},
	}
	for _, tt := range tests {
		got, err := call(t, "index", tt.list, tt.value)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("index(%#v, %#v) = %#v, %v; want error %q", tt.list, tt.value, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("index(%#v, %#v): %v", tt.list, tt.value, err)
			continue
		}
		if !got.RawEquals(tt.want) {
			t.Errorf("index(%#v, %#v) = %#v, want %#v", tt.list, tt.value, got, tt.want)
		}
	}
}
