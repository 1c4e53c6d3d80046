package mapping

import (
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Tool arguments from the requesting tool call (issue 10, item 6). The model call is a
// gen_ai chat span whose gen_ai.output.messages carries tool_call parts (semconv
// gen-ai-output-messages.json: {"type":"tool_call","id","name","arguments"}); the tool
// span is OpenLLMetry's @tool decorator span (traceloop-sdk decorators/base.py:
// traceloop.span.kind "tool", traceloop.entity.name the function name,
// traceloop.entity.input json.dumps({"args": args, "kwargs": kwargs})) or a gen_ai
// execute_tool span without gen_ai.tool.call.arguments.

const twoCalls = `[{"role":"assistant","parts":[` +
	`{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}},` +
	`{"type":"tool_call","id":"call_2","name":"get_weather","arguments":{"city":"Berlin"}}],"finish_reason":"tool_call"}]`

func modelCall(span byte, calls string) *testSpan {
	return newSpan(span, 1, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
		str("gen_ai.request.model", "gpt-4o-mini"), str("gen_ai.output.messages", calls))
}

func traceloopTool(span byte) *testSpan {
	return newSpan(span, 1, "get_weather.tool", str("traceloop.span.kind", "tool"), str("traceloop.entity.name", "get_weather"),
		str("traceloop.entity.input", `{"args": [], "kwargs": {}}`), str("traceloop.entity.output", `{"temperature_c": 21}`))
}

func genAITool(span byte, callID string) *testSpan {
	return newSpan(span, 1, "execute_tool get_weather", str("gen_ai.operation.name", "execute_tool"),
		str("gen_ai.tool.name", "get_weather"), str("gen_ai.tool.call.id", callID))
}

func byName(evs []platform.TraceEvent, name string) *platform.TraceEvent {
	for i := range evs {
		if evs[i].Name == name {
			return &evs[i]
		}
	}
	return nil
}

func wantToolInput(t *testing.T, what string, ev *platform.TraceEvent, input string, marked bool) {
	t.Helper()
	if ev == nil {
		t.Fatalf("%s: no tool event", what)
	}
	if string(ev.Input) != input || (ev.Metadata.Get("input_from_tool_call") == true) != marked {
		t.Errorf("%s: input %s input_from_tool_call %v, want %s %v", what, ev.Input, ev.Metadata.Get("input_from_tool_call"), input, marked)
	}
}

func TestToolArgsFromToolCall(t *testing.T) {
	one := `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]}]`
	evs := mapOne(t, MapOptions{}, traceloopTool(3), modelCall(2, one))
	wantToolInput(t, "one call, by name", byName(evs, "get_weather.tool"), `{"city":"Paris"}`, true)

	evs = mapOne(t, MapOptions{}, modelCall(2, twoCalls), genAITool(3, "call_2"))
	wantToolInput(t, "by call id", byName(evs, "execute_tool get_weather"), `{"city":"Berlin"}`, true)

	evs = mapOne(t, MapOptions{}, modelCall(2, twoCalls), traceloopTool(3))
	wantToolInput(t, "two calls of the tool, no call id", byName(evs, "get_weather.tool"), `{"args":[],"kwargs":{}}`, false)

	evs = mapOne(t, MapOptions{}, modelCall(2, one), genAITool(3, "call_9"))
	wantToolInput(t, "unknown call id", byName(evs, "execute_tool get_weather"), "", false)

	withArgs := genAITool(3, "call_1")
	withArgs.attrs = append(withArgs.attrs, str("gen_ai.tool.call.arguments", `{"city":"Lyon"}`))
	evs = mapOne(t, MapOptions{}, modelCall(2, one), withArgs)
	wantToolInput(t, "own arguments", byName(evs, "execute_tool get_weather"), `{"city":"Lyon"}`, false)

	evs = mapOne(t, MapOptions{OmitContent: true}, modelCall(2, one), traceloopTool(3))
	wantToolInput(t, "omit content", byName(evs, "get_weather.tool"), "", false)
}

// The model call and the tool span in different Map calls, in either order.
func TestToolArgsAcrossMapCalls(t *testing.T) {
	one := `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]}]`
	m := withMemory(MapOptions{})
	m.Map([]SpanView{modelCall(2, one)})
	evs := m.Map([]SpanView{genAITool(3, "call_1")})
	wantToolInput(t, "model call first", byName(evs, "execute_tool get_weather"), `{"city":"Paris"}`, true)

	// The tool span first (OpenLLMetry JS ends the model span after the tool ran): the
	// call that brings its arguments reports them for it (Batch.ToolArgs; internal/tracestate
	// re-sends the event if the platform accepted it).
	m = withMemory(MapOptions{})
	first := m.Map([]SpanView{traceloopTool(3)})
	tool := byName(first, "get_weather.tool")
	wantToolInput(t, "tool first, first call", tool, `{"args":[],"kwargs":{}}`, false)
	second := m.MapBatch([]SpanView{modelCall(2, one)}, m.mem)
	if len(second.Events) != 1 || len(second.ToolArgs) != 1 {
		t.Fatalf("second call: %d events, tool args %+v; want the model call and the tool's arguments", len(second.Events), second.ToolArgs)
	}
	if a := second.ToolArgs[0]; a.TraceID != tool.TraceID || a.SpanID != tool.SpanID {
		t.Errorf("tool args for %s/%s, want %s/%s", a.TraceID, a.SpanID, tool.TraceID, tool.SpanID)
	}
	again := second.ToolArgs[0].Apply(tool)
	wantToolInput(t, "tool first, re-sent", &again, `{"city":"Paris"}`, true)
	if _, ok := tool.Metadata.Lookup("input_from_tool_call"); ok {
		t.Error("Apply changed the event it copied")
	}
	// Not re-sent twice.
	if third := m.MapBatch([]SpanView{modelCall(4, one)}, m.mem); len(third.ToolArgs) != 0 {
		t.Errorf("tool arguments reported again: %+v", third.ToolArgs)
	}
}
