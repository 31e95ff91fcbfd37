package par

import (
	"fmt"
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

// Panicking pieces are returned in index order, whatever the
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
		if len(p) != 2 || p[0].Index != 7 || p[0].Value != 7 || len(p[0].Stack) == 0 || p[1].Index != 31 || p[1].Value != 31 {
			t.Fatalf("GOMAXPROCS %d: panics %+v, want those of 7 and 31 with their stacks", procs, p)
		}
		if ran.Load() != 50 {
			t.Errorf("GOMAXPROCS %d: %d pieces ran, want 50", procs, ran.Load())
		}
	}
}

func TestInOrderCallsInOrderAndRecovers(t *testing.T) {
	var order []int
	p := InOrder(5, func(i int) {
		order = append(order, i)
		if i == 2 {
			panic("two")
		}
	})
	if fmt.Sprint(order) != "[0 1 2 3 4]" {
		t.Errorf("InOrder called %v", order)
	}
	if len(p) != 1 || p[0].Index != 2 || p[0].Value != "two" {
		t.Errorf("InOrder returned panics %v", p)
	}
}
