package builder

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

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

// The amd64 parts of ten images alternate over the two nodes declared for
// linux/amd64 (ties go to the less loaded), and the arm64 parts all go to
// the arm64 node.
func TestAssignSpreadsParts(t *testing.T) {
	var src strings.Builder
	var names []string
	for i := range 10 {
		names = append(names, fmt.Sprint("t", i))
		fmt.Fprintf(&src, "target %q {\n  from = \"busybox:1.35\"\n}\n", names[i])
	}
	b, diags := lang.Load(fstest.MapFS{"build.hcl": {Data: []byte(src.String())}}, []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	amd64, arm64 := platforms.MustParse("linux/amd64"), platforms.MustParse("linux/arm64")
	a1 := &LiveNode{Node: Node{Name: "a1", Platforms: []ocispecs.Platform{amd64}}, Workers: []ocispecs.Platform{amd64}}
	a2 := &LiveNode{Node: Node{Name: "a2", Platforms: []ocispecs.Platform{amd64}}, Workers: []ocispecs.Platform{amd64, arm64}}
	arm := &LiveNode{Node: Node{Name: "arm", Platforms: []ocispecs.Platform{arm64}}, Workers: []ocispecs.Platform{arm64, amd64}}
	plats := map[string][]ocispecs.Platform{}
	for _, n := range names {
		plats[n] = []ocispecs.Platform{amd64, arm64}
	}
	a, err := Assign(b, []*LiveNode{a1, a2, arm}, names, plats, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range []*LiveNode{a1, a2, arm} {
		for _, ps := range a.Parts[n] {
			for _, p := range ps {
				count[platforms.Format(p)+" on "+n.Name]++
			}
		}
	}
	want := map[string]int{"linux/amd64 on a1": 5, "linux/amd64 on a2": 5, "linux/arm64 on arm": 10}
	if d := cmp.Diff(want, count); d != "" {
		t.Errorf("placements (-want +got):\n%s", d)
	}
}

// An image pushed by digest is named by its repositories: BuildKit
// refuses a tag with push-by-digest.
func TestRepositories(t *testing.T) {
	if got := repositories("localhost:5000/a/b:1,localhost:5000/a/b:latest,busybox:1"); got != "localhost:5000/a/b,docker.io/library/busybox" {
		t.Errorf("repositories = %q", got)
	}
}

// The targets of a lost node go to the nodes left that run their
// platforms; when none runs some of them, nothing is placed and the error
// names the lost node, the platform and every stranded target.
func TestReschedule(t *testing.T) {
	amd64, arm64 := platforms.MustParse("linux/amd64"), platforms.MustParse("linux/arm64")
	a1 := &LiveNode{Node: Node{Name: "a1"}, Workers: []ocispecs.Platform{amd64}}
	a2 := &LiveNode{Node: Node{Name: "a2"}, Workers: []ocispecs.Platform{amd64, arm64}}
	lost := func(name string, part bool, p ocispecs.Platform) *TargetResult {
		return &TargetResult{Node: "arm", NodeLost: true, Target: &TargetPlan{Name: name, Part: part, Platforms: []ocispecs.Platform{p}}}
	}
	b, diags := lang.Load(fstest.MapFS{"build.hcl": {Data: []byte(`
target "x" { from = "busybox:1.35" }
target "y" { from = "busybox:1.35" }
target "z" { from = "busybox:1.35" }
target "w" { from = "busybox:1.35" }
`)}}, []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	a, names, err := Reschedule(b, []*LiveNode{a1, a2}, []*TargetResult{lost("x", true, arm64), lost("y", false, arm64), lost("z", true, amd64)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"x", "y", "z"}) || len(a.Parts[a2]["x"]) != 1 || !slices.Equal(a.Whole[a2], []string{"y"}) || len(a.Parts[a1]["z"]) != 1 {
		t.Errorf("rescheduled: names %v, whole %v, parts %v; want x and y on a2, z on a1", names, a.Whole, a.Parts)
	}
	_, _, err = Reschedule(b, []*LiveNode{a1}, []*TargetResult{lost("x", true, arm64), lost("z", true, amd64), lost("w", true, arm64)}, nil)
	want := `node arm stopped answering, and no node left runs linux/arm64 for targets "x", "w" (nodes left: a1 linux/amd64)`
	if err == nil || err.Error() != want {
		t.Errorf("stranded:\n got %v\nwant %s", err, want)
	}
}

// Rescheduling places by Assign's rule: a lost target that feeds another
// goes where its dependent is built, whether the dependent was lost too
// or is on a node still answering, not where platform and load alone
// would put it.
func TestRescheduleFeedsWhereNeeded(t *testing.T) {
	b, diags := lang.Load(fstest.MapFS{"build.hcl": {Data: []byte(`
target "base" { from = "busybox:1.35" }
target "app" { from = target.base }
target "lib" { from = "busybox:1.35" }
target "svc" { from = target.lib }
`)}}, []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	amd64 := platforms.MustParse("linux/amd64")
	a1 := &LiveNode{Node: Node{Name: "a1", Platforms: []ocispecs.Platform{amd64}}, Workers: []ocispecs.Platform{amd64}}
	a2 := &LiveNode{Node: Node{Name: "a2"}, Workers: []ocispecs.Platform{amd64}}
	result := func(name, node string, lost bool) *TargetResult {
		return &TargetResult{Node: node, NodeLost: lost, Target: &TargetPlan{Name: name, Platforms: []ocispecs.Platform{amd64}}}
	}
	// a1 is declared for linux/amd64 and would take base and lib alone.
	lost := []*TargetResult{result("base", "gone", true), result("lib", "gone", true), result("svc", "gone", true)}
	kept := []*TargetResult{result("app", "a2", false)}
	a, names, err := Reschedule(b, []*LiveNode{a1, a2}, lost, kept)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"base", "lib", "svc"}) {
		t.Errorf("names %v", names)
	}
	if !slices.Equal(a.Whole[a2], []string{"base"}) || !slices.Equal(a.Whole[a1], []string{"svc", "lib"}) {
		t.Errorf("whole %v; want base on a2 with app, lib with svc on a1", a.Whole)
	}
}
