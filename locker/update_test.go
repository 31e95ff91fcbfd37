package locker

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/hcl/v2"
	digest "github.com/opencontainers/go-digest"
	"github.com/org/buildlang/lock"
)

// fakeRegistry answers every reference with a digest made of it and a
// generation, so a refresh after the generation moves gives a new digest.
type fakeRegistry struct {
	gen   int
	asked []string
}

func (f *fakeRegistry) Resolve(_ context.Context, ref string, _ []string) (digest.Digest, error) {
	f.asked = append(f.asked, ref)
	return digest.FromString(fmt.Sprintf("%s %d", ref, f.gen)), nil
}

func uses(keys ...string) Uses {
	u := Uses{}
	for _, k := range keys {
		u.add(k, "linux/amd64", hcl.Range{Filename: "build.hcl"})
	}
	return u
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	r := &fakeRegistry{}
	u := uses("docker.io/library/alpine:3.20", "docker.io/library/busybox:1.36")
	first, _, err := Update(ctx, nil, u, r, None)
	if err != nil {
		t.Fatal(err)
	}
	r.gen, r.asked = 1, nil
	// Nothing selected and nothing new: nothing is asked, nothing changes.
	same, _, err := Update(ctx, first, u, r, None)
	if err != nil || string(same.Format()) != string(first.Format()) || len(r.asked) != 0 {
		t.Fatalf("lock without --update asked %v and changed %v", r.asked, err)
	}
	sel, err := Named([]string{"alpine"}, u)
	if err != nil {
		t.Fatal(err)
	}
	next, changes, err := Update(ctx, first, u, r, sel)
	if err != nil {
		t.Fatal(err)
	}
	a0, a1 := first.Lookup("alpine:3.20").Digest, next.Lookup("alpine:3.20").Digest
	b0, b1 := first.Lookup("busybox:1.36").Digest, next.Lookup("busybox:1.36").Digest
	if a0 == a1 || b0 != b1 {
		t.Fatalf("--update alpine: alpine %s→%s, busybox %s→%s; want only alpine moved", a0, a1, b0, b1)
	}
	if len(changes) != 2 || changes[0].Old != a0 || changes[0].New != a1 {
		t.Errorf("changes = %+v", changes)
	}
	// An entry nothing uses is dropped; a new platform is checked at the digest.
	u2 := uses("docker.io/library/alpine:3.20")
	u2.add("docker.io/library/alpine:3.20", "linux/arm64", hcl.Range{})
	r.asked = nil
	pruned, changes, err := Update(ctx, next, u2, r, None)
	if err != nil {
		t.Fatal(err)
	}
	if got := pruned.Lookup("alpine:3.20"); got.Digest != a1 || len(got.Platforms) != 2 {
		t.Errorf("alpine for a new platform: %+v, want %s for both platforms", got, a1)
	}
	if pruned.Lookup("busybox:1.36") != nil || len(changes) != 2 || changes[1].New != "" {
		t.Errorf("busybox is not dropped: %+v", changes)
	}
	if len(r.asked) != 1 || r.asked[0] != "docker.io/library/alpine@"+a1.String() {
		t.Errorf("a new platform should be checked at the locked digest, asked %v", r.asked)
	}
	if _, err := Named([]string{"localhost:5000/nope"}, u); err == nil {
		t.Error("Named accepted an image the build does not read")
	}
	var _ *lock.File = pruned
}
