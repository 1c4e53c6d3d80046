package tracestate

import (
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
)

// TestMemoryIsBounded: the trace memory keeps at most MaxTraces traces (the least recently used go
// first) and forgets a trace MemoryTTL after a call last touched it; a forgotten trace comes
// back as an unknown one (the zero TraceRecord).
func TestMemoryIsBounded(t *testing.T) {
	m := newMemory()
	clock := time.Unix(1000, 0)
	m.now = func() time.Time { return clock }
	id := func(i int) (k [16]byte) {
		k[0], k[1], k[2] = byte(i), byte(i>>8), 1
		return k
	}
	// The record a trace's calls get: the same one while the trace is kept, a new (zero)
	// one once it was let go.
	record := func(k [16]byte) *mapping.TraceRecord {
		var u pointerOf
		m.Trace(k, &u)
		return u.r
	}
	first := map[[16]byte]*mapping.TraceRecord{}
	for i := range MaxTraces + 10 {
		first[id(i)] = record(id(i))
		if len(m.traces) > MaxTraces || m.lru.Len() != len(m.traces) {
			t.Fatalf("after %d traces: %d kept, lru %d", i+1, len(m.traces), m.lru.Len())
		}
	}
	if record(id(0)) == first[id(0)] {
		t.Fatal("the least recently used trace was kept past MaxTraces")
	}
	last := id(MaxTraces + 9)
	if record(last) != first[last] {
		t.Fatal("the most recent trace was forgotten")
	}
	clock = clock.Add(MemoryTTL - time.Second)
	if record(last) != first[last] {
		t.Fatal("a trace was forgotten before MemoryTTL")
	}
	clock = clock.Add(MemoryTTL)
	if record(last) == first[last] {
		t.Fatal("a trace was kept past MemoryTTL")
	}
}

// pointerOf is a TraceUpdate that notes which record it was given.
type pointerOf struct{ r *mapping.TraceRecord }

func (u *pointerOf) Update(r *mapping.TraceRecord) { u.r = r }
