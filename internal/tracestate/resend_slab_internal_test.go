package tracestate

import (
	"slices"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// TestResendSlotFitsKeptBytes: the fixed part mapping.KeptBytes charges per event covers
// the slot the event takes in its trace's slab (resend.go, sentTrace), so the store's byte
// bound bounds the slabs too.
func TestResendSlotFitsKeptBytes(t *testing.T) {
	if fixed := mapping.KeptBytes(&platform.TraceEvent{}); fixed < eventSlotBytes {
		t.Fatalf("KeptBytes charges %d bytes for an empty event, a slot is %d", fixed, eventSlotBytes)
	}
}

// TestResendStoreSlots: the accepted events are copies (the caller's slice may change after
// delivered); an event accepted again keeps its slot and is charged once, with its new
// content; the same spanId twice in one call leaves one slot unused, charged as a slot; the
// store's bytes are always its traces' and a trace's are its entry, its events' KeptBytes
// and its unused slots; dropping a trace drops its pending events.
func TestResendStoreSlots(t *testing.T) {
	s := newResendStore(1 << 20)
	unused := map[string]int{} // unused slots per trace, as the scenario makes them
	check := func(step string) {
		t.Helper()
		total := 0
		for id, tr := range s.traces {
			want := traceEntryBytes + unused[id]*eventSlotBytes
			for _, ev := range tr.events {
				want += mapping.KeptBytes(ev)
			}
			if tr.bytes != want {
				t.Fatalf("%s: trace %s charged %d bytes, its entry, events and unused slots are %d", step, id, tr.bytes, want)
			}
			if tr.n != 0 || tr.slab != nil {
				t.Fatalf("%s: trace %s kept its call's slab (n %d)", step, id, tr.n)
			}
			total += tr.bytes
		}
		if s.bytes != total {
			t.Fatalf("%s: store charged %d bytes, its traces %d", step, s.bytes, total)
		}
		for _, tr := range s.byEvent[:cap(s.byEvent)] {
			if tr != nil {
				t.Fatalf("%s: the scratch keeps trace %s", step, tr.key)
			}
		}
	}
	ev := func(trace, span, input string) platform.TraceEvent {
		return platform.TraceEvent{TraceID: trace, SpanID: span, ParentSpanID: "root", Type: platform.TypeLLM, Input: []byte(input)}
	}

	batch := []platform.TraceEvent{ev("a", "1", `"a1"`), ev("b", "1", `"b1"`), ev("a", "2", `"a2"`), ev("a", "3", `"a3"`)}
	s.delivered(batch, []bool{true, true, true, false})
	batch[0].Input = []byte(`"changed by the caller"`)
	if got := string(s.traces["a"].events["1"].Input); got != `"a1"` {
		t.Fatalf("the kept event follows the caller's slice: %s", got)
	}
	if s.traces["a"].events["3"] != nil {
		t.Fatal("an event not accepted was kept")
	}
	check("first call")

	slot := s.traces["a"].events["1"]
	s.delivered([]platform.TraceEvent{ev("a", "1", `"a1, longer now"`), ev("a", "4", `"a4"`)}, []bool{true, true})
	if s.traces["a"].events["1"] != slot || string(slot.Input) != `"a1, longer now"` {
		t.Fatalf("an event accepted again: slot %p (was %p), input %s", s.traces["a"].events["1"], slot, slot.Input)
	}
	check("accepted again")

	s.delivered([]platform.TraceEvent{ev("c", "1", `"first"`), ev("c", "1", `"second"`)}, []bool{true, true})
	unused["c"] = 1
	if got := string(s.traces["c"].events["1"].Input); got != `"second"` {
		t.Fatalf("the same spanId twice in a call kept %s, want the last", got)
	}
	check("a spanId twice")

	// Stale events go to pending; letting their trace go takes them out.
	s.resolved(&mapping.Batch{Traces: []mapping.TraceValues{{TraceID: "a", Version: 1, ThreadID: "thread"}}})
	s.delivered([]platform.TraceEvent{ev("a", "5", `"a5"`)}, []bool{true})
	if s.pending[spanKey{"a", "5"}] == nil {
		t.Fatal("an event accepted with stale values is not pending")
	}
	check("stale")
	s.drop(s.traces["a"])
	for k := range s.pending {
		if k.trace == "a" {
			t.Fatalf("pending keeps %v after its trace was let go", k)
		}
	}
	delete(unused, "a")
	check("dropped")
}

// TestResendLRUOrder: the store's traces are ordered by their last touch, most recent
// first, through the traces' own links (both directions agree), and the least recent is
// the one let go first.
func TestResendLRUOrder(t *testing.T) {
	s := newResendStore(1 << 20)
	order := func() []string {
		var fwd, back []string
		for tr := s.lru.front; tr != nil; tr = tr.next {
			fwd = append(fwd, tr.key)
		}
		for tr := s.lru.back; tr != nil; tr = tr.prev {
			back = append([]string{tr.key}, back...)
		}
		if !slices.Equal(fwd, back) || len(fwd) != s.lru.Len() {
			t.Fatalf("front to back %q, back to front %q, Len %d", fwd, back, s.lru.Len())
		}
		return fwd
	}
	ev := func(trace string) platform.TraceEvent {
		return platform.TraceEvent{TraceID: trace, SpanID: "s", ParentSpanID: "p", Type: platform.TypeLLM}
	}
	s.delivered([]platform.TraceEvent{ev("a"), ev("b"), ev("c")}, []bool{true, true, true})
	if got := order(); !slices.Equal(got, []string{"c", "b", "a"}) {
		t.Fatalf("after a, b, c: %q", got)
	}
	s.delivered([]platform.TraceEvent{ev("a")}, []bool{true})
	s.resolved(&mapping.Batch{Traces: []mapping.TraceValues{{TraceID: "b"}}})
	if got := order(); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Fatalf("after a, then b: %q", got)
	}
	s.max = 0 // over the byte bound: let go from the back until none is left
	s.evict()
	if got := order(); len(got) != 0 || len(s.traces) != 0 || s.bytes != 0 {
		t.Fatalf("after evicting all: %q, %d traces, %d bytes", got, len(s.traces), s.bytes)
	}
	s.max = 1 << 20
	s.delivered([]platform.TraceEvent{ev("d")}, []bool{true})
	if got := order(); !slices.Equal(got, []string{"d"}) {
		t.Fatalf("a new trace after all were let go: %q", got)
	}
}

