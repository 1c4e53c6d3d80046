package tracestate

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// What a kept event holds (issue 21, memory): the events the stores keep past the Map call
// (the re-send memory, resend.go; the log join's recent events, logjoin.go) point into the
// mapping's slabs (internal/mapping/mapper.go, spanCtx.slab; map_metadata.go, entryRoom).
// These tests keep one trace's events of a call and let the other traces' go, and check that
// the others' content, metadata entries and usage are freed, and that what the kept events
// hold is what mapping.KeptBytes charges them.

// retainSpan is an in-memory mapping.SpanView: a chat span with messages, usage and a list
// attribute (kept in metadata as raw JSON, in the content slab).
type retainSpan struct {
	trace       [16]byte
	span        [8]byte
	parent      [8]byte
	attrs, res  retainAttrs
	start, stop time.Time
}

type retainAttr struct {
	k string
	v mapping.Value
}

type retainAttrs []retainAttr

func (m retainAttrs) Len() int { return len(m) }
func (m retainAttrs) Range(fn func(string, mapping.Value) bool) {
	for _, e := range m {
		if !fn(e.k, e.v) {
			return
		}
	}
}

type retainList []mapping.Value

func (l retainList) Len() int               { return len(l) }
func (l retainList) At(i int) mapping.Value { return l[i] }

func (s *retainSpan) TraceID() [16]byte                                { return s.trace }
func (s *retainSpan) SpanID() [8]byte                                  { return s.span }
func (s *retainSpan) ParentSpanID() [8]byte                            { return s.parent }
func (s *retainSpan) Name() string                                     { return "chat gpt-4o" }
func (s *retainSpan) Kind() mapping.SpanKind                           { return mapping.SpanKindClient }
func (s *retainSpan) StartTime() time.Time                             { return s.start }
func (s *retainSpan) EndTime() time.Time                               { return s.stop }
func (s *retainSpan) StatusCode() mapping.StatusCode                   { return mapping.StatusCodeOK }
func (s *retainSpan) StatusMessage() string                            { return "" }
func (s *retainSpan) Attributes() mapping.Map                          { return s.attrs }
func (s *retainSpan) Events(func(string, time.Time, mapping.Map) bool) {}
func (s *retainSpan) Resource() mapping.Map                            { return s.res }
func (s *retainSpan) Scope() (string, string)                          { return "retain-test", "1.0" }

// retainSpans returns the spans of one Map call: traces traces of spans spans each, the
// traces' spans interleaved (so that call-wide slabs would mix them), each span's messages
// about size bytes of text of its own (so that no two events share a string); with
// uneven, only the first span of a trace has size bytes, the others 20.
func retainSpans(call, traces, spans, size int, uneven ...bool) []mapping.SpanView {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := retainAttrs{{"service.name", mapping.StrValue("retain")}}
	var out []mapping.SpanView
	for s := range spans {
		for tr := range traces {
			sp := &retainSpan{start: start, stop: start.Add(time.Second), res: res}
			sp.trace[0], sp.trace[1], sp.trace[2], sp.trace[15] = byte(call), byte(call>>8), byte(tr), 1
			sp.span[0], sp.span[7] = byte(s), 1
			sp.parent[7] = 0xff // a parent outside the call: every event reports its own usage
			text := fmt.Sprintf("call %d trace %d span %d ", call, tr, s)
			if n := size; len(uneven) == 0 || s == 0 {
				text = strings.Repeat(text, max(1, n/len(text)))
			}
			sp.attrs = retainAttrs{
				{"gen_ai.operation.name", mapping.StrValue("chat")},
				{"gen_ai.provider.name", mapping.StrValue("openai")},
				{"gen_ai.request.model", mapping.StrValue("gpt-4o")},
				{"gen_ai.input.messages", mapping.StrValue(`[{"role":"user","parts":[{"type":"text","content":"` + text + `"}]}]`)},
				{"gen_ai.output.messages", mapping.StrValue(`[{"role":"assistant","parts":[{"type":"text","content":"` + text + `"}],"finish_reason":"stop"}]`)},
				{"gen_ai.usage.input_tokens", mapping.IntValue(int64(100 + s))},
				{"gen_ai.usage.output_tokens", mapping.IntValue(int64(20 + tr))},
				{"app.labels", mapping.ListValue(retainList{mapping.StrValue(text[:min(len(text), 64)]), mapping.IntValue(int64(s))})},
			}
			out = append(out, sp)
		}
	}
	return out
}

// rawValue returns an event's first raw JSON metadata value (the list attribute).
func rawValue(t *testing.T, ev *platform.TraceEvent) json.RawMessage {
	t.Helper()
	for _, e := range ev.Metadata {
		if raw, ok := e.Value.(json.RawMessage); ok && len(raw) > 0 {
			return raw
		}
	}
	t.Fatalf("event %s has no raw metadata value", ev.SpanID)
	return nil
}

// heldBy is what of an event lives in the Map call's memory: weak pointers to its input,
// its raw metadata value, its metadata entries and its usage.
type heldBy struct {
	input, raw *weak.Pointer[byte]
	entries    weak.Pointer[platform.MetadataEntry]
	usage      weak.Pointer[platform.Usage]
}

