package mapping

import (
	"encoding/json"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Python instrumentations of open-telemetry/opentelemetry-python-contrib
// (instrumentation-genai/): what their code emits for the fake provider's calls, and what
// the platform must receive.

func pySpan(id, parent byte, name, scope string, attrs ...kv) *testSpan {
	s := newSpan(id, parent, name, attrs...)
	s.scope, s.kind = scope, SpanKindClient
	return s
}

func jsonOf(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %s (%v)", raw, err)
	}
	return m
}

func wantOpenAICall(t *testing.T, ev platform.TraceEvent) {
	t.Helper()
	if ev.Type != platform.TypeLLM || ev.Provider != "openai" || ev.Model != oaModelDated {
		t.Errorf("%s: type %q provider %q model %q, want llm / openai / %s", ev.Name, ev.Type, ev.Provider, ev.Model, oaModelDated)
	}
	if ev.Usage == nil {
		t.Fatalf("%s: no usage", ev.Name)
	}
	if u := *ev.Usage; u.PromptTokens != 42 || u.CompletionTokens != 17 || u.TotalTokens != 59 {
		t.Errorf("%s: usage %+v, want 42 / 17 / 59", ev.Name, u)
	}
}

// opentelemetry-instrumentation-openai-v2 with OTEL_SEMCONV_STABILITY_OPT_IN=
// gen_ai_latest_experimental goes through opentelemetry-util-genai's InferenceInvocation
// (util/opentelemetry-util-genai/src/opentelemetry/util/genai/_inference_invocation.py):
// gen_ai.provider.name, gen_ai.input.messages / gen_ai.output.messages as JSON strings in
// OTel parts form (tool calls as tool_call parts, tool results as tool_call_response with
// "response"), usage as gen_ai.usage.input_tokens / output_tokens /
// cache_read.input_tokens (openai_v2/utils.py _prepare_input_messages,
// create_chat_invocation). Without the opt-in it sets gen_ai.system and emits content only
// as log records (message_to_event / choice_to_event): the span then has no content.
func TestPythonOpenAIV2ToolLoop(t *testing.T) {
	const scope = "opentelemetry.instrumentation.openai_v2"
	call := func(id byte, in, out, finish string) *testSpan {
		return pySpan(id, 0, "chat "+oaModel, scope,
			str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", oaModel),
			str("gen_ai.provider.name", "openai"), str("server.address", "127.0.0.1"), num("server.port", 8911),
			str("gen_ai.response.model", oaModelDated), str("gen_ai.response.id", "chatcmpl-1"),
			kv{"gen_ai.response.finish_reasons", ListValue(vlist{StrValue(finish)})},
			num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
			num("gen_ai.usage.cache_read.input_tokens", 8),
			str("gen_ai.input.messages", in), str("gen_ai.output.messages", out))
	}
	first := call(1,
		`[{"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]}]`,
		`[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}],"finish_reason":"tool_calls"}]`,
		"tool_calls")
	second := call(2,
		`[{"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]},`+
			`{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}]},`+
			`{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","response":"{\"temperature_c\":21}"}]}]`,
		`[{"role":"assistant","parts":[{"type":"text","content":"It is 21 degrees in Paris."}],"finish_reason":"stop"}]`,
		"stop")
	second.trace[0] = 9 // a second trace, as two create() calls without a parent are
	evs := mapOne(t, MapOptions{}, first, second)
	for _, e := range evs {
		wantOpenAICall(t, e)
		if e.Usage.CachedTokens != 8 {
			t.Errorf("%s: cached %d, want 8", e.Name, e.Usage.CachedTokens)
		}
	}
	out := jsonOf(t, evs[0].Output)
	tcs, _ := out["tool_calls"].([]any)
	if len(tcs) != 1 || tcs[0].(map[string]any)["name"] != "get_weather" {
		t.Errorf("first call output %s, want the get_weather tool call", evs[0].Output)
	}
	in := jsonOf(t, evs[1].Input)
	msgs, _ := in["messages"].([]any)
	if len(msgs) != 3 {
		t.Fatalf("second call input %s, want 3 messages", evs[1].Input)
	}
	if tm := msgs[2].(map[string]any); tm["role"] != "tool" || tm["tool_call_id"] != "call_1" {
		t.Errorf("tool message %v, want role tool with tool_call_id call_1", tm)
	}
	if got := jsonOf(t, evs[1].Output)["response"]; got != "It is 21 degrees in Paris." {
		t.Errorf("second call response %v", got)
	}
}

