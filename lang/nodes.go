package lang

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/stdlib"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// This file is an environment's nodes: the BuildKit daemons
// `buildlang build` spreads the environment's builds over when the command
// line names none (--node, --builder). The rules of a node's address are
// the same for --node (builder.ParseNode), so both say the same thing.

// NodeSchemes are the address schemes a node may use: those BuildKit's
// client and its connection helpers dial.
var NodeSchemes = []string{"unix", "tcp", "docker-container", "kube-pod", "podman-container", "nerdctl-container", "ssh"}

// NodeKeys are the keys of a node object; NodeTLSKeys those of its tls.
var (
	NodeKeys    = []string{"name", "address", "platforms", "tls"}
	NodeTLSKeys = []string{"ca_cert", "cert", "key", "server_name"}
)

// CheckNodeAddress says what is wrong with a node's address, or nil.
func CheckNodeAddress(addr string) error {
	scheme, rest, ok := strings.Cut(addr, "://")
	if !ok || rest == "" {
		return fmt.Errorf("%q is not an address like unix:///run/buildkit/buildkitd.sock or tcp://10.0.0.5:1234", addr)
	}
	if !slices.Contains(NodeSchemes, scheme) {
		return fmt.Errorf("%q has the scheme %s://, which BuildKit does not dial; use %s", addr, scheme, schemeList())
	}
	return nil
}

func schemeList() string {
	var s []string
	for _, x := range NodeSchemes {
		s = append(s, x+"://")
	}
	return orList(s)
}

// nodes decodes an environment's nodes: a list of objects like
// { name = "arm", address = "tcp://10.0.0.5:1234", platforms = ["linux/arm64"],
// tls = { ca_cert = "ca.pem", cert = "cert.pem", key = "key.pem" } }.
func (d *decoder) nodes(a *hcl.Attribute, env string, maxPlatforms int) []*Node {
	if a == nil {
		return nil
	}
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return nil
	}
	if !v.Type().IsTupleType() && !v.Type().IsListType() {
		d.add(WrongType(`The "nodes" attribute`, `a list of objects like [{ name = "arm", address = "tcp://10.0.0.5:1234", platforms = ["linux/arm64"] }]`, typeName(v), a.Expr.Range()))
		return nil
	}
	var out []*Node
	seen := map[string]*Node{}
	n := v.LengthInt()
	for i, it := 0, v.ElementIterator(); it.Next(); i++ {
		_, ev := it.Element()
		node := d.node(ev, objectRanges(elemExpr(a, i, n), elemRange(a, i, n)), maxPlatforms)
		if node == nil {
			continue
		}
		if first := seen[node.Name]; first != nil {
			d.add(DuplicateNode(env, node.Name, first.DeclRange, node.DeclRange))
			continue
		}
		seen[node.Name] = node
		out = append(out, node)
	}
	return out
}

