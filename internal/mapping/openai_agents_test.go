package mapping

import (
	"encoding/json"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// OpenAI Agents SDK through @arizeai/openinference-instrumentation-openai-agents: the
// processor maps SDK span types onto OpenInference kinds — agent → AGENT, function and
// handoff → TOOL, generation and response → LLM, custom / guardrail / mcp_tools → CHAIN —
// and sets llm.system "openai" on every span; the SDK trace itself becomes a root AGENT
// span named after the trace (Arize-ai/openinference js/packages/openinference-
// instrumentation-openai-agents/src/processor.ts, getSpanKind / getSpanName /
// extractAttributes).

func oiAgentsSpan(id, parent byte, name, kind string, attrs ...kv) *testSpan {
	s := newSpan(id, parent, name, append([]kv{str("openinference.span.kind", kind), str("llm.system", "openai")}, attrs...)...)
	s.scope = "@arizeai/openinference-instrumentation-openai-agents"
	s.code = StatusCodeOK
	return s
}

// A response span as addResponseAttributes writes it: output.value is the Responses API
// response object, llm.model_name its (dated) model, llm.tools from response.tools,
// llm.token_count.* from response.usage (input_tokens_details.cached_tokens,
// output_tokens_details.reasoning_tokens), llm.output_messages from response.output
// (function_call items become assistant tool calls), input.value the SDK's _input items.
func oiAgentsResponse(id, parent byte, input string, toolCall bool) *testSpan {
	output := `[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"It is 21 degrees and sunny in Paris."}]}]`
	outAttrs := []kv{str("llm.output_messages.0.message.role", "assistant"),
		str("llm.output_messages.0.message.contents.0.message_content.type", "text"),
		str("llm.output_messages.0.message.contents.0.message_content.text", "It is 21 degrees and sunny in Paris.")}
	if toolCall {
		output = `[{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}]`
		outAttrs = []kv{str("llm.output_messages.0.message.role", "assistant"),
			str("llm.output_messages.0.message.tool_calls.0.tool_call.id", "call_1"),
			str("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", "get_weather"),
			str("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", `{"city":"Paris"}`)}
	}
	resp := `{"id":"resp_1","object":"response","model":"gpt-4.1-mini-2025-04-14","status":"completed","output":` + output +
		`,"usage":{"input_tokens":42,"input_tokens_details":{"cached_tokens":8},"output_tokens":17,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":59}}`
	attrs := append([]kv{str("output.value", resp), str("output.mime_type", "application/json"),
		str("llm.model_name", "gpt-4.1-mini-2025-04-14"),
		str("llm.tools.0.tool.json_schema", `{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}`),
		num("llm.token_count.prompt", 42), num("llm.token_count.completion", 17), num("llm.token_count.total", 59),
		num("llm.token_count.prompt_details.cache_read", 8), num("llm.token_count.completion_details.reasoning", 5),
		str("llm.invocation_parameters", `{"id":"resp_1","model":"gpt-4.1-mini-2025-04-14"}`),
		str("input.value", input), str("input.mime_type", "application/json")}, outAttrs...)
	return oiAgentsSpan(id, parent, "response", "LLM", attrs...)
}

// Two agents with a handoff, an input guardrail, a function tool that fails once, and three
// model calls: kinds per OpenInference kind (handoff and guardrail refined), Σ prompt = 3 × 42,
// the failed function keeps type tool.
func TestOpenInferenceAgentsHandoffGuardrail(t *testing.T) {
	in1 := `[{"type":"message","role":"user","content":"What is the weather in Paris?"}]`
	spans := []*testSpan{
		oiAgentsSpan(1, 0, "Agent workflow", "AGENT"),
		oiAgentsSpan(2, 1, "Triage agent", "AGENT", str("graph.node.id", "Triage agent")),
		oiAgentsSpan(3, 2, "is_on_topic", "CHAIN", str("tool.name", "is_on_topic"), kv{"guardrail.triggered", BoolValue(false)}),
		oiAgentsResponse(4, 2, in1, false),
		oiAgentsSpan(5, 2, "handoff to Weather agent", "TOOL"),
		oiAgentsSpan(6, 1, "Weather agent", "AGENT", str("graph.node.id", "Weather agent"), str("graph.node.parent_id", "Triage agent")),
		oiAgentsResponse(7, 6, in1, true),
		oiAgentsSpan(8, 6, "get_weather", "TOOL", str("tool.name", "get_weather"), str("input.value", `{"city":"Paris"}`),
			str("input.mime_type", "application/json"), str("output.value", "An error occurred while running the tool."),
		),
		oiAgentsResponse(9, 6, in1, false),
	}
	spans[7].code, spans[7].msg = StatusCodeError, `Error running tool: {"tool_name":"get_weather","error":"boom"}`
	evs := mapOne(t, MapOptions{}, spans...)
	want := []struct {
		typ  platform.Type
		kind string
	}{
		{platform.TypeCustom, "agent"}, {platform.TypeCustom, "agent"}, {platform.TypeCustom, "guardrail"}, {platform.TypeLLM, "llm"}, {platform.TypeTool, "handoff"},
		{platform.TypeCustom, "agent"}, {platform.TypeLLM, "llm"}, {platform.TypeTool, "tool"}, {platform.TypeLLM, "llm"},
	}
	for i, w := range want {
		if evs[i].Type != w.typ || evs[i].Metadata.Get("kind") != w.kind {
			t.Errorf("%s: type %s kind %v, want %s %s", evs[i].Name, evs[i].Type, evs[i].Metadata.Get("kind"), w.typ, w.kind)
		}
	}
	if got := sumPrompt(evs); got != 126 {
		t.Errorf("Σ prompt_tokens = %d, want 126 (three calls)", got)
	}
	for _, i := range []int{3, 6, 8} {
		u := evs[i].Usage
		if u == nil || u.CachedTokens != 8 || u.ReasoningTokens != 5 || evs[i].Model != "gpt-4.1-mini-2025-04-14" || evs[i].Provider != "openai" {
			t.Errorf("%s: usage %+v model %q provider %q", evs[i].Name, u, evs[i].Model, evs[i].Provider)
		}
	}
	if evs[7].Status != platform.StatusError || evs[7].Error == nil {
		t.Errorf("failed function: status %s error %+v", evs[7].Status, evs[7].Error)
	}
	if evs[2].Metadata.Get("guardrail.triggered") != false {
		t.Errorf("guardrail.triggered not kept: %v", evs[2].Metadata.Get("guardrail.triggered"))
	}
	var out struct {
		ToolCalls []struct{ Name string } `json:"tool_calls"`
	}
	if err := json.Unmarshal(evs[6].Output, &out); err != nil || len(out.ToolCalls) != 1 || out.ToolCalls[0].Name != "get_weather" {
		t.Errorf("tool-calling response output %s", evs[6].Output)
	}
	// Aggregates never carry usage of their own here; the roll-up is in metadata.
	for _, i := range []int{0, 1, 5} {
		if evs[i].Usage != nil || evs[i].Metadata.Get("usage_rollup") == nil {
			t.Errorf("%s: usage %+v rollup %v", evs[i].Name, evs[i].Usage, evs[i].Metadata.Get("usage_rollup"))
		}
	}
}

// A response span of a processor version that does not flatten the request: input.value is
// the SDK's Responses API input items. Items with no message equivalent (here a reasoning
// item, as reasoning models return and the SDK sends back) keep all the items as sent
// (never dropped).
func TestOpenInferenceAgentsResponseInputKept(t *testing.T) {
	in := `[{"type":"message","role":"user","content":"What is the weather in Paris?"},` +
		`{"type":"reasoning","id":"rs_1","summary":[]},` +
		`{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},` +
		`{"type":"function_call_output","call_id":"call_1","output":"{\"city\":\"Paris\",\"temperature_c\":21}"}]`
	ev := mapOne(t, MapOptions{}, oiAgentsResponse(1, 0, in, false))[0]
	var items []map[string]any
	if err := json.Unmarshal(ev.Input, &items); err != nil || len(items) != 4 || items[1]["type"] != "reasoning" {
		t.Errorf("input %s, want the four input items", ev.Input)
	}
	if string(ev.Output) != `{"response":"It is 21 degrees and sunny in Paris."}` {
		t.Errorf("output %s", ev.Output)
	}
}

func TestOpenInferenceAgentsResponseInputAsMessages(t *testing.T) {
	in := `[{"type":"message","role":"user","content":"What is the weather in Paris?"},` +
		`{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},` +
		`{"type":"function_call_output","call_id":"call_1","output":"{\"city\":\"Paris\",\"temperature_c\":21}"}]`
	ev := mapOne(t, MapOptions{}, oiAgentsResponse(1, 0, in, false))[0]
	var got struct {
		Messages []struct {
			Role       string `json:"role"`
			ToolCallID string `json:"tool_call_id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(ev.Input, &got); err != nil || len(got.Messages) != 3 || got.Messages[1].Role != "assistant" ||
		got.Messages[2].Role != "tool" || got.Messages[2].ToolCallID != "call_1" {
		t.Errorf("input %s", ev.Input)
	}
}

// metadata.kind and type for every openinference.span.kind value (OpenInference semantic
// conventions, OpenInferenceSpanKind).
func TestOpenInferenceKinds(t *testing.T) {
	for k, w := range map[string]struct {
		typ  platform.Type
		kind string
	}{
		"LLM": {platform.TypeLLM, "llm"}, "EMBEDDING": {platform.TypeLLM, "embedding"}, "TOOL": {platform.TypeTool, "tool"},
		"AGENT": {platform.TypeCustom, "agent"}, "CHAIN": {platform.TypeCustom, "chain"}, "RETRIEVER": {platform.TypeCustom, "retrieval"},
		"RERANKER": {platform.TypeCustom, "reranker"}, "GUARDRAIL": {platform.TypeCustom, "guardrail"}, "EVALUATOR": {platform.TypeCustom, "evaluator"},
		"PROMPT": {platform.TypeCustom, "prompt"}, "llm": {platform.TypeLLM, "llm"},
	} {
		s := newSpan(1, 2, "span", str("openinference.span.kind", k))
		ev := mapOne(t, MapOptions{}, s)[0]
		if ev.Type != w.typ || ev.Metadata.Get("kind") != w.kind {
			t.Errorf("%s: type %s kind %v, want %s %s", k, ev.Type, ev.Metadata.Get("kind"), w.typ, w.kind)
		}
	}
}
