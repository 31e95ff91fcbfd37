package corpus

import (
	"fmt"
	"runtime"
)

// Cost is the work one path spends on a case, counted on the heap: the
// bytes and the objects it allocates. Both are counts that are the same
// on every run of the same code, so no load on the machine can push a
// case over a bound, while the blowups hostile input aims at cross them:
// expanding values (doubled strings and lists, products, ranges),
// evaluating the same thing again and again, copying text quadratically,
// and parsing or indexing a file into far more tokens or nodes than it
// has bytes all allocate in proportion to the work. Speed is measured by
// BenchmarkCorpus (trust), never asserted.
//
// The counts are the process's (runtime.MemStats), every goroutine
// included, so paths measured with Measure must not run in parallel.
type Cost struct {
	Bytes   uint64 // heap bytes allocated
	Objects uint64 // heap objects allocated
}

// The bounds a case must stay within.
var (
	// PathBound is per case and path: check (load and lint), compile and
	// marshal, and the frontend's path. The heaviest cases take about 200
	// MiB (gen/wide-target) and 5.6 million objects (list-doubling).
	PathBound = Cost{Bytes: 256 << 20, Objects: 16 << 20}
	// SessionBound is per language server session: open, diagnostics
	// and the requests an editor sends on opening a file. The server
	// loads each build twice (leniently for its features, fully for
	// diagnostics) and keeps syntax, tokens and an index, so the largest
	// legal files take about 660 MiB (gen/wide-target); the most objects
	// are list-doubling's 5.6 million, as in check (evaluation stops at
	// the budget once).
	SessionBound = Cost{Bytes: 1 << 30, Objects: 16 << 20}
)

// Measure runs f and returns what it allocated.
func Measure(f func()) Cost {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return Cost{Bytes: b.TotalAlloc - a.TotalAlloc, Objects: b.Mallocs - a.Mallocs}
}

// Over describes each count of c over bound's, or is empty.
func (c Cost) Over(bound Cost) []string {
	var out []string
	if c.Bytes > bound.Bytes {
		out = append(out, fmt.Sprintf("allocated %d MiB, over %d MiB", c.Bytes>>20, bound.Bytes>>20))
	}
	if c.Objects > bound.Objects {
		out = append(out, fmt.Sprintf("allocated %d objects, over %d", c.Objects, bound.Objects))
	}
	return out
}

func (c Cost) String() string { return fmt.Sprintf("%d MiB, %d objects", c.Bytes>>20, c.Objects) }
