package mapping

import (
	"encoding/json"
	"testing"
)

// Spans of several traces interleaved in one Map call (A, B, A, C, B) are grouped by trace
// (mapper.go's one-pass grouping): each event gets its own trace's thread, user and usage
// roll-up, events stay in input order, and each trace's result equals mapping its spans alone.
func TestInterleavedTracesInOneCall(t *testing.T) {
	mk := func(trace byte, span, parent byte, name string, attrs ...kv) *testSpan {
		s := newSpan(span, parent, name, attrs...)
		s.trace[15] = trace
		return s
	}
	spans := func() []*testSpan {
		return []*testSpan{
			mk(1, 1, 0, "agent A", str("openinference.span.kind", "AGENT")),
			mk(2, 1, 0, "agent B", str("openinference.span.kind", "AGENT"), str("user.id", "user-b")),
			mk(1, 2, 1, "llm A", str("openinference.span.kind", "LLM"), str("session.id", "sess-a"),
				kv{"llm.token_count.prompt", IntValue(10)}, kv{"llm.token_count.completion", IntValue(5)}),
			mk(3, 1, 0, "solo C", str("gen_ai.conversation.id", "conv-c")),
			mk(2, 2, 1, "llm B", str("openinference.span.kind", "LLM"),
				kv{"llm.token_count.prompt", IntValue(7)}, kv{"llm.token_count.completion", IntValue(3)}),
		}
	}
	in := spans()
	views := make([]SpanView, len(in))
	for i, s := range in {
		views[i] = s
	}
	got := NewMapper(MapOptions{}).Map(views)
	if len(got) != len(in) {
		t.Fatalf("%d events for %d spans", len(got), len(in))
	}
	for i, s := range in {
		if want := SpanUUID(s.trace, s.span); got[i].SpanID != want || got[i].TraceID != TraceUUID(s.trace) {
			t.Errorf("event %d: span %s trace %s, want span %s of trace %s", i, got[i].SpanID, got[i].TraceID, want, TraceUUID(s.trace))
		}
	}
	// Each trace alone, in a fresh Mapper, maps to the same events.
	for _, trace := range []byte{1, 2, 3} {
		var alone []SpanView
		var idx []int
		for i, s := range spans() {
			if s.trace[15] == trace {
				alone = append(alone, s)
				idx = append(idx, i)
			}
		}
		want := NewMapper(MapOptions{}).Map(alone)
		for j, i := range idx {
			a, _ := got[i].AppendJSON(nil)
			b, _ := want[j].AppendJSON(nil)
			if string(a) != string(b) {
				t.Errorf("trace %d span %d:\n in the batch %s\n alone        %s", trace, j, a, b)
			}
		}
	}
	if got[0].SessionID != "sess-a" || got[1].UserID != "user-b" || got[2].SessionID != "sess-a" || got[4].UserID != "user-b" || got[3].SessionID != "" {
		t.Errorf("trace-wide values crossed traces: sessions %q %q %q, users %q %q", got[0].SessionID, got[2].SessionID, got[3].SessionID, got[1].UserID, got[4].UserID)
	}
	for i, want := range map[int]string{0: `{"completion_tokens":5,"prompt_tokens":10,"total_tokens":15}`, 1: `{"completion_tokens":3,"prompt_tokens":7,"total_tokens":10}`} {
		if r, _ := json.Marshal(got[i].Metadata.Get("usage_rollup")); string(r) != want {
			t.Errorf("event %d usage_rollup %s, want %s", i, r, want)
		}
	}
	if got[3].ThreadID != ThreadUUID("conv-c") || got[0].ThreadID != got[0].TraceID {
		t.Errorf("threads: C %s (want %s), A %s", got[3].ThreadID, ThreadUUID("conv-c"), got[0].ThreadID)
	}
}
