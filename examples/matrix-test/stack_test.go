package stack

import (
	"sync"
	"testing"
)

func TestPushPop(t *testing.T) {
	var s Stack[int]
	s.Push(1)
	s.Push(2)
	if v, ok := s.Pop(); !ok || v != 2 {
		t.Fatalf("Pop() = %d, %v; want 2, true", v, ok)
	}
	if v, ok := s.Pop(); !ok || v != 1 {
		t.Fatalf("Pop() = %d, %v; want 1, true", v, ok)
	}
	if _, ok := s.Pop(); ok {
		t.Fatal("Pop() on an empty stack: ok is true")
	}
}

func TestConcurrentPush(t *testing.T) {
	var s Stack[int]
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Push(i)
		}()
	}
	wg.Wait()
	if n := s.Len(); n != 100 {
		t.Fatalf("Len() = %d, want 100", n)
	}
}
