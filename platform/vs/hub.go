package vs

import (
	"sync"
	"sync/atomic"
)

// hub fans items out to subscribers. Publishing never blocks: each
// subscriber has its own queue (bounded by limit; beyond it items are
// dropped and counted), drained by the subscriber's goroutine.
type hub[T any] struct {
	mu      sync.Mutex
	subs    map[*sub[T]]struct{}
	limit   int
	dropped atomic.Uint64
}

type sub[T any] struct {
	mu    sync.Mutex
	queue []T
	wake  chan struct{}
}

func newHub[T any](limit int) *hub[T] {
	return &hub[T]{subs: map[*sub[T]]struct{}{}, limit: limit}
}

// subscribe registers a subscriber; call the returned cancel when done.
func (h *hub[T]) subscribe() (*sub[T], func()) {
	s := &sub[T]{wake: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s, func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
	}
}

// len is the number of subscribers.
func (h *hub[T]) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// publish queues items for every subscriber.
func (h *hub[T]) publish(items ...T) {
	if len(items) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.mu.Lock()
		for _, it := range items {
			if len(s.queue) >= h.limit {
				h.dropped.Add(1)
				continue
			}
			s.queue = append(s.queue, it)
		}
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// take returns the queued items (nil when none).
func (s *sub[T]) take() []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}
