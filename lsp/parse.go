package lsp

import (
	"strconv"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
)

// Incremental parsing. Parsing a 5,000-line file takes tens of
// milliseconds, most of the time to diagnostics after an edit. A build file
// is a sequence of top-level blocks, so the parser cuts a document into
// chunks at the lines that close a top-level block (lang.SplitChunks),
// parses each chunk at its position in the document, and reuses the parse
// of every chunk whose text and position did not change: those before the
// edit. The others are parsed on every core. The chunks' bodies are joined
// into one, identical to what parsing the whole document gives (a test
// checks it); when any chunk has a diagnostic, or two chunks set the same
// top-level attribute, the whole document is parsed instead, so errors
// are exactly the parser's.

// chunkCache holds the chunk parses of one document name.
type chunkCache struct {
	mu     sync.Mutex
	chunks map[string]*chunkParse // by chunkKey
}

type chunkParse struct {
	body  *hclsyntax.Body
	diags hcl.Diagnostics
}

func chunkKey(pos hcl.Pos, text []byte) string {
	return strconv.Itoa(pos.Byte) + ":" + strconv.Itoa(pos.Line) + ":" + string(text)
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
		p   *chunkParse
	}
	chunks := make([]chunk, len(split))
	for i, c := range split {
		chunks[i] = chunk{Chunk: c, key: chunkKey(c.Pos, c.Text)}
	}
	cache.mu.Lock()
	old := cache.chunks
	var todo []int
	for i := range chunks {
		if p := old[chunks[i].key]; p != nil {
			chunks[i].p = p
		} else {
			todo = append(todo, i)
		}
	}
	cache.mu.Unlock()
	// Parse the changed chunks on two goroutines (this one and another).
	parse := func(idx []int) {
		for _, i := range idx {
			f, diags := lang.ParseAt(chunks[i].Text, name, chunks[i].Pos)
			body, _ := f.Body.(*hclsyntax.Body)
			chunks[i].p = &chunkParse{body: body, diags: diags}
		}
	}
	if len(todo) > 8 {
		var wg sync.WaitGroup
		half := len(todo) / 2
		wg.Add(1)
		go func() { defer wg.Done(); parse(todo[half:]) }()
		parse(todo[:half])
		wg.Wait()
	} else {
		parse(todo)
	}
	next := make(map[string]*chunkParse, len(chunks))
	bodies := make([]*hclsyntax.Body, len(chunks))
	diags := make([]hcl.Diagnostics, len(chunks))
	for i, c := range chunks {
		next[c.key] = c.p
		bodies[i], diags[i] = c.p.body, c.p.diags
	}
	cache.mu.Lock()
	cache.chunks = next
	cache.mu.Unlock()
	if f, ok := lang.JoinChunks(src, bodies, diags); ok {
		return f, nil
	}
	return lang.Parse(src, name)
}
