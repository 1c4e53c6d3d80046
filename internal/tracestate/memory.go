package tracestate

import (
	"container/list"
	"sync"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
)

// memory is the bounded mapping.TraceMemory the shippers use: an LRU of at most MaxTraces
// traces, each forgotten MemoryTTL after a call last touched it. What a record holds (and
// its own bounds: 4096 spans, 64 tool calls) is the mapping's (internal/mapping/map_trace.go).
// A forgotten trace is a new one to the next call: its later spans do not get the values
// found before, and a parent that ends after it was forgotten is not rolled up.
type memory struct {
	mu     sync.Mutex // one lock for the LRU and every record: Trace's Update runs under it
	traces map[[16]byte]*memTrace
	lru    list.List // front = most recent
	max    int
	ttl    time.Duration
	now    func() time.Time // time.Now; tests set a clock
}

// MaxTraces and MemoryTTL bound the memory.
const (
	MaxTraces = 4096
	MemoryTTL = 10 * time.Minute
)

type memTrace struct {
	key  [16]byte
	rec  mapping.TraceRecord
	seen time.Time
	elem *list.Element
}

// newMemory returns an empty memory.
func newMemory() *memory {
	return &memory{traces: map[[16]byte]*memTrace{}, max: MaxTraces, ttl: MemoryTTL, now: time.Now}
}

// Trace implements mapping.TraceMemory: it calls u.Update with trace id's record under the
// memory's lock, after letting go of the traces past their TTL or over MaxTraces.
func (m *memory) Trace(id [16]byte, u mapping.TraceUpdate) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for e := m.lru.Back(); e != nil; e = m.lru.Back() { // expire
		t := e.Value.(*memTrace)
		if now.Sub(t.seen) < m.ttl && m.lru.Len() <= m.max {
			break
		}
		m.lru.Remove(e)
		delete(m.traces, t.key)
	}
	t := m.traces[id]
	if t == nil {
		t = &memTrace{key: id}
		t.elem = m.lru.PushFront(t)
		m.traces[id] = t
		if m.lru.Len() > m.max {
			old := m.lru.Back()
			m.lru.Remove(old)
			delete(m.traces, old.Value.(*memTrace).key)
		}
	} else {
		m.lru.MoveToFront(t.elem)
	}
	t.seen = now
	u.Update(&t.rec)
}
