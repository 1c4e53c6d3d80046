package mapping

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// Anthropic calls through each instrumentation library, as the library's code emits them,
// against the fake provider's Anthropic facts: input_tokens 34 (exclusive) + 8 cache reads
// = 42 inclusive, output_tokens 17, dated response model.

const (
	anthModel      = "claude-3-5-haiku-latest"
	anthModelDated = "claude-3-5-haiku-20241022"
	// Anthropic's raw usage object as @ai-sdk/anthropic copies it into providerMetadata
	// (vercel/ai packages/anthropic/src/anthropic-messages-language-model.ts:
	// `providerMetadata: {anthropic: {usage: response.usage as JSONObject,
	// cacheCreationInputTokens: response.usage.cache_creation_input_tokens ?? null}}`).
	anthProviderMD = `{"anthropic":{"usage":{"input_tokens":34,"cache_creation_input_tokens":0,` +
		`"cache_read_input_tokens":8,"output_tokens":17,"service_tier":"standard"},"cacheCreationInputTokens":0}}`
)

// usageIs reports a mismatch of the fields the fake provider fixes for one Anthropic call.
func wantAnthropicCall(t *testing.T, ev platform.TraceEvent) {
	t.Helper()
	if ev.Type != platform.TypeLLM {
		t.Errorf("%s: type %q, want llm", ev.Name, ev.Type)
	}
	if ev.Usage == nil {
		t.Fatalf("%s: no usage", ev.Name)
	}
	u := *ev.Usage
	if u.PromptTokens != 42 || u.CompletionTokens != 17 || u.TotalTokens != 59 || u.CachedTokens != 8 {
		t.Errorf("%s: usage %+v, want prompt 42 (34 + 8 cache reads), completion 17, total 59, cached 8", ev.Name, u)
	}
	if ev.Provider != "anthropic" {
		t.Errorf("%s: provider %q, want anthropic", ev.Name, ev.Provider)
	}
	if ev.Model != anthModelDated {
		t.Errorf("%s: model %q, want the dated response model", ev.Name, ev.Model)
	}
}

func sumPrompt(evs []platform.TraceEvent) (n int64) {
	for _, e := range evs {
		if e.Usage != nil {
			n += e.Usage.PromptTokens
		}
	}
	return n
}

// aiSDKCommon are the attributes every AI SDK v5 span of a call carries
// (vercel/ai packages/ai/src/telemetry/get-base-telemetry-attributes.ts).
func aiSDKCommon(op string) []kv {
	return []kv{
		str("operation.name", op+" weather-agent"), str("resource.name", "weather-agent"),
		str("ai.operationId", op), str("ai.telemetry.functionId", "weather-agent"),
		str("ai.model.provider", "anthropic.messages"), str("ai.model.id", anthModel),
		str("ai.telemetry.metadata.sessionId", "sess-heldout-001"),
		str("ai.telemetry.metadata.userId", "user-heldout-42"),
	}
}

func aiSpan(id, parent byte, op string, extra ...kv) *testSpan {
	s := newSpan(id, parent, op, append(aiSDKCommon(op), extra...)...)
	s.scope = "ai"
	return s
}

