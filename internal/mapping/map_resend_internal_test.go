package mapping

import (
	"fmt"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// TestResendStoreIsBounded: the memory of accepted events holds at most as many traces as
// the trace memory and at most its byte bound; what it lets go is counted; a trace whose
// root was accepted keeps no events.
func TestResendStoreIsBounded(t *testing.T) {
	s := newResendStore(1 << 20)
	big := []byte(`"` + strings.Repeat("x", 10<<10) + `"`)
	for i := range 3 * defaultMemoryTraces {
		ev := platform.TraceEvent{TraceID: fmt.Sprintf("trace-%d", i), SpanID: "child", ParentSpanID: "root", Type: platform.TypeLLM, Input: big}
		s.delivered([]platform.TraceEvent{ev}, platform.SendResult{Accepted: 1})
		if s.bytes > s.max || s.lru.Len() > defaultMemoryTraces {
			t.Fatalf("after %d traces: %d bytes in %d traces, over %d bytes / %d traces", i+1, s.bytes, s.lru.Len(), s.max, defaultMemoryTraces)
		}
	}
	if s.forgotten.Load() == 0 {
		t.Fatal("nothing counted as forgotten")
	}
	// The root accepted: the trace's events are let go.
	s = newResendStore(1 << 20)
	s.delivered([]platform.TraceEvent{{TraceID: "t", SpanID: "child", ParentSpanID: "root", Type: platform.TypeLLM, Input: big}}, platform.SendResult{Accepted: 1})
	before := s.bytes
	s.delivered([]platform.TraceEvent{{TraceID: "t", SpanID: "root", Type: platform.TypeCustom}}, platform.SendResult{Accepted: 1})
	if tr := s.traces["t"]; len(tr.events) != 0 || !tr.rootDone || s.bytes >= before {
		t.Fatalf("after the root: %d events kept, %d bytes (was %d)", len(tr.events), s.bytes, before)
	}
}
