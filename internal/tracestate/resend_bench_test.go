package tracestate

import (
	"fmt"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// BenchmarkResendDelivered: what the re-send memory costs per accepted event, calls of 20
// new traces × 5 spans (the shape of collectorexporter's BenchmarkConsumeTraces, whose
// repeated batch only ever accepts the same events again). The ids cycle through twice
// MaxTraces traces, so every call's traces are new to the store (LRU).
func BenchmarkResendDelivered(b *testing.B) {
	s := newResendStore(DefaultResendMemoryBytes)
	traces := make([]string, 2*MaxTraces)
	for i := range traces {
		traces[i] = fmt.Sprintf("0190a5e0-0000-7000-8000-%012x", i)
	}
	spans := make([]string, 5)
	for i := range spans {
		spans[i] = fmt.Sprintf("0190a5e0-0000-7000-9000-%012x", i)
	}
	events := make([]platform.TraceEvent, 100)
	accepted := make([]bool, len(events))
	for i := range accepted {
		accepted[i] = true
	}
	input := []byte(`[{"role":"user","content":"hello"}]`)
	next := 0
	b.ReportAllocs()
	for b.Loop() {
		for i := range events {
			if i%len(spans) == 0 {
				next = (next + 1) % len(traces)
			}
			events[i] = platform.TraceEvent{TraceID: traces[next], SpanID: spans[i%len(spans)], ParentSpanID: "p", Type: platform.TypeLLM, Input: input}
		}
		s.delivered(events, accepted)
	}
}