// AI SDK v5 generateText → doGenerate with @ai-sdk/anthropic v2: usage.inputTokens is
// Anthropic's raw input_tokens (cache excluded) and telemetry records it as
// ai.usage.promptTokens and gen_ai.usage.input_tokens; the cache reads are only in
// providerMetadata (vercel/ai packages/ai/core/generate-text/generate-text.ts, v5 branch:
// `'ai.usage.promptTokens': result.usage.inputTokens`, `'gen_ai.usage.input_tokens':
// result.usage.inputTokens`; packages/anthropic/src/anthropic-messages-language-model.ts v2:
// `inputTokens: response.usage.input_tokens, cachedInputTokens: cache_read_input_tokens`).
func TestAISDKv5AnthropicToolLoop(t *testing.T) {
	doGen := func(id byte, finish string, out kv) *testSpan {
		return aiSpan(id, 1, "ai.generateText.doGenerate",
			str("ai.prompt.messages", `[{"role":"system","content":"You are a weather assistant."},{"role":"user","content":[{"type":"text","text":"What is the weather in Paris?"}]}]`),
			str("gen_ai.system", "anthropic.messages"), str("gen_ai.request.model", anthModel),
			str("ai.response.finishReason", finish), out,
			str("ai.response.id", "msg_fake"), str("ai.response.model", anthModelDated),
			str("ai.response.providerMetadata", anthProviderMD),
			num("ai.usage.promptTokens", 34), num("ai.usage.completionTokens", 17),
			str("gen_ai.response.model", anthModelDated),
			num("gen_ai.usage.input_tokens", 34), num("gen_ai.usage.output_tokens", 17))
	}
	outer := aiSpan(1, 0, "ai.generateText",
		str("ai.prompt", `{"system":"You are a weather assistant.","prompt":"What is the weather in Paris?"}`),
		str("ai.response.finishReason", "stop"), str("ai.response.text", "It is 21 degrees and sunny in Paris."),
		// The outer span reports totalUsage (two calls, each exclusive) and the last step's
		// providerMetadata.
		str("ai.response.providerMetadata", anthProviderMD),
		num("ai.usage.promptTokens", 68), num("ai.usage.completionTokens", 34))
	tool := aiSpan(3, 2, "ai.toolCall", str("ai.toolCall.name", "get_weather"), str("ai.toolCall.id", "toolu_1"),
		str("ai.toolCall.args", `{"city":"Paris"}`), str("ai.toolCall.result", `{"city":"Paris","temperature_c":21}`))
	evs := mapOne(t, MapOptions{}, outer,
		doGen(2, "tool-calls", str("ai.response.toolCalls", `[{"toolCallId":"toolu_1","toolName":"get_weather","input":"{\"city\":\"Paris\"}"}]`)),
		tool, doGen(4, "stop", str("ai.response.text", "It is 21 degrees and sunny in Paris.")))
	wantAnthropicCall(t, evs[1])
	wantAnthropicCall(t, evs[3])
	if got := sumPrompt(evs); got != 84 {
		t.Errorf("Σ prompt_tokens = %d, want 84 (two calls)", got)
	}
	if evs[0].Usage != nil || evs[0].Metadata.Get("usage_rollup") == nil {
		t.Errorf("outer ai.generateText: usage %+v rollup %v, want only the roll-up", evs[0].Usage, evs[0].Metadata.Get("usage_rollup"))
	}
	if evs[2].Type != platform.TypeTool || evs[2].ParentSpanID != evs[1].SpanID {
		t.Errorf("tool event %s parent %s", evs[2].Type, evs[2].ParentSpanID)
	}
	for _, e := range evs {
		if e.UserID != "user-heldout-42" || e.SessionID != "sess-heldout-001" {
			t.Errorf("%s: user %q session %q", e.Name, e.UserID, e.SessionID)
		}
	}
}

// AI SDK v5 streamText → doStream: the step's usage is recorded as ai.usage.inputTokens
// (raw, exclusive for Anthropic), ai.usage.cachedInputTokens, ai.usage.totalTokens, plus
// ai.response.msToFirstChunk and the ai.stream.firstChunk event (vercel/ai
// packages/ai/src/generate-text/stream-text.ts, v5 flush(): `'ai.usage.inputTokens':
// stepUsage.inputTokens, … 'ai.usage.cachedInputTokens': stepUsage.cachedInputTokens`).
func TestAISDKv5AnthropicStream(t *testing.T) {
	s := aiSpan(2, 1, "ai.streamText.doStream",
		str("ai.prompt.messages", `[{"role":"user","content":[{"type":"text","text":"Hi"}]}]`),
		str("gen_ai.system", "anthropic.messages"), str("gen_ai.request.model", anthModel),
		kv{"ai.response.msToFirstChunk", DoubleValue(12.5)}, kv{"ai.response.msToFinish", DoubleValue(40)},
		kv{"ai.response.avgOutputTokensPerSecond", DoubleValue(425)},
		str("ai.response.finishReason", "stop"), str("ai.response.text", "Hello."),
		str("ai.response.model", anthModelDated), str("ai.response.providerMetadata", anthProviderMD),
		num("ai.usage.inputTokens", 34), num("ai.usage.outputTokens", 17), num("ai.usage.totalTokens", 51),
		num("ai.usage.cachedInputTokens", 8),
		str("gen_ai.response.model", anthModelDated),
		num("gen_ai.usage.input_tokens", 34), num("gen_ai.usage.output_tokens", 17))
	s.events = []testEvent{{"ai.stream.firstChunk", t0.Add(12 * time.Millisecond), kvs{kv{"ai.response.msToFirstChunk", DoubleValue(12.5)}}}}
	ev := mapOne(t, MapOptions{}, s)[0]
	wantAnthropicCall(t, ev)
	if ev.Metadata.Get("ai.response.msToFirstChunk") != 12.5 {
		t.Errorf("msToFirstChunk not kept in metadata: %v", ev.Metadata.Get("ai.response.msToFirstChunk"))
	}
	if string(ev.Output) != `{"response":"Hello.","finish_reason":"stop"}` {
		t.Errorf("output %s", ev.Output)
	}
}

