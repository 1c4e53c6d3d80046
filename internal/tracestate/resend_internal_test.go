package tracestate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// TestResendStoreIsBounded: the memory of accepted events holds at most as many traces as
// MaxTraces (the trace memory's bound) and at most its byte bound; what it lets go is counted; a trace whose
// root was accepted keeps its events for RootGrace (a child that ends after the root, as
// Google ADK's do, still reaches them), then lets them go without counting them.
func TestResendStoreIsBounded(t *testing.T) {
	s := newResendStore(1 << 20)
	big := []byte(`"` + strings.Repeat("x", 10<<10) + `"`)
	for i := range 3 * MaxTraces {
		ev := platform.TraceEvent{TraceID: fmt.Sprintf("trace-%d", i), SpanID: "child", ParentSpanID: "root", Type: platform.TypeLLM, Input: big}
		s.delivered([]platform.TraceEvent{ev}, []bool{true})
		if s.bytes > s.max || s.lru.Len() > MaxTraces {
			t.Fatalf("after %d traces: %d bytes in %d traces, over %d bytes / %d traces", i+1, s.bytes, s.lru.Len(), s.max, MaxTraces)
		}
	}
	if s.forgotten.Load() == 0 {
		t.Fatal("nothing counted as forgotten")
	}
	// The root accepted: the trace's events stay for RootGrace, then are let go.
	s = newResendStore(1 << 20)
	clock := time.Unix(1000, 0)
	s.now = func() time.Time { return clock }
	s.delivered([]platform.TraceEvent{{TraceID: "t", SpanID: "child", ParentSpanID: "root", Type: platform.TypeLLM, Input: big}}, []bool{true})
	s.delivered([]platform.TraceEvent{{TraceID: "t", SpanID: "root", Type: platform.TypeCustom}}, []bool{true})
	if tr := s.traces["t"]; tr == nil || len(tr.events) != 2 || tr.rootAt.IsZero() {
		t.Fatalf("right after the root: %+v", tr)
	}
	clock = clock.Add(RootGrace)
	s.delivered([]platform.TraceEvent{{TraceID: "u", SpanID: "x", ParentSpanID: "y", Type: platform.TypeLLM}}, []bool{true})
	if tr := s.traces["t"]; tr != nil || s.forgotten.Load() != 0 {
		t.Fatalf("RootGrace after the root: trace kept %v, %d forgotten", tr != nil, s.forgotten.Load())
	}
	if s.traces["u"] == nil {
		t.Fatal("the open trace was let go")
	}
}

// TestToolArgsReachAcceptedEvents: arguments a later call finds for a tool event the
// platform accepted without them are sent once, in a copy of the accepted event; with new
// trace-wide values in the same call, the one re-send carries both; a tool event never
// accepted is not sent by the re-send (its span's retry maps it again).
func TestToolArgsReachAcceptedEvents(t *testing.T) {
	tool := platform.TraceEvent{TraceID: "t", SpanID: "tool", ParentSpanID: "root", ThreadID: "t", Type: platform.TypeTool,
		Name: "get_weather", Input: []byte(`{"args":[],"kwargs":{}}`), Metadata: platform.MetadataFromMap(map[string]any{"otel.span_id": "x"})}
	args := mapping.ToolArgs{TraceID: "t", SpanID: "tool", Args: []byte(`{"city":"Paris"}`)}
	same := mapping.TraceValues{TraceID: "t", ThreadID: "t"}

	s := newResendStore(1 << 20)
	s.delivered([]platform.TraceEvent{tool}, []bool{true})
	out := s.resolved(&mapping.Batch{Traces: []mapping.TraceValues{same}, ToolArgs: []mapping.ToolArgs{args}})
	if len(out) != 1 || string(out[0].Input) != `{"city":"Paris"}` || out[0].Metadata.Get("input_from_tool_call") != true {
		t.Fatalf("re-sent %+v, want the tool event with its arguments", out)
	}
	if _, ok := tool.Metadata.Lookup("input_from_tool_call"); ok {
		t.Fatal("the accepted event's metadata map was changed")
	}
	if again := s.resolved(&mapping.Batch{Traces: []mapping.TraceValues{same}}); len(again) != 0 {
		t.Fatalf("a later call re-sent %d events", len(again))
	}

	s = newResendStore(1 << 20)
	s.delivered([]platform.TraceEvent{tool}, []bool{true})
	conv := mapping.TraceValues{TraceID: "t", Version: 1, ThreadID: "thread-1", ConversationID: "c1"}
	out = s.resolved(&mapping.Batch{Traces: []mapping.TraceValues{conv}, ToolArgs: []mapping.ToolArgs{args}})
	if len(out) != 1 || string(out[0].Input) != `{"city":"Paris"}` || out[0].ThreadID != "thread-1" {
		t.Fatalf("re-sent %+v, want one event with the arguments and the thread", out)
	}
	if s.resent.Load() != 1 {
		t.Fatalf("counted %d re-sends, want 1", s.resent.Load())
	}

	s = newResendStore(1 << 20)
	s.delivered([]platform.TraceEvent{tool}, []bool{false})
	if out := s.resolved(&mapping.Batch{Traces: []mapping.TraceValues{same}, ToolArgs: []mapping.ToolArgs{args}}); len(out) != 0 {
		t.Fatalf("a tool event never accepted was re-sent: %+v", out)
	}
}
