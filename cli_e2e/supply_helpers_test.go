package cli_e2e

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/org/buildlang/internal/e2eenv"
)

// pushBusybox copies the e2e registry's busybox:1.35 index to dst, with an
// annotation that makes each value of mark a different digest. It returns
// the digest pushed.
func pushBusybox(t *testing.T, env *e2eenv.Env, dst, mark string) string {
	t.Helper()
	src, err := name.ParseReference(env.Registry + "/library/busybox:1.35")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Index(src, remote.WithContext(t.Context()))
	if err != nil {
		t.Fatal(err)
	}
	idx = mutate.Annotations(idx, map[string]string{"org.buildlang.test.mark": mark}).(v1.ImageIndex)
	ref, err := name.ParseReference(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref, idx, remote.WithContext(t.Context())); err != nil {
		t.Fatal(err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}