// Without the opt-in: gen_ai.system, no content on the span (content goes to log
// records), a failed call gets error.type = the exception's qualified name and status ERROR
// with str(error) (openai_v2/utils.py handle_span_exception; no exception event).
func TestPythonOpenAIV2DefaultModeAndError(t *testing.T) {
	const scope = "opentelemetry.instrumentation.openai_v2"
	ok := pySpan(1, 0, "chat "+oaModel, scope,
		str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"), str("gen_ai.request.model", oaModel),
		str("gen_ai.response.model", oaModelDated), num("gen_ai.usage.input_tokens", 42),
		num("gen_ai.usage.output_tokens", 17), kv{"gen_ai.response.finish_reasons", ListValue(vlist{StrValue("stop")})})
	bad := pySpan(2, 0, "chat "+oaModel, scope,
		str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"), str("gen_ai.request.model", oaModel),
		str("error.type", "InternalServerError"))
	bad.trace[0], bad.code, bad.msg = 7, StatusCodeError, "Error code: 500 - {'error': {'message': 'fake failure'}}"
	evs := mapOne(t, MapOptions{}, ok, bad)
	wantOpenAICall(t, evs[0])
	if string(evs[0].Output) != `{"finish_reason":"stop"}` || evs[0].Input != nil {
		t.Errorf("default mode: input %s output %s, want no content and the finish reason", evs[0].Input, evs[0].Output)
	}
	e := evs[1]
	if e.Type != platform.TypeLLM || e.Status != platform.StatusError || e.Error == nil || e.Error.Type != "InternalServerError" ||
		e.Error.Message != bad.msg || e.Usage != nil || e.Model != oaModel || e.Provider != "openai" {
		t.Errorf("failed call: %+v error %+v", e, e.Error)
	}
}

// opentelemetry-instrumentation-anthropic (python-contrib messages_extractors.py
// extract_usage_tokens): gen_ai.usage.input_tokens is already input + cache reads + cache
// writes, beside gen_ai.usage.cache_read.input_tokens; the system prompt goes to
// gen_ai.system_instructions and tool_use / tool_result blocks become tool_call /
// tool_call_response parts (utils.py convert_content_to_parts). The inclusive 42 must not
// grow to 50.
func TestPythonAnthropicInclusiveNotDoubled(t *testing.T) {
	s := pySpan(1, 0, "chat "+anthModel, "opentelemetry.instrumentation.anthropic",
		str("gen_ai.operation.name", "chat"), str("gen_ai.system", "anthropic"), str("gen_ai.provider.name", "anthropic"),
		str("gen_ai.request.model", anthModel), str("gen_ai.response.model", anthModelDated),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
		num("gen_ai.usage.cache_read.input_tokens", 8), num("gen_ai.usage.cache_creation.input_tokens", 0),
		str("gen_ai.system_instructions", `[{"type":"text","content":"You are a weather assistant."}]`),
		str("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]}]`),
		str("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"tool_call","id":"toolu_1","name":"get_weather","arguments":{"city":"Paris"}}],"finish_reason":"tool_call"}]`))
	evs := mapOne(t, MapOptions{}, s)
	wantAnthropicCall(t, evs[0])
	if evs[0].Metadata.Get("usage_converted") != nil {
		t.Errorf("inclusive counts converted: %v", evs[0].Metadata.Get("usage_converted"))
	}
	if in := jsonOf(t, evs[0].Input); in["system"] != "You are a weather assistant." {
		t.Errorf("input %s, want the system instructions as system", evs[0].Input)
	}
}

// The openai-v2 variant kept under instrumentation-genai/llm-clients/ of python-contrib
// (openai_v2/utils.py): gen_ai.system from the base URL (google_vertex, aws_bedrock, azure,
// openrouter), request messages as JSON in gen_ai.request.messages, the answer's text in
// gen_ai.response.content, llm.usage.total_tokens, cached and reasoning counts as
// gen_ai.usage.input_tokens_details.cached / gen_ai.usage.output_tokens_details.reasoning.
func TestPythonOpenAIV2LLMClientsKeys(t *testing.T) {
	s := pySpan(1, 0, "chat "+oaModel, "opentelemetry.instrumentation.openai_v2",
		str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"), str("gen_ai.request.model", oaModel),
		str("gen_ai.openai.api_base", "http://127.0.0.1:8911/v1/"), str("gen_ai.response.model", oaModelDated),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17), num("llm.usage.total_tokens", 59),
		num("gen_ai.usage.input_tokens_details.cached", 8), num("gen_ai.usage.output_tokens_details.reasoning", 5),
		str("gen_ai.request.messages", `[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]`),
		str("gen_ai.response.content", "Hello."))
	v := pySpan(2, 0, "chat gemini-2.0-flash", "opentelemetry.instrumentation.openai_v2",
		str("gen_ai.operation.name", "chat"), str("gen_ai.system", "google_vertex"), str("gen_ai.request.model", "gemini-2.0-flash"))
	v.trace[0] = 5
	evs := mapOne(t, MapOptions{}, s, v)
	wantOpenAICall(t, evs[0])
	if u := evs[0].Usage; u.CachedTokens != 8 || u.ReasoningTokens != 5 {
		t.Errorf("usage %+v, want cached 8 reasoning 5", *u)
	}
	if string(evs[0].Input) != `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}` {
		t.Errorf("input %s", evs[0].Input)
	}
	if jsonOf(t, evs[0].Output)["response"] != "Hello." {
		t.Errorf("output %s", evs[0].Output)
	}
	for _, k := range []string{"gen_ai.request.messages", "gen_ai.response.content", "gen_ai.usage.output_tokens_details.reasoning"} {
		if _, ok := evs[0].Metadata.Lookup(k); ok {
			t.Errorf("mapped key %s also left in metadata", k)
		}
	}
	if evs[1].Provider != "gcp.vertex_ai" {
		t.Errorf("google_vertex → %q, want gcp.vertex_ai", evs[1].Provider)
	}
}