// TestToolArgsReachPendingEvent: a tool event accepted with stale trace-wide values waits
// in pending; arguments found for it by a call without its trace's spans are written into
// its slot, so the pending re-send, the last of the call's events for that span (the
// platform keeps the last, by spanId), carries both the arguments and the latest values.
func TestToolArgsReachPendingEvent(t *testing.T) {
	s := newResendStore(1 << 20)
	latest := mapping.TraceValues{TraceID: "t", Version: 1, ThreadID: "thread-1"}
	s.resolved(&mapping.Batch{Traces: []mapping.TraceValues{latest}})
	tool := platform.TraceEvent{TraceID: "t", SpanID: "tool", ParentSpanID: "root", ThreadID: "t", Type: platform.TypeTool,
		Name: "get_weather", Input: []byte(`{"args":[],"kwargs":{}}`)}
	s.delivered([]platform.TraceEvent{tool}, []bool{true})
	if s.pending[spanKey{"t", "tool"}] == nil {
		t.Fatal("the stale tool event is not pending")
	}
	out := s.resolved(&mapping.Batch{ToolArgs: []mapping.ToolArgs{{TraceID: "t", SpanID: "tool", Args: []byte(`{"city":"Paris"}`)}}})
	if len(out) == 0 {
		t.Fatal("nothing re-sent")
	}
	last := out[len(out)-1]
	if last.SpanID != "tool" || string(last.Input) != `{"city":"Paris"}` || last.ThreadID != "thread-1" {
		t.Fatalf("the last event for the span: %s input %s thread %q; want the arguments and thread-1", last.SpanID, last.Input, last.ThreadID)
	}
}
