package par

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
)

// Panic is a panic recovered from one call of Each's function.
type Panic struct {
	Index int    // the index whose call panicked
	Value any    // what it panicked with
	Stack []byte // the goroutine's stack when it panicked
}

func (p *Panic) Error() string { return fmt.Sprintf("panic at piece %d: %v", p.Index, p.Value) }

// Each calls f(i) for every i in [0, n) and returns when every call has
// returned. Calls run on up to GOMAXPROCS goroutines, in no particular
// order, so f must only write results indexed by i (or take a lock). A
// call that panics is recovered and the others still run; Each returns the
// panics in index order, nil when there were none. With one piece or one
// core, f runs on the calling goroutine, with the same recovery, so the
// result does not depend on the number of cores.
func Each(n int, f func(i int)) []*Panic {
	return each(min(runtime.GOMAXPROCS(0), n), n, f)
}

// InOrder is Each on the calling goroutine: f(0), f(1)... one after the
// other, with the same recovery. Callers use it where the order of the
// calls decides the result (a shared limit running out).
func InOrder(n int, f func(i int)) []*Panic { return each(1, n, f) }

func each(workers, n int, f func(i int)) []*Panic {
	var mu sync.Mutex
	var panics []*Panic
	call := func(i int) {
		defer func() {
			if r := recover(); r != nil {
				p := &Panic{Index: i, Value: r, Stack: debug.Stack()}
				mu.Lock()
				panics = append(panics, p)
				mu.Unlock()
			}
		}()
		f(i)
	}
	if workers <= 1 {
		for i := range n {
			call(i)
		}
		return panics
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				call(i)
			}
		}()
	}
	wg.Wait()
	sort.Slice(panics, func(i, j int) bool { return panics[i].Index < panics[j].Index })
	return panics
}
