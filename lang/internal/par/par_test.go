package par

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 3, 100, 1000} {
			counts := make([]int32, n)
			if p := Each(n, func(i int) { atomic.AddInt32(&counts[i], 1) }); p != nil {
				t.Fatalf("GOMAXPROCS %d, n %d: unexpected panic %v", procs, n, p)
			}
			for i, c := range counts {
				if c != 1 {
					t.Fatalf("GOMAXPROCS %d, n %d: index %d called %d times", procs, n, i, c)
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// A panicking piece is returned, the lowest index first, whatever the
// number of cores, and the other pieces still run.
func TestEachRecoversPanics(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		var ran atomic.Int32
		p := Each(50, func(i int) {
			ran.Add(1)
			if i == 7 || i == 31 {
				panic(i)
			}
		})
		runtime.GOMAXPROCS(prev)
		if p == nil || p.Index != 7 || p.Value != 7 || len(p.Stack) == 0 {
			t.Fatalf("GOMAXPROCS %d: panic %+v, want index 7 with its stack", procs, p)
		}
		if ran.Load() != 50 {
			t.Errorf("GOMAXPROCS %d: %d pieces ran, want 50", procs, ran.Load())
		}
	}
}
