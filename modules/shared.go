package modules

import "sync"

// Shared is what a module makes once per key for the whole run and hands to every VU that
// asks for it (a SharedArray's elements, a file's bytes, a parsed CSV file). Its zero value
// is ready to use, and it is safe for concurrent use.
type Shared[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*sharedEntry[V]
}

type sharedEntry[V any] struct {
	once sync.Once
	v    V
	err  error
}

// Get returns key's value. The first caller for a key runs make (the others for that key
// wait for it); every later call, from any VU, gets what make returned, error included.
func (s *Shared[K, V]) Get(key K, make func() (V, error)) (V, error) {
	s.mu.Lock()
	if s.entries == nil {
		s.entries = map[K]*sharedEntry[V]{}
	}
	e := s.entries[key]
	if e == nil {
		e = &sharedEntry[V]{}
		s.entries[key] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.v, e.err = make() })
	return e.v, e.err
}