// AI SDK v6 (LanguageModelV3): @ai-sdk/anthropic v3 reports inputTokens.total =
// input + cache reads + cache writes (vercel/ai
// packages/anthropic/src/convert-anthropic-messages-usage.ts), and early v6 telemetry
// records only `'ai.usage.promptTokens': result.usage.inputTokens.total`; later v6 adds
// ai.usage.inputTokenDetails.{noCacheTokens,cacheReadTokens} and ai.usage.cachedInputTokens.
// The count is inclusive already and must not be raised again (42, not 50).
func TestAISDKv6AnthropicInclusiveNotDoubled(t *testing.T) {
	early := aiSpan(2, 0, "ai.generateText.doGenerate",
		str("ai.response.model", anthModelDated), str("ai.response.providerMetadata", anthProviderMD),
		num("ai.usage.promptTokens", 42), num("ai.usage.completionTokens", 17),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
	wantAnthropicCall(t, mapOne(t, MapOptions{}, early)[0])

	later := aiSpan(2, 0, "ai.streamText.doStream",
		str("ai.response.model", anthModelDated), str("ai.response.providerMetadata", anthProviderMD),
		num("ai.usage.inputTokens", 42), num("ai.usage.inputTokenDetails.noCacheTokens", 34),
		num("ai.usage.inputTokenDetails.cacheReadTokens", 8), num("ai.usage.inputTokenDetails.cacheWriteTokens", 0),
		num("ai.usage.outputTokens", 17), num("ai.usage.totalTokens", 59), num("ai.usage.cachedInputTokens", 8),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
	wantAnthropicCall(t, mapOne(t, MapOptions{}, later)[0])
}

// AI SDK v7 with @ai-sdk/otel: `chat {model}` spans carry gen_ai.usage.input_tokens
// (inclusive), gen_ai.usage.cache_read.input_tokens, the ai.usage.inputTokenDetails.* extras
// and ai.response.providerMetadata; invoke_agent repeats the totals (capture
// vercel-ai-v7-otel-tool-loop, same keys for provider anthropic).
func TestAISDKv7OtelAnthropicAgent(t *testing.T) {
	chat := func(id, parent byte) *testSpan {
		s := newSpan(id, parent, "chat "+anthModel,
			str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "anthropic"),
			str("gen_ai.request.model", anthModel), str("gen_ai.response.model", anthModelDated),
			num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
			num("gen_ai.usage.cache_read.input_tokens", 8),
			str("ai.response.providerMetadata", anthProviderMD),
			num("ai.usage.inputTokenDetails.noCacheTokens", 34))
		s.scope = "gen_ai"
		return s
	}
	agent := newSpan(1, 0, "invoke_agent weather-agent", str("gen_ai.operation.name", "invoke_agent"),
		str("gen_ai.provider.name", "anthropic"), str("gen_ai.agent.name", "weather-agent"),
		str("ai.settings.context.conversationId", "conv-heldout-7"),
		num("gen_ai.usage.input_tokens", 84), num("gen_ai.usage.output_tokens", 34),
		num("gen_ai.usage.cache_read.input_tokens", 16), str("ai.response.providerMetadata", anthProviderMD),
		num("ai.usage.inputTokenDetails.noCacheTokens", 68))
	step1 := newSpan(2, 1, "step 1", str("gen_ai.operation.name", "agent_step"))
	step2 := newSpan(4, 1, "step 2", str("gen_ai.operation.name", "agent_step"))
	evs := mapOne(t, MapOptions{}, agent, step1, chat(3, 2), step2, chat(5, 4))
	wantAnthropicCall(t, evs[2])
	wantAnthropicCall(t, evs[4])
	if got := sumPrompt(evs); got != 84 {
		t.Errorf("Σ prompt_tokens = %d, want 84", got)
	}
	if evs[0].Type != platform.TypeChat || evs[0].Usage != nil {
		t.Errorf("root: type %s usage %+v, want chat without usage", evs[0].Type, evs[0].Usage)
	}
}

// @arizeai/openinference-instrumentation-anthropic (JS), non-streaming messages.create:
// llm.token_count.prompt is Anthropic's raw input_tokens and no cache detail is set, but
// output.value is JSON.stringify(result) with the full usage object (Arize-ai/openinference
// js/packages/openinference-instrumentation-anthropic/src/instrumentation.ts,
// getAnthropicUsageAttributes and wrappedPromiseThen).
func TestOpenInferenceAnthropicJS(t *testing.T) {
	body := `{"model":"` + anthModel + `","max_tokens":256,"system":"You are a weather assistant.",` +
		`"messages":[{"role":"user","content":"What is the weather in Paris?"}],` +
		`"tools":[{"name":"get_weather","description":"Get the weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}`
	result := `{"id":"msg_fake1","type":"message","role":"assistant","model":"` + anthModelDated + `",` +
		`"content":[{"type":"tool_use","id":"toolu_fake1","name":"get_weather","input":{"city":"Paris"}}],` +
		`"stop_reason":"tool_use","stop_sequence":null,` +
		`"usage":{"input_tokens":34,"cache_creation_input_tokens":0,"cache_read_input_tokens":8,"output_tokens":17}}`
	s := newSpan(1, 0, "Anthropic Messages",
		str("openinference.span.kind", "LLM"), str("llm.model_name", anthModelDated),
		str("input.value", body), str("input.mime_type", "application/json"),
		str("llm.invocation_parameters", `{"model":"`+anthModel+`","max_tokens":256}`),
		str("llm.system", "anthropic"), str("llm.provider", "anthropic"),
		str("llm.input_messages.0.message.role", "user"),
		str("llm.input_messages.0.message.content", "What is the weather in Paris?"),
		str("llm.tools.0.tool.json_schema", `{"name":"get_weather","description":"Get the weather","input_schema":{"type":"object"}}`),
		str("output.value", result), str("output.mime_type", "application/json"),
		str("llm.output_messages.0.message.role", "assistant"),
		str("llm.output_messages.0.message.contents.0.message_content.type", "tool_use"),
		str("llm.output_messages.0.message.contents.0.tool_call.id", "toolu_fake1"),
		str("llm.output_messages.0.message.contents.0.tool_call.function.name", "get_weather"),
		str("llm.output_messages.0.message.contents.0.tool_call.function.arguments", `{"city":"Paris"}`),
		str("llm.output_messages.0.message.tool_calls.0.tool_call.id", "toolu_fake1"),
		str("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", "get_weather"),
		str("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", `{"city":"Paris"}`),
		num("llm.token_count.prompt", 34), num("llm.token_count.completion", 17), num("llm.token_count.total", 51))
	s.scope = "@arizeai/openinference-instrumentation-anthropic"
	ev := mapOne(t, MapOptions{}, s)[0]
	wantAnthropicCall(t, ev)
	if ev.Metadata.Get("usage_converted") == nil {
		t.Errorf("conversion not recorded in metadata")
	}
	var out struct {
		ToolCalls []struct {
			Name      string         `json:"name"`
			Arguments map[string]any `json:"arguments"`
		} `json:"tool_calls"`
	}
	if err := json.Unmarshal(ev.Output, &out); err != nil || len(out.ToolCalls) != 1 || out.ToolCalls[0].Name != "get_weather" ||
		out.ToolCalls[0].Arguments["city"] != "Paris" {
		t.Errorf("output %s, want one get_weather tool call", ev.Output)
	}

	// The same call when OpenInference reports the inclusive count and the cache detail
	// (newer OI releases, Python instrumentor): unchanged.
	s2 := newSpan(1, 0, "Anthropic Messages", str("openinference.span.kind", "LLM"),
		str("llm.model_name", anthModelDated), str("llm.provider", "anthropic"),
		str("output.value", result), str("output.mime_type", "application/json"),
		num("llm.token_count.prompt", 42), num("llm.token_count.prompt_details.cache_read", 8),
		num("llm.token_count.completion", 17), num("llm.token_count.total", 59))
	wantAnthropicCall(t, mapOne(t, MapOptions{}, s2)[0])
}

// A provider error through the OpenInference Anthropic instrumentor: recordException +
// status ERROR with the error message (instrumentation.ts recordError); the LLM span keeps
// its type, gets status error, and one error event per exception event.
func TestOpenInferenceAnthropicProviderError(t *testing.T) {
	s := newSpan(1, 0, "Anthropic Messages", str("openinference.span.kind", "LLM"),
		str("llm.model_name", anthModel), str("llm.provider", "anthropic"),
		str("input.value", `{"model":"`+anthModel+`","messages":[{"role":"user","content":"hi"}]}`),
		str("input.mime_type", "application/json"))
	s.code, s.msg = StatusCodeError, `500 {"type":"error","error":{"type":"api_error","message":"fake provider failure"}}`
	s.events = []testEvent{{"exception", t0.Add(time.Millisecond), kvs{
		str("exception.type", "InternalServerError"), str("exception.message", s.msg),
		str("exception.stacktrace", "Error: 500\n    at APIError.generate"),
	}}}
	evs := mapOne(t, MapOptions{}, s)
	if len(evs) != 2 {
		t.Fatalf("%d events, want the llm event and its error event", len(evs))
	}
	ev, xe := evs[0], evs[1]
	if ev.Type != platform.TypeLLM || ev.Status != platform.StatusError || ev.Error == nil || ev.Error.Type != "InternalServerError" ||
		!strings.Contains(ev.Error.Message, "fake provider failure") || ev.Usage != nil || ev.Provider != "anthropic" {
		t.Errorf("llm event: type %s status %s error %+v usage %+v provider %q", ev.Type, ev.Status, ev.Error, ev.Usage, ev.Provider)
	}
	if xe.Type != platform.TypeError || xe.ParentSpanID != ev.SpanID || xe.Error == nil || xe.Error.Type != "InternalServerError" {
		t.Errorf("error event %+v", xe)
	}
}

// @traceloop/instrumentation-anthropic (JS) sets gen_ai.system "Anthropic" (capitalised),
// llm.request.type, gen_ai.prompt.N.* with JSON-stringified content blocks and the raw
// input_tokens as gen_ai.usage.prompt_tokens (traceloop/openllmetry-js
// packages/instrumentation-anthropic/src/instrumentation.ts, startSpan and _endSpan).
func TestTraceloopAnthropicJS(t *testing.T) {
	s := newSpan(1, 0, "anthropic.chat",
		str("gen_ai.system", "Anthropic"), str("llm.request.type", "chat"),
		str("gen_ai.request.model", anthModel), num("gen_ai.request.max_tokens", 256),
		str("gen_ai.prompt.0.role", "user"), str("gen_ai.prompt.0.content", "What is the weather in Paris?"),
		str("gen_ai.response.model", anthModelDated),
		num("llm.usage.total_tokens", 51), num("gen_ai.usage.completion_tokens", 17), num("gen_ai.usage.prompt_tokens", 34),
		str("gen_ai.completion.0.finish_reason", "tool_use"), str("gen_ai.completion.0.role", "assistant"),
		str("gen_ai.completion.0.content", `[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]`))
	s.scope = "@traceloop/instrumentation-anthropic"
	ev := mapOne(t, MapOptions{}, s)[0]
	if ev.Type != platform.TypeLLM || ev.Provider != "anthropic" || ev.Model != anthModelDated {
		t.Errorf("type %s provider %q model %q", ev.Type, ev.Provider, ev.Model)
	}
	// This emitter drops the cache counts, so only the exclusive count can be reported.
	if ev.Usage == nil || ev.Usage.PromptTokens != 34 || ev.Usage.TotalTokens != 51 {
		t.Errorf("usage %+v", ev.Usage)
	}
	if string(ev.Input) != `{"messages":[{"role":"user","content":"What is the weather in Paris?"}]}` {
		t.Errorf("input %s", ev.Input)
	}
}

// OpenInference's Anthropic instrumentor flattens only body.messages into
// llm.input_messages.*; Anthropic's separate `system` parameter is in input.value (the
// request body) alone (instrumentation.ts getAnthropicInputMessagesAttributes). The
// platform input must keep it beside messages.
func TestOpenInferenceAnthropicSystemParam(t *testing.T) {
	body := `{"model":"` + anthModel + `","max_tokens":256,"system":"You are a weather assistant.",` +
		`"messages":[{"role":"user","content":"What is the weather in Paris?"}]}`
	s := newSpan(1, 0, "Anthropic Messages", str("openinference.span.kind", "LLM"), str("llm.provider", "anthropic"),
		str("input.value", body), str("input.mime_type", "application/json"),
		str("llm.input_messages.0.message.role", "user"),
		str("llm.input_messages.0.message.content", "What is the weather in Paris?"))
	ev := mapOne(t, MapOptions{}, s)[0]
	var in struct {
		System   any `json:"system"`
		Messages []struct {
			Role string `json:"role"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(ev.Input, &in); err != nil || in.System != "You are a weather assistant." || len(in.Messages) != 1 {
		t.Errorf("input %s, want system beside the one user message", ev.Input)
	}
}
