package buildxstore

import (
	"strings"
	"testing"

	"github.com/containerd/platforms"
	"github.com/google/go-cmp/cmp"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// testdata/buildx/instances/remote1 is what buildx v0.38.2 wrote for
//
//	buildx create --name Remote1 --driver remote --platform linux/arm64 \
//	  --driver-opt cacert=/tmp/ca.pem,cert=/tmp/c.pem,key=/tmp/k.pem tcp://127.0.0.1:1234
//	buildx create --name remote1 --append --node second --driver remote unix:///run/x.sock
//
// (cli_e2e's TestNodesFromBuilderAndEnvironment builds on a store buildx
// writes as the test runs).
func TestLoadRemote(t *testing.T) {
	b, err := Load("testdata/buildx", "Remote1")
	if err != nil {
		t.Fatal(err)
	}
	want := &Builder{Name: "Remote1", Driver: "remote", Nodes: []Node{
		{Name: "remote10", Endpoint: "tcp://127.0.0.1:1234", Platforms: []ocispecs.Platform{platforms.MustParse("linux/arm64")},
			DriverOpts: map[string]string{"cacert": "/tmp/ca.pem", "cert": "/tmp/c.pem", "key": "/tmp/k.pem"}},
		{Name: "second", Endpoint: "unix:///run/x.sock"},
	}}
	if d := cmp.Diff(want, b); d != "" {
		t.Errorf("Load (-want +got):\n%s", d)
	}
	var got []Address
	for _, n := range b.Nodes {
		a, err := b.Endpoint(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	wantAddrs := []Address{
		// buildx names the server by the endpoint's host without servername.
		{Addr: "tcp://127.0.0.1:1234", TLSCACert: "/tmp/ca.pem", TLSCert: "/tmp/c.pem", TLSKey: "/tmp/k.pem", TLSServerName: "127.0.0.1"},
		{Addr: "unix:///run/x.sock"},
	}
	if d := cmp.Diff(wantAddrs, got); d != "" {
		t.Errorf("Endpoint (-want +got):\n%s", d)
	}
}

func TestLoadMistakes(t *testing.T) {
	for name, want := range map[string]string{
		"nosuch": "--builder nosuch: buildx has no builder of that name",
		"9lives": "--builder \"9lives\": not a buildx builder name",
		"../x":   "not a buildx builder name",
	} {
		if _, err := Load("testdata/buildx", name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%q) = %v, want %q", name, err, want)
		}
	}
}

// Drivers other than remote reach their daemons as buildx does; these
// cannot run here (no docker engine, no cluster), so only the addresses
// are checked.
func TestEndpointDrivers(t *testing.T) {
	dc := &Builder{Name: "dc", Driver: "docker-container"}
	for endpoint, want := range map[string]string{
		"default":                     "docker-container://buildx_buildkit_dc0?context=default",
		"unix:///var/run/docker.sock": "docker-container://buildx_buildkit_dc0",
	} {
		a, err := dc.Endpoint(Node{Name: "dc0", Endpoint: endpoint}, nil)
		if err != nil || a.Addr != want {
			t.Errorf("docker-container on %s: %q, %v; want %q", endpoint, a.Addr, err, want)
		}
	}
	k := &Builder{Name: "k", Driver: "kubernetes"}
	var asked []string
	lookup := func(ns, deployment string) (string, error) {
		asked = append(asked, ns+"/"+deployment)
		return deployment + "-5d9f7c-abcde", nil
	}
	a, err := k.Endpoint(Node{Name: "k0", DriverOpts: map[string]string{"namespace": "builds"}}, lookup)
	if err != nil || a.Addr != "kube-pod://k0-5d9f7c-abcde?container=buildkitd&namespace=builds" || !cmp.Equal(asked, []string{"builds/k0"}) {
		t.Errorf("kubernetes: %q, %v (asked %v)", a.Addr, err, asked)
	}
	if _, err := (&Builder{Name: "d", Driver: "docker"}).Endpoint(Node{Name: "d"}, nil); err == nil || !strings.Contains(err.Error(), "docker driver") {
		t.Errorf("docker driver: %v", err)
	}
	r := &Builder{Name: "r", Driver: "remote"}
	if _, err := r.Endpoint(Node{Name: "r0", Endpoint: "tcp://h:1", DriverOpts: map[string]string{"colour": "red"}}, nil); err == nil || !strings.Contains(err.Error(), `driver option "colour"`) {
		t.Errorf("unknown remote option: %v", err)
	}
}
