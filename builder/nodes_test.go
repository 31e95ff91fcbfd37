package builder

import (
	"testing"

	"github.com/containerd/platforms"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

func TestParseNode(t *testing.T) {
	n, err := ParseNode("arm=tcp://127.0.0.1:1234,platforms=linux/arm64,linux/arm/v7,tlscacert=ca.pem,tlscert=c.pem,tlskey=k.pem,servername=bk")
	if err != nil {
		t.Fatal(err)
	}
	want := Node{Name: "arm", Connect: ConnectOptions{Addr: "tcp://127.0.0.1:1234", TLSCACert: "ca.pem", TLSCert: "c.pem", TLSKey: "k.pem", TLSServerName: "bk"},
		Platforms: []ocispecs.Platform{platforms.MustParse("linux/arm64"), platforms.Normalize(platforms.MustParse("linux/arm/v7"))}}
	if d := cmp.Diff(want, n); d != "" {
		t.Errorf("ParseNode (-want +got):\n%s", d)
	}
	for _, bad := range []string{"arm", "=unix:///x", "arm=unix:///x,color=red", "arm=unix:///x,platforms=linux/nosuch/x/y", "arm=http://10.0.0.5:1234", "arm=10.0.0.5:1234"} {
		if _, err := ParseNode(bad); err == nil {
			t.Errorf("ParseNode(%q) succeeded", bad)
		}
	}
}

// An environment's nodes: TLS files relative to the file that declares
// the environment.
func TestEnvNodes(t *testing.T) {
	env := &lang.Environment{DeclRange: hcl.Range{Filename: "ci/build.hcl"}, Nodes: []*lang.Node{
		{Name: "arm", Address: "tcp://10.0.0.5:1234", Platforms: []ocispecs.Platform{platforms.MustParse("linux/arm64")},
			TLS: lang.NodeTLS{CACert: "certs/ca.pem", Cert: "/etc/c.pem", Key: "k.pem", ServerName: "arm.internal"}},
		{Name: "local", Address: "unix:///run/buildkit/buildkitd.sock"},
	}}
	want := []Node{
		{Name: "arm", Platforms: []ocispecs.Platform{platforms.MustParse("linux/arm64")}, Connect: ConnectOptions{Addr: "tcp://10.0.0.5:1234",
			TLSCACert: "ci/certs/ca.pem", TLSCert: "/etc/c.pem", TLSKey: "ci/k.pem", TLSServerName: "arm.internal"}},
		{Name: "local", Connect: ConnectOptions{Addr: "unix:///run/buildkit/buildkitd.sock"}},
	}
	if d := cmp.Diff(want, EnvNodes(env)); d != "" {
		t.Errorf("EnvNodes (-want +got):\n%s", d)
	}
}

// Each target goes to the node that runs its platforms natively; a node
// listing a platform only through emulation is the fallback; ties go to
// the less loaded node; a platform no node runs is an error naming it.
func TestSchedule(t *testing.T) {
	ps := func(s ...string) []ocispecs.Platform {
		var out []ocispecs.Platform
		for _, x := range s {
			out = append(out, platforms.Normalize(platforms.MustParse(x)))
		}
		return out
	}
	amd := &LiveNode{Node: Node{Name: "amd"}, Workers: ps("linux/amd64", "linux/arm64", "linux/386")}
	amd2 := &LiveNode{Node: Node{Name: "amd2"}, Workers: ps("linux/amd64")}
	arm := &LiveNode{Node: Node{Name: "arm"}, Workers: ps("linux/arm64")}
	nodes := []*LiveNode{amd, amd2, arm}
	plats := map[string][]ocispecs.Platform{
		"a": ps("linux/arm64"), "b": ps("linux/amd64"), "c": ps("linux/amd64"), "d": ps("linux/386"), "e": ps("linux/amd64", "linux/arm64"),
	}
	got, err := Schedule(nodes, []string{"a", "b", "c", "d", "e"}, plats)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for k, v := range got {
		names[k] = v.Name
	}
	want := map[string]string{"a": "arm", "b": "amd", "c": "amd2", "d": "amd", "e": "amd"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("Schedule (-want +got):\n%s", d)
	}
	// Declared platforms come first: amd declared for arm64 wins over arm.
	amd.Platforms = ps("linux/arm64")
	if got, _ := Schedule(nodes, []string{"a"}, plats); got["a"] != amd {
		t.Errorf("a went to %s, want amd (declared)", got["a"].Name)
	}
	if _, err := Schedule([]*LiveNode{amd2}, []string{"a"}, plats); err == nil || err.Error() != `target "a": no node runs linux/arm64 (nodes: amd2 linux/amd64)` {
		t.Errorf("no node for arm64: %v", err)
	}
}

// An image pushed by digest is named by its repositories: BuildKit
// refuses a tag with push-by-digest.
func TestRepositories(t *testing.T) {
	if got := repositories("localhost:5000/a/b:1,localhost:5000/a/b:latest,busybox:1"); got != "localhost:5000/a/b,docker.io/library/busybox" {
		t.Errorf("repositories = %q", got)
	}
}
