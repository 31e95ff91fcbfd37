package lsp

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
)

// Incremental parsing. Parsing a 5,000-line file takes tens of
// milliseconds, most of the time to diagnostics after an edit. A build file
// is a sequence of top-level blocks, so the parser cuts a document into
// chunks at the lines that close a top-level block ("}" alone on a line),
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

// chunkBounds returns the byte offsets where chunks start: 0, and every
// line after a line that is "}" (trailing spaces allowed).
func chunkBounds(src []byte) []int {
	bounds := []int{0}
	lineStart := 0
	for i, c := range src {
		if c != '\n' {
			continue
		}
		line := bytes.TrimRight(src[lineStart:i], " \t\r")
		if len(line) == 1 && line[0] == '}' && i+1 < len(src) {
			bounds = append(bounds, i+1)
		}
		lineStart = i + 1
	}
	return bounds
}

// parseIncremental parses src as lang.Parse does, reusing the chunks of
// cache and leaving in it only the chunks of src.
func parseIncremental(src []byte, name string, cache *chunkCache) (*hcl.File, hcl.Diagnostics) {
	bounds := chunkBounds(src)
	if len(bounds) < 4 || lang.CheckSize(src, name) != nil {
		return lang.Parse(src, name)
	}
	type chunk struct {
		pos  hcl.Pos
		text []byte
		key  string
		p    *chunkParse
	}
	chunks := make([]chunk, len(bounds))
	line := 1
	for i, start := range bounds {
		end := len(src)
		if i+1 < len(bounds) {
			end = bounds[i+1]
		}
		chunks[i] = chunk{pos: hcl.Pos{Line: line, Column: 1, Byte: start}, text: src[start:end]}
		chunks[i].key = chunkKey(chunks[i].pos, chunks[i].text)
		line += bytes.Count(chunks[i].text, []byte("\n"))
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
			f, diags := lang.ParseAt(chunks[i].text, name, chunks[i].pos)
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
	merged := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}}
	ok := true
	for i, c := range chunks {
		next[c.key] = c.p
		if c.p.body == nil || len(c.p.diags) > 0 {
			ok = false
			continue
		}
		for n, a := range c.p.body.Attributes {
			if merged.Attributes[n] != nil {
				ok = false
			}
			merged.Attributes[n] = a
		}
		merged.Blocks = append(merged.Blocks, c.p.body.Blocks...)
		if i == 0 {
			merged.SrcRange = c.p.body.SrcRange
		}
		merged.SrcRange.End = c.p.body.SrcRange.End
		merged.EndRange = c.p.body.EndRange
	}
	cache.mu.Lock()
	cache.chunks = next
	cache.mu.Unlock()
	if !ok {
		return lang.Parse(src, name)
	}
	return &hcl.File{Body: merged, Bytes: src}, nil
}
