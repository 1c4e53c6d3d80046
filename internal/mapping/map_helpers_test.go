package mapping

import (
	"sync"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// testSpan is an in-memory SpanView for tests and the fuzz target.
type testSpan struct {
	trace   [16]byte
	span    [8]byte
	parent  [8]byte
	name    string
	kind    SpanKind
	start   time.Time
	end     time.Time
	code    StatusCode
	msg     string
	attrs   kvs
	events  []testEvent
	res     kvs
	scope   string
	version string
}

type testEvent struct {
	name  string
	t     time.Time
	attrs kvs
}

type kv struct {
	k string
	v Value
}

type kvs []kv

func (m kvs) Len() int { return len(m) }
func (m kvs) Range(fn func(string, Value) bool) {
	for _, e := range m {
		if !fn(e.k, e.v) {
			return
		}
	}
}

type vlist []Value

func (l vlist) Len() int       { return len(l) }
func (l vlist) At(i int) Value { return l[i] }

func (s *testSpan) TraceID() [16]byte       { return s.trace }
func (s *testSpan) SpanID() [8]byte         { return s.span }
func (s *testSpan) ParentSpanID() [8]byte   { return s.parent }
func (s *testSpan) Name() string            { return s.name }
func (s *testSpan) Kind() SpanKind          { return s.kind }
func (s *testSpan) StartTime() time.Time    { return s.start }
func (s *testSpan) EndTime() time.Time      { return s.end }
func (s *testSpan) StatusCode() StatusCode  { return s.code }
func (s *testSpan) StatusMessage() string   { return s.msg }
func (s *testSpan) Attributes() Map         { return s.attrs }
func (s *testSpan) Resource() Map           { return s.res }
func (s *testSpan) Scope() (string, string) { return s.scope, s.version }
func (s *testSpan) Events(fn func(string, time.Time, Map) bool) {
	for _, e := range s.events {
		if !fn(e.name, e.t, e.attrs) {
			return
		}
	}
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newSpan(span byte, parent byte, name string, attrs ...kv) *testSpan {
	s := &testSpan{trace: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, name: name,
		start: t0, end: t0.Add(1500 * time.Microsecond), attrs: attrs, scope: "test"}
	s.span[7] = span
	if parent != 0 {
		s.parent[7] = parent
	}
	return s
}

func str(k, v string) kv       { return kv{k, StrValue(v)} }
func num(k string, v int64) kv { return kv{k, IntValue(v)} }

func mapOne(t interface{ Fatal(...any) }, opts MapOptions, spans ...*testSpan) []platform.TraceEvent {
	views := make([]SpanView, len(spans))
	for i, s := range spans {
		views[i] = s
	}
	evs := NewMapper(opts).Map(views)
	for i := range evs {
		checkSortedMetadata(t, "event "+evs[i].Name, evs[i].Metadata)
	}
	return evs
}

// allAccepted is what Delivered is told when the platform accepted every event of evs.
func allAccepted(evs []platform.TraceEvent) []bool {
	a := make([]bool, len(evs))
	for i := range a {
		a[i] = true
	}
	return a
}

// testMemory is a TraceMemory without bounds for tests that map a trace in several calls
// (internal/tracestate's memory.go is the bounded one the shippers use).
type testMemory struct {
	mu     sync.Mutex
	traces map[[16]byte]*TraceRecord
}

func newTestMemory() *testMemory { return &testMemory{traces: map[[16]byte]*TraceRecord{}} }

func (m *testMemory) Trace(id [16]byte, u TraceUpdate) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.traces[id]
	if t == nil {
		t = &TraceRecord{}
		m.traces[id] = t
	}
	u.Update(t)
}

// memMapper is a Mapper whose Map calls share one testMemory, as a shipper's calls share
// internal/tracestate's Memory.
type memMapper struct {
	*Mapper
	mem *testMemory
}

func withMemory(opts MapOptions) *memMapper {
	return &memMapper{Mapper: NewMapper(opts), mem: newTestMemory()}
}

func (m *memMapper) Map(spans []SpanView) []platform.TraceEvent {
	return m.MapBatch(spans, m.mem).Events
}
