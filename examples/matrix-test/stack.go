// Package stack is a small concurrency-safe stack.
package stack

import "sync"

// Stack is a LIFO stack safe for use by several goroutines.
type Stack[T any] struct {
	mu    sync.Mutex
	items []T
}

// Push adds v on top of the stack.
func (s *Stack[T]) Push(v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, v)
}

// Pop removes and returns the top of the stack; ok is false when it is empty.
func (s *Stack[T]) Pop() (v T, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.items) == 0 {
		return v, false
	}
	v = s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

// Len returns the number of items on the stack.
func (s *Stack[T]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}
