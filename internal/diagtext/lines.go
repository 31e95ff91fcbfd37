package diagtext

import (
	"bufio"
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// A line is one line of a file as HCL's writer sees it: what
// hcl.NewRangeScanner with bufio.ScanLines yields for it.
type line struct {
	start int // byte offset of its first byte
	end   int // byte offset where its range ends (Range().End.Byte)
	tok   int // byte offset where its text ends (len(Bytes()) past start)
	num   int // its line number (Range().Start.Line)
}

// lineIndex is every line of a file in order; starts and ends only grow.
type lineIndex []line

// indexLines indexes src's lines as HCL's writer numbers them. HCL's
// scanner counts lines by grapheme clusters: a lone '\r' counts as a line
// break, and in invalid UTF-8 a cluster may swallow a '\n'. A line of valid
// UTF-8 whose only '\r' ends it is one line break, so the index counts
// those itself; from the first line that is not, it takes the rest from
// HCL's own scanner (its buffer per line is paid only by such files).
func indexLines(filename string, src []byte) lineIndex {
	var lines lineIndex
	pos, num := 0, 1
	for pos < len(src) {
		next, end := len(src), len(src) // as bufio.ScanLines
		i := bytes.IndexByte(src[pos:], '\n')
		if i >= 0 {
			next, end = pos+i+1, pos+i
		}
		tok := end
		if tok > pos && src[tok-1] == '\r' {
			tok--
		}
		// A '\r' before the text's end, or ending the file, is a line break
		// of its own to HCL's scanner.
		loneCR := bytes.IndexByte(src[pos:tok], '\r') >= 0 || (i < 0 && tok < end)
		if loneCR || !utf8.Valid(src[pos:next]) {
			return append(lines, scanLines(filename, src, hcl.Pos{Line: num, Column: 1, Byte: pos})...)
		}
		lines = append(lines, line{start: pos, end: tok, tok: tok, num: num})
		pos, num = next, num+1
	}
	return lines
}

// scanLines is what HCL's writer sees of src from start (a line's start).
func scanLines(filename string, src []byte, start hcl.Pos) lineIndex {
	var lines lineIndex
	sc := hcl.NewRangeScannerFragment(src, filename, start, bufio.ScanLines)
	for sc.Scan() {
		r := sc.Range()
		if n := len(lines); n > 0 && r.Start.Byte <= lines[n-1].start {
			break // no progress: HCL's writer would never end here
		}
		lines = append(lines, line{start: r.Start.Byte, end: r.End.Byte, tok: r.Start.Byte + len(sc.Bytes()), num: r.Start.Line})
	}
	return lines
}

// overlapping returns the lines that could overlap a range from byte lo to
// hi (lo <= hi): a line overlapping it ends at or after lo and starts at
// or before hi. The caller still tests each with hcl.Range.Overlaps.
func (ix lineIndex) overlapping(lo, hi int) lineIndex {
	i := sort.Search(len(ix), func(i int) bool { return ix[i].end >= lo })
	j := i + sort.Search(len(ix)-i, func(k int) bool { return ix[i+k].start > hi })
	return ix[i:j]
}
