package lang

import (
	"bytes"
)

// A run step's script is a heredoc taken as written, so its text may hold
// shell syntax that is no HCL template (${f##*/}, %{...}). Before
// parsing, MaskScripts hides the template starts in those heredocs behind
// a byte of the same length, so HCL reads them as plain text and every
// position in the file stays where it was; rawHeredoc reads the text from
// the file's own bytes, and the formatter unmasks what it writes.

const scriptMask = 0x01

// MaskScripts returns src with "${" and "%{" inside script heredocs made
// "$\x01" and "%\x01", and whether it masked anything; src itself when
// there is nothing to mask, or when src already holds the mask byte (then
// nothing could be unmasked safely).
func MaskScripts(src []byte) ([]byte, bool) {
	if !bytes.Contains(src, []byte("script")) || bytes.IndexByte(src, scriptMask) >= 0 {
		return src, false
	}
	var out []byte
	for from := 0; ; {
		marker, body, ok := nextScript(src, from)
		if !ok {
			break
		}
		from = body
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

// nextScript finds the first line at or after from that opens a script
// heredoc: `script = <<EOT` or `script = <<-EOT` (spaces and tabs around
// the words allowed) ending the line. It returns the heredoc's marker and
// where its body starts, after the line's newline. (A regular expression
// said the same, but this runs over every build file at load, and
// "script" is found in every "description".)
func nextScript(src []byte, from int) (marker []byte, body int, ok bool) {
	for from < len(src) {
		i := bytes.Index(src[from:], []byte("script"))
		if i < 0 {
			return nil, 0, false
		}
		at := from + i
		from = at + len("script")
		lineStart := bytes.LastIndexByte(src[:at], '\n') + 1
		if len(bytes.TrimLeft(src[lineStart:at], " \t")) > 0 {
			continue
		}
		j := skipBlanks(src, from)
		if j >= len(src) || src[j] != '=' {
			continue
		}
		j = skipBlanks(src, j+1)
		if !bytes.HasPrefix(src[j:], []byte("<<")) {
			continue
		}
		j += 2
		if j < len(src) && src[j] == '-' {
			j++
		}
		start := j
		if j >= len(src) || !isIdentStart(src[j]) {
			continue
		}
		for j < len(src) && isIdentByte(src[j]) {
			j++
		}
		end := j
		j = skipBlanks(src, j)
		if j < len(src) && src[j] == '\r' {
			j++
		}
		if j >= len(src) || src[j] != '\n' {
			continue
		}
		return src[start:end], j + 1, true
	}
	return nil, 0, false
}

func skipBlanks(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i
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
