package stdlib

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
)

// Hashes are of the string's UTF-8 bytes, lowercase hex, matching
// `printf %s "$s" | sha256sum`. md5 and sha1 are offered for cache keys and
// compatibility, not for security.
func hashingFuncs() []entry {
	h := func(name, algo string, newHash func() hash.Hash, note string) entry {
		return entry{name: name, category: catHashing, fn: stringToString(
			fmt.Sprintf("Returns the %s digest of the string's UTF-8 bytes as lowercase hex.%s", algo, note),
			"str", "The string to hash.",
			func(s string) (string, error) {
				d := newHash()
				d.Write([]byte(s))
				return hex.EncodeToString(d.Sum(nil)), nil
			})}
	}
	const weak = " Not collision-resistant: use it for cache keys or compatibility, not security."
	return []entry{
		h("md5", "MD5", md5.New, weak),
		h("sha1", "SHA-1", sha1.New, weak),
		h("sha256", "SHA-256", sha256.New, ""),
		h("sha512", "SHA-512", sha512.New, ""),
	}
}
