package lang

import (
	"bytes"
	"regexp"
)

// A run step's script is a heredoc taken as written, so its text may hold
// shell syntax that is no HCL template (${f##*/}, %{...}). Before
// parsing, MaskScripts hides the template starts in those heredocs behind
// a byte of the same length, so HCL reads them as plain text and every
// position in the file stays where it was; rawHeredoc reads the text from
// the file's own bytes, and the formatter unmasks what it writes.

const scriptMask = 0x01

var scriptStart = regexp.MustCompile(`(?m)^[ \t]*script[ \t]*=[ \t]*<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n`)

// MaskScripts returns src with "${" and "%{" inside script heredocs made
// "$\x01" and "%\x01", and whether it masked anything; src itself when
// there is nothing to mask, or when src already holds the mask byte (then
// nothing could be unmasked safely).
func MaskScripts(src []byte) ([]byte, bool) {
	if !bytes.Contains(src, []byte("script")) || bytes.IndexByte(src, scriptMask) >= 0 {
		return src, false
	}
	var out []byte
	for _, m := range scriptStart.FindAllSubmatchIndex(src, -1) {
		marker := src[m[2]:m[3]]
		body := m[1]
		end := heredocEnd(src, body, marker)
		for i := body; i+1 < end; i++ {
			if (src[i] == '$' || src[i] == '%') && src[i+1] == '{' {
				if out == nil {
					out = bytes.Clone(src)
				}
				out[i+1] = scriptMask
			}
		}
	}
	if out == nil {
		return src, false
	}
	return out, true
}

// UnmaskScripts undoes MaskScripts in formatted output of a masked file.
func UnmaskScripts(b []byte) []byte {
	if bytes.IndexByte(b, scriptMask) < 0 {
		return b
	}
	return bytes.ReplaceAll(b, []byte{scriptMask}, []byte("{"))
}

// heredocEnd is the offset of the line closing a heredoc that starts at
// body, or len(src).
func heredocEnd(src []byte, body int, marker []byte) int {
	for i := body; i < len(src); {
		j := bytes.IndexByte(src[i:], '\n')
		line := src[i:]
		if j >= 0 {
			line = src[i : i+j]
		}
		if bytes.Equal(bytes.TrimSpace(line), marker) {
			return i
		}
		if j < 0 {
			break
		}
		i += j + 1
	}
	return len(src)
}
