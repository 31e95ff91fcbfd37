package exports

import "fmt"

// CacheTypes are the cache backends BuildKit knows.
var CacheTypes = []string{"local", "registry", "inline", "gha", "s3", "azblob"}

// CheckCache says what is wrong with a cache import (export false) or
// export (export true) of the given type and attributes, or nil: the rules
// of buildx's --cache-from and --cache-to.
func CheckCache(typ string, attrs map[string]string, export bool) error {
	switch typ {
	case "local":
		key := "src"
		if export {
			key = "dest"
		}
		if attrs[key] == "" {
			return fmt.Errorf("type=local needs %s=DIR", key)
		}
	case "registry":
		if attrs["ref"] == "" {
			return fmt.Errorf("type=registry needs ref=REF")
		}
	case "inline":
		if !export {
			return fmt.Errorf("type=inline is for exports; import the image itself with type=registry,ref=IMAGE")
		}
	case "gha", "s3", "azblob":
	default:
		return fmt.Errorf("unknown cache type %q (known: local, registry, inline, gha, s3, azblob)", typ)
	}
	return nil
}

// CacheRef is what a cache export writes that another target's export
// can overwrite: a registry export's ref, else "" (a local export's dest
// gets a tag per target, inline goes in the image itself).
func CacheRef(typ string, attrs map[string]string) string {
	if typ == "registry" {
		return attrs["ref"]
	}
	return ""
}

// CacheCollisions lists the cache exports, in order, that write a ref
// (CacheRef, in Write.Dest) an earlier export of another target writes
// too: built together, the export that finishes last replaces the other
// target's cache. lang warns of them at the cache entry.
func CacheCollisions(writes []Write) []Collision {
	return Collisions(writes, func(ref string) string { return ref })
}
