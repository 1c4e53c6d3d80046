package mapping

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// TestResendStoreIsBounded: the memory of accepted events holds at most as many traces as
// the trace memory and at most its byte bound; what it lets go is counted; a trace whose
// root was accepted keeps its events for RootGrace (a child that ends after the root, as
// Google ADK's do, still reaches them), then lets them go without counting them.
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
	// The root accepted: the trace's events stay for RootGrace, then are let go.
	s = newResendStore(1 << 20)
	clock := time.Unix(1000, 0)
	s.now = func() time.Time { return clock }
	s.delivered([]platform.TraceEvent{{TraceID: "t", SpanID: "child", ParentSpanID: "root", Type: platform.TypeLLM, Input: big}}, platform.SendResult{Accepted: 1})
	s.delivered([]platform.TraceEvent{{TraceID: "t", SpanID: "root", Type: platform.TypeCustom}}, platform.SendResult{Accepted: 1})
	if tr := s.traces["t"]; tr == nil || len(tr.events) != 2 || tr.rootAt.IsZero() {
		t.Fatalf("right after the root: %+v", tr)
	}
	clock = clock.Add(RootGrace)
	s.delivered([]platform.TraceEvent{{TraceID: "u", SpanID: "x", ParentSpanID: "y", Type: platform.TypeLLM}}, platform.SendResult{Accepted: 1})
	if tr := s.traces["t"]; tr != nil || s.forgotten.Load() != 0 {
		t.Fatalf("RootGrace after the root: trace kept %v, %d forgotten", tr != nil, s.forgotten.Load())
	}
	if s.traces["u"] == nil {
		t.Fatal("the open trace was let go")
	}
}
