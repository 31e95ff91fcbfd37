package lsp

import (
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
// the chunks the edit touched are parsed again, on every core. The chunks' bodies are joined
// into one, identical to what parsing the whole document gives (a test
// checks it); when any chunk has a diagnostic, or two chunks set the same
// top-level attribute, the whole document is parsed instead, so errors
// are exactly the parser's.

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
	body  *hclsyntax.Body
	diags hcl.Diagnostics
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
	return &chunkParse{pos: pos, body: body}
}

// parseIncremental parses src as lang.Parse does, reusing the chunks of
// cache and leaving in it only the chunks of src.
func parseIncremental(src []byte, name string, cache *chunkCache) (*hcl.File, hcl.Diagnostics) {
	split := lang.SplitChunks(src)
	if len(split) < 4 || lang.CheckSize(src, name) != nil {
		return lang.Parse(src, name)
	}
	type chunk struct {
		lang.Chunk
		key string
		old *chunkParse // the parse of the same text, maybe elsewhere
		p   *chunkParse
	}
	chunks := make([]chunk, len(split))
	for i, c := range split {
		chunks[i] = chunk{Chunk: c, key: string(c.Text)}
	}
	cache.mu.Lock()
	var todo []int
	for i := range chunks {
		if p := cache.chunks[chunks[i].key]; p != nil && p.pos == chunks[i].Pos {
			chunks[i].p = p
		} else {
			chunks[i].old = p
			todo = append(todo, i)
		}
	}
	cache.mu.Unlock()
	// Move or parse the others on two goroutines (this one and another).
	var parsed atomic.Int32
	work := func(idx []int) {
		for _, i := range idx {
			c := &chunks[i]
			if c.old != nil {
				if c.p = c.old.reuse(c.Pos); c.p != nil {
					continue
				}
			}
			parsed.Add(1)
			f, diags := lang.ParseAt(c.Text, name, c.Pos)
			body, _ := f.Body.(*hclsyntax.Body)
			c.p = &chunkParse{pos: c.Pos, body: body, diags: diags}
		}
	}
	if len(todo) > 8 {
		var wg sync.WaitGroup
		half := len(todo) / 2
		wg.Add(1)
		go func() { defer wg.Done(); work(todo[half:]) }()
		work(todo[:half])
		wg.Wait()
	} else {
		work(todo)
	}
	next := make(map[string]*chunkParse, len(chunks))
	bodies := make([]*hclsyntax.Body, len(chunks))
	diags := make([]hcl.Diagnostics, len(chunks))
	for i, c := range chunks {
		next[c.key] = c.p
		bodies[i], diags[i] = c.p.body, c.p.diags
	}
	cache.mu.Lock()
	cache.chunks, cache.parsed = next, int(parsed.Load())
	cache.mu.Unlock()
	if f, ok := lang.JoinChunks(src, bodies, diags); ok {
		return f, nil
	}
	return lang.Parse(src, name)
}
