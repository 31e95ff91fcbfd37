package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/records"
	"google.golang.org/protobuf/proto"
)

// Input is what a build hands over for one target and platform.
type Input struct {
	Target   string
	Platform string
	Def      *pb.Definition
	// Build gives the variables and the build files' syntax.
	Build *lang.Build
	// Locals maps local names ("context", named contexts) to host dirs.
	Locals map[string]string
	// Vertices are BuildKit's vertex statuses by digest; nil for a
	// prediction (why --plan).
	Vertices map[digest.Digest]Vertex
	// Images are the resolver's answers during the compile.
	Images []Image
	// Dir is the project directory (the first build file's): records name
	// build files relative to it, as the language server finds them.
	Dir string
	// Key hashes sensitive values (records.Store.Key).
	Key     []byte
	Ref     string
	NoCache bool
	Error   string
	Time    time.Time
}

// Vertex is what BuildKit reported of one vertex.
type Vertex struct {
	Cached    bool
	Completed bool
	Failed    bool
}

// Image is one answer of the image resolver.
type Image struct {
	Name, Platform, Ref string
	Digest              digest.Digest
	Config              []byte
}

// op is one op of the definition, with what records need of it.
type op struct {
	dgst   digest.Digest
	pb     *pb.Op
	name   string
	self   string
	key    string
	step   int // index in the record's steps, -1 when not a step
	local  string
	inputs []int // indexes of input ops
}

// stepName matches the compiler's vertex names, "[app linux/amd64 3/5] RUN ...".
var stepName = regexp.MustCompile(`^(\[\S+ \S+ \d+)/\d+\] `)

// Record makes the record of one solved (or, without vertices, predicted)
// definition.
func Record(ctx context.Context, in Input) (*records.Record, error) {
	rec := &records.Record{ID: records.NewID(in.Time), Time: in.Time, Target: in.Target, Platform: in.Platform,
		Ref: in.Ref, NoCache: in.NoCache, Error: in.Error, Steps: []*records.Step{}}
	ops, err := readOps(in.Def)
	if err != nil {
		return nil, err
	}
	files := newFileTable(in.Locals)
	vars := newVarIndex(in.Build, in.Key)
	var loaded []string // each step's build file as the build names it
	for _, o := range ops {
		m := stepName.FindStringSubmatch(o.name)
		if m == nil {
			continue
		}
		s := &records.Step{Name: o.name, Position: m[1], Digest: o.dgst.String(), Self: o.self}
		s.File, s.Line = location(in.Def, o.dgst)
		file := s.File // as the build loaded it, for its syntax
		s.File = relativeTo(in.Dir, s.File)
		if md := in.Def.Metadata[o.dgst.String()]; md != nil {
			s.NoCache = md.IgnoreCache
		}
		if in.Vertices != nil {
			if v, ok := in.Vertices[o.dgst]; ok {
				switch {
				case v.Failed:
					s.Status = records.StatusFailed
				case v.Cached:
					s.Status = records.StatusCached
				case v.Completed:
					s.Status = records.StatusRan
				}
			}
		}
		o.step = len(rec.Steps)
		rec.Steps = append(rec.Steps, s)
		loaded = append(loaded, file)
	}
	// Keys in definition order: BuildKit marshals inputs before their users.
	for _, o := range ops {
		var s *records.Step
		if o.step >= 0 {
			s = rec.Steps[o.step]
		}
		reads, err := readsOf(ctx, ops, o, files)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		h.Write([]byte(o.self))
		for _, i := range o.inputs {
			in := ops[i]
			if in.local != "" {
				fmt.Fprintf(h, "\x00local:%s", in.local)
			} else {
				fmt.Fprintf(h, "\x00%s", in.key)
			}
		}
		for _, r := range reads {
			fmt.Fprintf(h, "\x00read:%s:%s:%v:%s", r.Local, r.Src, r.Mount, r.Sum)
		}
		o.key = "sha256:" + hex.EncodeToString(h.Sum(nil))
		if s == nil {
			continue
		}
		s.Key = o.key
		s.Reads = reads
		s.Inputs = stepInputs(ops, o)
		s.CacheMounts = cacheMounts(o.pb)
		if src := o.pb.GetSource(); src != nil {
			s.Base = base(src.Identifier)
		}
		s.Vars = vars.forStep(in.Target, loaded[o.step], s)
	}
	rec.Files = files.list
	if len(rec.Files) > records.MaxFiles {
		rec.Files = nil
		for _, s := range rec.Steps {
			for i := range s.Reads {
				s.Reads[i].Files = nil
			}
		}
	}
	rec.Vars = vars.used
	rec.Bases = bases(in.Images)
	return rec, nil
}