func weakOf(t *testing.T, ev *platform.TraceEvent) heldBy {
	t.Helper()
	if len(ev.Input) == 0 || len(ev.Metadata) == 0 || ev.Usage == nil {
		t.Fatalf("event %s lacks input, metadata or usage", ev.SpanID)
	}
	in, raw := weak.Make(&ev.Input[0]), weak.Make(&rawValue(t, ev)[0])
	return heldBy{input: &in, raw: &raw, entries: weak.Make(&ev.Metadata[0]), usage: weak.Make(ev.Usage)}
}

func (h heldBy) live() []string {
	var out []string
	if h.input.Value() != nil {
		out = append(out, "input")
	}
	if h.raw.Value() != nil {
		out = append(out, "raw metadata value")
	}
	if h.entries.Value() != nil {
		out = append(out, "metadata entries")
	}
	if h.usage.Value() != nil {
		out = append(out, "usage")
	}
	return out
}

// TestKeptTraceHoldsOnlyItsOwn: a call maps three traces; the re-send memory keeps the
// accepted events of one (the others' were not accepted), the log join remembers one event
// of it. Once the call's events are let go, the other traces' input, raw metadata values,
// metadata entries and usage are freed: the kept events hold only their own trace's memory
// of the call. (Before the slabs were per trace, the content and entry slabs and the usage
// array of the call were shared by all its traces, and a kept event held them all.)
func TestKeptTraceHoldsOnlyItsOwn(t *testing.T) {
	m := mapping.NewMapper(mapping.MapOptions{})
	s := newResendStore(DefaultResendMemoryBytes)
	j := newLogJoin(0, 0)
	kept, gone := func() (kept, gone []heldBy) {
		evs := m.MapBatch(retainSpans(1, 3, 3, 150), nil).Events
		accepted := make([]bool, len(evs))
		keptTrace := evs[1].TraceID // the second trace: its events sit between the others'
		for i := range evs {
			if evs[i].TraceID == keptTrace {
				accepted[i] = true
				kept = append(kept, weakOf(t, &evs[i]))
			} else {
				gone = append(gone, weakOf(t, &evs[i]))
			}
		}
		s.delivered(evs, accepted)
		j.mu.Lock()
		j.remember(&evs[1], time.Now())
		j.mu.Unlock()
		return kept, gone
	}()
	if len(kept) != 3 || len(gone) != 6 {
		t.Fatalf("%d events kept, %d let go; want 3 and 6", len(kept), len(gone))
	}
	runtime.GC()
	runtime.GC()
	for i, h := range gone {
		if live := h.live(); len(live) > 0 {
			t.Errorf("event %d of a trace let go: its %s still held by the kept trace", i, strings.Join(live, ", "))
		}
	}
	for i, h := range kept {
		// The kept events' own content and entries are held (their usage is the stores' copy).
		if h.input.Value() == nil || h.entries.Value() == nil {
			t.Errorf("kept event %d: its content or entries were freed", i)
		}
	}
	runtime.KeepAlive(s)
	runtime.KeepAlive(j)
}

// TestKeptBytesChargesWhatIsHeld: over many Map calls of several traces each, the re-send
// memory keeps the events of one trace per call; the heap the kept events hold once
// everything else is let go (runtime.MemStats after GC) is at most what the store charges
// (mapping.KeptBytes per event, its slots and trace entries) when a trace's events are
// alike, at most 4 times it in the slabs' worst case. Before the slabs were per trace, every
// call's whole content stayed held for the one trace kept: several times the charge.
func TestKeptBytesChargesWhatIsHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("maps 200 calls")
	}
	for _, tc := range []struct {
		name                string
		traces, spans, size int
		uneven              bool
		factor              float64 // the most held per byte charged
	}{
		{"small events", 8, 3, 200, false, 1},
		{"chat-sized events", 8, 3, 1500, false, 1},
		{"one span per trace", 8, 1, 3000, false, 1},
		// The worst case of the slabs' room (internal/mapping/mapper.go, room): a first
		// event of about 4 KiB reserves room for 7 more like it, which are small.
		{"one large event then small ones", 4, 8, 2000, true, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const calls = 200
			s := newResendStore(1 << 30)
			calls0 := make([][]mapping.SpanView, calls)
			for c := range calls0 {
				var uneven []bool
				if tc.uneven {
					uneven = append(uneven, true)
				}
				calls0[c] = retainSpans(c, tc.traces, tc.spans, tc.size, uneven...)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			func() {
				m := mapping.NewMapper(mapping.MapOptions{})
				for c := range calls0 {
					evs := m.MapBatch(calls0[c], nil).Events
					accepted := make([]bool, len(evs))
					for i := range evs {
						accepted[i] = evs[i].TraceID == evs[0].TraceID
					}
					s.delivered(evs, accepted)
				}
			}()
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&after)
			held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			kept := 0
			for _, tr := range s.traces {
				kept += len(tr.events)
			}
			if kept != calls*tc.spans {
				t.Fatalf("%d events kept, want %d", kept, calls*tc.spans)
			}
			t.Logf("%d events kept: %d bytes held, %d charged (%.2f)", kept, held, s.bytes, float64(held)/float64(s.bytes))
			if float64(held) > tc.factor*float64(s.bytes) {
				t.Errorf("the kept events hold %d bytes of heap, the store charges %d (at most %gx allowed)", held, s.bytes, tc.factor)
			}
			runtime.KeepAlive(calls0)
			runtime.KeepAlive(s)
		})
	}
}
