package otelbridge

import (
	"sync"

	"github.com/llmtrace/llmtrace/internal/mapping"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// DefaultGenAIOnlyMemory is how many pending ancestor marks GenAIOnly remembers, spans:
// about 32 bytes each, oldest forgotten first.
const DefaultGenAIOnlyMemory = 65536

// GenAIOnly returns a span filter (for WithSpanFilter) that keeps spans with gen_ai
// semantics (mapping.GenAISemantics: any supported dialect) and every ancestor of such a span
// (agent, workflow, HTTP handler roots), so the kept tree stays connected. Children end
// before their parents, so when a span is kept the filter remembers its parent's
// (trace ID, span ID) and keeps that span when it ends; the memory is bounded by
// DefaultGenAIOnlyMemory marks, oldest forgotten first (an ancestor that outlives 65 536
// later marks is then left out). Each call returns an independent filter; it is safe for
// concurrent use.
func GenAIOnly() func(sdktrace.ReadOnlySpan) bool {
	genAI := mapping.GenAISemantics()
	f := newAncestorFilter(DefaultGenAIOnlyMemory, func(s sdktrace.ReadOnlySpan) bool {
		return genAI(sdkSpanView(s))
	})
	return f.keep
}

type spanKey struct {
	trace [16]byte
	span  [8]byte
}

// ancestorFilter keeps spans matching match and every ancestor of a kept span.
type ancestorFilter struct {
	match func(sdktrace.ReadOnlySpan) bool
	mu    sync.Mutex
	marks map[spanKey]struct{} // spans to keep when they end
	ring  []spanKey            // insertion order, for eviction
	next  int
}

func newAncestorFilter(capacity int, match func(sdktrace.ReadOnlySpan) bool) *ancestorFilter {
	return &ancestorFilter{
		match: match,
		marks: make(map[spanKey]struct{}),
		ring:  make([]spanKey, capacity),
	}
}

func (f *ancestorFilter) keep(s sdktrace.ReadOnlySpan) bool {
	self := spanKey{s.SpanContext().TraceID(), s.SpanContext().SpanID()}
	parent := [8]byte(s.Parent().SpanID())
	f.mu.Lock()
	_, marked := f.marks[self]
	if marked {
		// The ring slot is reclaimed lazily: eviction of a key no longer in the map is a no-op.
		delete(f.marks, self)
	}
	f.mu.Unlock()
	if !marked && !f.match(s) {
		return false
	}
	if parent != ([8]byte{}) {
		f.mark(spanKey{self.trace, parent})
	}
	return true
}

func (f *ancestorFilter) mark(k spanKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.marks[k]; ok {
		return
	}
	if old := f.ring[f.next]; old != (spanKey{}) {
		delete(f.marks, old)
	}
	f.ring[f.next] = k
	f.next = (f.next + 1) % len(f.ring)
	f.marks[k] = struct{}{}
}