// readOps decodes the definition's ops and their own digests (the op
// without inputs or session: the same op in the next build has the same
// one).
func readOps(def *pb.Definition) ([]*op, error) {
	byDigest := map[digest.Digest]int{}
	var ops []*op
	for _, dt := range def.Def {
		var p pb.Op
		if err := p.UnmarshalVT(dt); err != nil {
			return nil, fmt.Errorf("reading the definition: %w", err)
		}
		if p.Op == nil { // the final, output-only op
			continue
		}
		o := &op{dgst: digest.FromBytes(dt), pb: &p, step: -1}
		if md := def.Metadata[o.dgst.String()]; md != nil {
			o.name = md.Description["llb.customname"]
		}
		self := proto.Clone(&p).(*pb.Op)
		self.Inputs = nil
		if src := self.GetSource(); src != nil {
			if name, ok := strings.CutPrefix(src.Identifier, "local://"); ok {
				o.local = name
				delete(src.Attrs, pb.AttrLocalSessionID)
				delete(src.Attrs, pb.AttrLocalUniqueID)
			}
		}
		dt, err := proto.MarshalOptions{Deterministic: true}.Marshal(self)
		if err != nil {
			return nil, err
		}
		o.self = digest.FromBytes(dt).String()
		for _, in := range p.Inputs {
			i, ok := byDigest[digest.Digest(in.Digest)]
			if !ok {
				return nil, fmt.Errorf("reading the definition: op %s reads %s, which comes after it", o.dgst, in.Digest)
			}
			o.inputs = append(o.inputs, i)
		}
		byDigest[o.dgst] = len(ops)
		ops = append(ops, o)
	}
	return ops, nil
}

// stepInputs are the steps an op reads, through unnamed ops.
func stepInputs(ops []*op, o *op) []int {
	var out []int
	seen := map[int]bool{}
	var walk func(o *op)
	walk = func(o *op) {
		for _, i := range o.inputs {
			if seen[i] {
				continue
			}
			seen[i] = true
			if ops[i].step >= 0 {
				out = append(out, ops[i].step)
			} else {
				walk(ops[i])
			}
		}
	}
	walk(o)
	slices.Sort(out)
	return out
}

func location(def *pb.Definition, d digest.Digest) (string, int) {
	if def.Source == nil {
		return "", 0
	}
	locs := def.Source.Locations[d.String()]
	if locs == nil {
		return "", 0
	}
	for _, l := range locs.Locations {
		if int(l.SourceIndex) < len(def.Source.Infos) && len(l.Ranges) > 0 {
			return def.Source.Infos[l.SourceIndex].Filename, int(l.Ranges[0].Start.Line)
		}
	}
	return "", 0
}

func cacheMounts(p *pb.Op) []string {
	var out []string
	if ex := p.GetExec(); ex != nil {
		for _, m := range ex.Mounts {
			if m.MountType == pb.MountType_CACHE {
				out = append(out, m.Dest)
			}
		}
	}
	return out
}

// base reads a FROM step's image reference and digest.
func base(id string) *records.Base {
	ref, ok := strings.CutPrefix(id, "docker-image://")
	if !ok {
		return nil
	}
	b := &records.Base{Ref: ref}
	if named, err := reference.ParseNormalizedNamed(ref); err == nil {
		if c, ok := named.(reference.Canonical); ok {
			b.Digest = c.Digest().String()
			named = reference.TrimNamed(named)
			if t, ok := c.(reference.Tagged); ok {
				if tn, err := reference.WithTag(named, t.Tag()); err == nil {
					named = tn
				}
			}
		}
		b.Ref = reference.FamiliarString(named)
	}
	return b
}

func bases(imgs []Image) map[string]*records.Base {
	if len(imgs) == 0 {
		return nil
	}
	out := map[string]*records.Base{}
	for _, im := range imgs {
		out[im.Name+" "+im.Platform] = &records.Base{Ref: im.Ref, Digest: im.Digest.String(), Config: im.Config}
	}
	return out
}

// relativeTo names a build file relative to dir (unchanged when dir is ""
// or the file lies outside it).
func relativeTo(dir, name string) string {
	if dir == "" || name == "" {
		return name
	}
	ad, err1 := filepath.Abs(dir)
	an, err2 := filepath.Abs(name)
	if err1 != nil || err2 != nil {
		return name
	}
	rel, err := filepath.Rel(ad, an)
	if err != nil || strings.HasPrefix(rel, "..") {
		return name
	}
	return filepath.ToSlash(rel)
}

// cleanSrc is a path within a local as file ops and mounts give it.
func cleanSrc(p string) string { return strings.TrimPrefix(path.Clean("/"+p), "/") }
