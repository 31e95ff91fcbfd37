package lock

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	digest "github.com/opencontainers/go-digest"
)

const (
	d1 = digest.Digest("sha256:1111111111111111111111111111111111111111111111111111111111111111")
	d2 = digest.Digest("sha256:2222222222222222222222222222222222222222222222222222222222222222")
)

func TestFormatIsSortedAndRoundTrips(t *testing.T) {
	var f File
	for _, e := range []struct {
		ref string
		d   digest.Digest
		ps  []string
	}{
		{"localhost:5000/base:1", d2, []string{"linux/arm64", "linux/amd64", "linux/arm64"}},
		{"alpine", d1, []string{"linux/amd64"}},
	} {
		if err := f.Set(e.ref, e.d, e.ps); err != nil {
			t.Fatal(err)
		}
	}
	got := string(f.Format())
	want := header + `
image "docker.io/library/alpine:latest" {
  digest    = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
  platforms = ["linux/amd64"]
}

image "localhost:5000/base:1" {
  digest    = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
  platforms = ["linux/amd64", "linux/arm64"]
}
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Format (-want +got):\n%s", diff)
	}
	back, diags := Parse([]byte(got), Filename)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if again := string(back.Format()); again != got {
		t.Fatalf("Parse then Format changed the file:\n%s", again)
	}
	if img := back.Lookup("docker.io/library/alpine"); img == nil || img.Digest != d1 || img.Range.Start.Line != 5 {
		t.Fatalf("Lookup(alpine) = %+v, want the entry at line 5", img)
	}
	if img := back.Lookup("alpine:latest"); img == nil || img.Pinned() != "docker.io/library/alpine:latest@"+d1.String() {
		t.Fatalf("Lookup(alpine:latest) = %+v", img)
	}
	if back.Lookup("alpine:3.20") != nil || back.Lookup("alpine@"+d1.String()) != nil || back.Lookup("NOT VALID") != nil {
		t.Fatal("Lookup found an entry that is not there")
	}
	if err := f.Set("alpine@"+d1.String(), d1, nil); err == nil {
		t.Fatal("Set accepted a reference that already has a digest")
	}
}

func TestParseReportsEachBadEntryAtItsLine(t *testing.T) {
	src := `image "alpine:3.20" {
  digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
}
image "docker.io/library/alpine:3.21" {
  digest = "sha256:nothex"
}
image "docker.io/library/alpine:3.22" {
  digest    = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
  platforms = "linux/amd64"
}
image "docker.io/library/busybox:1" {
  digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
}
image "docker.io/library/busybox:1" {
  digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
}
`
	f, diags := Parse([]byte(src), "build.lock")
	var got []string
	for _, d := range diags {
		got = append(got, d.Subject.Filename+":"+itoa(d.Subject.Start.Line)+": "+d.Summary)
	}
	want := []string{
		"build.lock:1: Invalid lock entry",
		"build.lock:5: Invalid digest",
		"build.lock:9: Invalid platforms",
		"build.lock:14: Duplicate lock entry",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("diagnostics (-want +got):\n%s", diff)
	}
	if len(f.Images) != 1 || f.Images[0].Ref != "docker.io/library/busybox:1" || f.Images[0].Digest != d2 {
		t.Fatalf("valid entries = %+v, want the first busybox:1", f.Images)
	}
	if !strings.Contains(diags[0].Detail, `"docker.io/library/alpine:3.20"`) {
		t.Fatalf("the detail should name the normalized form: %s", diags[0].Detail)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