// node decodes one element of nodes; nil when it has errors.
func (d *decoder) node(v cty.Value, r objRanges, maxPlatforms int) *Node {
	rng := r.whole
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		d.add(WrongType("Each node", `an object like { name = "arm", address = "tcp://10.0.0.5:1234" }`, typeName(v), rng))
		return nil
	}
	before := len(d.diags)
	node := &Node{DeclRange: rng}
	var unknown []string
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		key := k.AsString()
		rng := r.value(key)
		switch key {
		case "name", "address":
			s, ok := nodeString(ev)
			if !ok {
				d.add(WrongType("A node's "+key, "a string", typeName(ev), rng))
				continue
			}
			if key == "name" {
				node.Name = s
			} else {
				node.Address = s
			}
		case "platforms":
			list, err := convert.Convert(ev, cty.List(cty.String))
			if err != nil || !list.IsWhollyKnown() || list.IsNull() {
				d.add(WrongType("A node's platforms", `a list of platforms like ["linux/arm64"]`, typeName(ev), rng))
				continue
			}
			if list.LengthInt() > maxPlatforms {
				d.add(LimitExceeded("platforms", maxPlatforms, fmt.Sprintf("This node lists %d platforms.", list.LengthInt()), rng))
				continue
			}
			for _, pv := range list.AsValueSlice() {
				p, err := stdlib.ParsePlatform(pv.AsString())
				if err != nil {
					d.add(InvalidPlatform(pv.AsString(), err, rng))
					continue
				}
				node.Platforms = append(node.Platforms, p)
			}
		case "tls":
			d.nodeTLS(ev, objectRanges(r.expr(key), rng), &node.TLS)
		default:
			unknown = append(unknown, key)
			d.add(NotAllowed("node key", key, NodeKeys, r.key(key)))
		}
	}
	for _, k := range []struct{ key, val string }{{"name", node.Name}, {"address", node.Address}} {
		// A misspelt key has been reported as such.
		if k.val == "" && !slices.ContainsFunc(unknown, func(u string) bool { return suggest(u, NodeKeys) == k.key }) {
			d.add(MissingNodeKey(k.key, rng))
		}
	}
	if node.Address != "" {
		if err := CheckNodeAddress(node.Address); err != nil {
			d.add(InvalidValue("node address", "The node's address "+err.Error()+".", r.value("address")))
		} else if node.TLS != (NodeTLS{}) && !strings.HasPrefix(node.Address, "tcp://") {
			d.add(OptionConflict("node settings", "tls applies to tcp:// addresses only; this node's address is "+node.Address+". Remove tls, or reach the node over tcp://.", r.key("tls"), "tls", "address"))
		}
	}
	if len(d.diags) > before {
		return nil
	}
	return node
}

// nodeTLS decodes a node's tls object into t.
func (d *decoder) nodeTLS(v cty.Value, r objRanges, t *NodeTLS) {
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		d.add(WrongType("A node's tls", `an object like { ca_cert = "ca.pem", cert = "cert.pem", key = "key.pem" }`, typeName(v), r.whole))
		return
	}
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		key := k.AsString()
		s, ok := nodeString(ev)
		if !ok && slices.Contains(NodeTLSKeys, key) {
			d.add(WrongType("A node's tls "+key, "a string", typeName(ev), r.value(key)))
			continue
		}
		switch key {
		case "ca_cert":
			t.CACert = s
		case "cert":
			t.Cert = s
		case "key":
			t.Key = s
		case "server_name":
			t.ServerName = s
		default:
			d.add(NotAllowed("node tls key", key, NodeTLSKeys, r.key(key)))
		}
	}
	if (t.Cert == "") != (t.Key == "") {
		d.add(OptionConflict("node tls", "A client certificate needs its key: give both cert and key, or neither.", r.whole, "cert", "key"))
	}
}

// objRanges finds the places of an object literal's keys and values, for
// diagnostics at the key or value they are about; whole when the object
// is not written as a literal.
type objRanges struct {
	whole hcl.Range
	obj   *hclsyntax.ObjectConsExpr
}

func objectRanges(e hcl.Expression, whole hcl.Range) objRanges {
	obj, _ := e.(*hclsyntax.ObjectConsExpr)
	return objRanges{whole: whole, obj: obj}
}

func (r objRanges) item(key string) *hclsyntax.ObjectConsItem {
	if r.obj == nil {
		return nil
	}
	for i, it := range r.obj.Items {
		k := hcl.ExprAsKeyword(it.KeyExpr)
		if k == "" {
			if kv, diags := it.KeyExpr.Value(nil); !diags.HasErrors() && kv.Type() == cty.String {
				k = kv.AsString()
			}
		}
		if k == key {
			return &r.obj.Items[i]
		}
	}
	return nil
}

func (r objRanges) key(key string) hcl.Range {
	if it := r.item(key); it != nil {
		return it.KeyExpr.Range()
	}
	return r.whole
}

func (r objRanges) value(key string) hcl.Range {
	if it := r.item(key); it != nil {
		return it.ValueExpr.Range()
	}
	return r.whole
}

func (r objRanges) expr(key string) hcl.Expression {
	if it := r.item(key); it != nil {
		return it.ValueExpr
	}
	return nil
}

func nodeString(v cty.Value) (string, bool) {
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.IsNull() || !s.IsKnown() {
		return "", false
	}
	return s.AsString(), true
}
