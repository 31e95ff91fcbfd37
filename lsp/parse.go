package lsp

import (
	"cmp"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
)

// Incremental parsing. Parsing a 5,000-line file takes tens of
// milliseconds, most of the time to diagnostics after an edit. A build file
// is a sequence of top-level blocks, so the parser cuts a document into
// chunks at the lines that close a top-level block (lang.SplitChunks),
// parses each chunk at its position in the document, and reuses the parse
// of every chunk whose text did not change: as it is for those before the
// edit, moved to their new position (shift.go) for those after it. Only
// the chunks the edit touched are parsed again. The chunks' bodies are
// joined into one, identical to what parsing the whole document gives (a
// test checks it). From a chunk with a diagnostic on, the document is
// parsed in one piece, and when two chunks set the same top-level
// attribute it is parsed whole, so errors are exactly the parser's.

// chunkCache holds the chunk parses of one document name.
type chunkCache struct {
	mu     sync.Mutex
	chunks map[string]*chunkParse // by text
	// parsed is how many chunks the last parse parsed rather than reused.
	parsed int
}

// chunkParse is the parse of a chunk's text at pos.
type chunkParse struct {
	pos   hcl.Pos
	text  []byte
	body  *hclsyntax.Body
	diags hcl.Diagnostics

	// The chunk's tokens, lexed when a feature asks for a whole
	// document's (tokens.go): at pos once lexed, and the latest lexing of
	// the same text elsewhere, which they are moved from.
	lexOnce sync.Once
	lexed   atomic.Pointer[lexed]
	from    atomic.Pointer[lexed]
}

// chunked is how parseIncremental parsed one version of a document: its
// chunks in order, then, from the byte offset rest on (-1 when none), the
// text parsed in one piece.
type chunked struct {
	chunks []*chunkParse
	rest   int
}

// reuse returns the parse moved to pos, or nil when it must be parsed
// again there: a chunk with diagnostics is (their ranges are not moved).
func (p *chunkParse) reuse(pos hcl.Pos) *chunkParse {
	if p.pos == pos {
		return p
	}
	if len(p.diags) > 0 || p.body == nil {
		return nil
	}
	body, ok := shiftBody(p.body, p.pos, pos)
	if !ok {
		return nil
	}
	moved := &chunkParse{pos: pos, text: p.text, body: body}
	moved.from.Store(cmp.Or(p.lexed.Load(), p.from.Load()))
	return moved
}

// parseIncremental parses src as lang.Parse does, reusing the chunks of
// cache and leaving in it only the chunks of src. It says how it cut src,
// or nil when it parsed it whole.
func parseIncremental(src []byte, name string, cache *chunkCache) (*hcl.File, hcl.Diagnostics, *chunked) {
	split := lang.SplitChunks(src)
	if len(split) < 4 || lang.CheckSize(src, name) != nil {
		f, diags := lang.Parse(src, name)
		return f, diags, nil
	}
	type chunk struct {
		lang.Chunk
		key string
		old *chunkParse // the parse of the same text elsewhere
		p   *chunkParse
	}
	chunks := make([]chunk, len(split))
	for i, c := range split {
		chunks[i] = chunk{Chunk: c, key: string(c.Text)}
	}
	cache.mu.Lock()
	for i := range chunks {
		if p := cache.chunks[chunks[i].key]; p != nil && p.pos == chunks[i].Pos {
			chunks[i].p = p
		} else {
			chunks[i].old = p
		}
	}
	cache.mu.Unlock()
	var parsed atomic.Int32
	parse := func(i int) {
		parsed.Add(1)
		c := &chunks[i]
		f, diags := parseChunk(c.Text, name, c.Pos)
		body, _ := f.Body.(*hclsyntax.Body)
		c.p = &chunkParse{pos: c.Pos, text: c.Text, body: body, diags: diags}
	}
	// Parse the chunks whose text is new: those the edit touched.
	var fresh []int
	for i, c := range chunks {
		if c.p == nil && c.old == nil {
			fresh = append(fresh, i)
		}
	}
	onTwoCores(fresh, parse)
	// Up to the first chunk that does not parse on its own, move the
	// others to their new position.
	broken := len(chunks)
	for i, c := range chunks {
		if p := cmp.Or(c.p, c.old); len(p.diags) > 0 || p.body == nil {
			broken = i
			break
		}
	}
	var moved []int
	for i := range broken {
		if chunks[i].p == nil {
			moved = append(moved, i)
		}
	}
	onTwoCores(moved, func(i int) {
		if chunks[i].p = chunks[i].old.reuse(chunks[i].Pos); chunks[i].p == nil {
			parse(i)
		}
	})
	// What a broken chunk leaves open may reach any chunk after it, so the
	// document is parsed from that chunk to its end: between chunks that
	// parse cleanly the parser is at the top level, so this gives what a
	// whole parse gives, errors included.
	var rest *hcl.File
	var diags hcl.Diagnostics
	if broken < len(chunks) {
		at := chunks[broken].Pos
		rest, diags = lang.ParseAt(src[at.Byte:], name, at)
		parsed.Add(int32(len(chunks) - broken))
	}
	next := make(map[string]*chunkParse, len(chunks))
	for _, c := range chunks {
		if p := cmp.Or(c.p, c.old); p != nil {
			next[c.key] = p
		}
	}
	cache.mu.Lock()
	cache.chunks, cache.parsed = next, int(parsed.Load())
	cache.mu.Unlock()
	cut := &chunked{rest: -1}
	for _, c := range chunks[:broken] {
		cut.chunks = append(cut.chunks, c.p)
	}
	if broken < len(chunks) {
		cut.rest = chunks[broken].Pos.Byte
	}
	if broken == 0 {
		return rest, diags, cut // parsed whole
	}
	bodies := make([]*hclsyntax.Body, 0, broken+1)
	for _, c := range chunks[:broken] {
		bodies = append(bodies, c.p.body)
	}
	if rest != nil {
		body, ok := rest.Body.(*hclsyntax.Body)
		if !ok {
			f, diags := lang.Parse(src, name)
			return f, diags, cut
		}
		bodies = append(bodies, body)
	}
	if f, ok := lang.JoinChunks(src, bodies, make([]hcl.Diagnostics, len(bodies))); ok {
		return f, diags, cut
	}
	f, diags := lang.Parse(src, name) // two chunks set one attribute: the parser says so
	return f, diags, cut
}

// parseChunk parses one chunk of a document; tests replace it.
var parseChunk = lang.ParseAt

// onTwoCores calls f for each index, on this goroutine and, when there are
// many, another. A panic on the other goroutine (a bug in the parser) is
// raised again here once both are done, so it reaches the recover of
// whatever called this (loadRoot's, which reports an internal error)
// instead of ending the process.
func onTwoCores(idx []int, f func(int)) {
	run := func(idx []int) {
		for _, i := range idx {
			f(i)
		}
	}
	if len(idx) <= 8 {
		run(idx)
		return
	}
	var wg sync.WaitGroup
	var failed any
	half := len(idx) / 2
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { failed = recover() }()
		run(idx[half:])
	}()
	run(idx[:half])
	wg.Wait()
	if failed != nil {
		panic(failed)
	}
}
