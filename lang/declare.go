package lang

import (
	"github.com/hashicorp/hcl/v2"
	"sort"
)

// declTable holds the blocks of one kind by name, in source order.
type declTable struct {
	kind   string
	order  []string
	blocks map[string]*hcl.Block
}

func newDeclTable(kind string) *declTable {
	return &declTable{kind: kind, blocks: map[string]*hcl.Block{}}
}

func (t *declTable) add(b *hcl.Block) *hcl.Diagnostic {
	name := b.Labels[0]
	if prev, ok := t.blocks[name]; ok {
		return DuplicateDecl(t.kind, name, prev.LabelRanges[0], b.LabelRanges[0])
	}
	if !hclsyntaxValidIdentifier(name) {
		return InvalidValue("name", "\""+name+"\" is not a valid name: names start with a letter or underscore and contain letters, digits, underscores and dashes.", b.LabelRanges[0])
	}
	t.blocks[name] = b
	t.order = append(t.order, name)
	return nil
}

func (t *declTable) has(name string) bool { _, ok := t.blocks[name]; return ok }

// declarations are every top-level declaration of a build, from all files.
type declarations struct {
	variables, functions, environments, secrets, ssh, caches, mounts, targets, groups, policies *declTable
	locals                                                                                      map[string]*hcl.Attribute
	localOrder                                                                                  []string
	calls                                                                                       map[string]bool // the names of the functions the files call
}

func collect(bodies []*hcl.BodyContent) (*declarations, hcl.Diagnostics) {
	d := &declarations{
		variables:    newDeclTable("variable"),
		functions:    newDeclTable("function"),
		environments: newDeclTable("environment"),
		secrets:      newDeclTable("secret"),
		ssh:          newDeclTable("ssh"),
		caches:       newDeclTable("cache"),
		mounts:       newDeclTable("mounts"),
		targets:      newDeclTable("target"),
		groups:       newDeclTable("group"),
		policies:     newDeclTable("policy"),
		locals:       map[string]*hcl.Attribute{},
	}
	tables := map[string]*declTable{
		"variable": d.variables, "function": d.functions, "environment": d.environments,
		"secret": d.secrets, "ssh": d.ssh, "cache": d.caches, "mounts": d.mounts, "target": d.targets, "group": d.groups,
		"policy": d.policies,
	}
	var diags hcl.Diagnostics
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if b.Type == "locals" {
				diags = append(diags, d.addLocals(b)...)
				continue
			}
			if diag := tables[b.Type].add(b); diag != nil {
				diags = append(diags, diag)
			}
		}
	}
	return d, diags
}

func (d *declarations) addLocals(b *hcl.Block) hcl.Diagnostics {
	attrs, diags := b.Body.JustAttributes()
	for _, name := range sortedAttrNames(attrs) {
		a := attrs[name]
		if prev, ok := d.locals[name]; ok {
			diags = append(diags, DuplicateDecl("local value", name, prev.NameRange, a.NameRange))
			continue
		}
		d.locals[name] = a
		d.localOrder = append(d.localOrder, name)
	}
	return diags
}

// sortedAttrNames orders attributes by source position so later steps see
// them as the user wrote them, independent of map order.
func sortedAttrNames(attrs hcl.Attributes) []string {
	names := sortedKeys(attrs)
	sortByPos(names, func(n string) hcl.Pos { return attrs[n].NameRange.Start })
	return names
}

func sortByPos(names []string, pos func(string) hcl.Pos) {
	// (Not an insertion sort: a hostile file has 100,000 attributes.)
	sort.SliceStable(names, func(i, j int) bool { return pos(names[i]).Byte < pos(names[j]).Byte })
}

func hclsyntaxValidIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && (r == '-' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}
