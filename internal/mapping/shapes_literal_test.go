package mapping

import (
	"encoding/json"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// General rules for shapes no dialect names (issue 18), pinned with the attributes written
// out as the emitters write them. The counts are those of the held-out fake provider
// (shared testdata/README.md): 42 input tokens of which 8 cached, 17 output tokens of which
// 5 reasoning, 59 in all; Anthropic reports 34 input + 8 cache reads; Gemini reports the
// thoughts apart: 12 candidates + 5 thoughts.

// wantUsage checks an event's usage.
func wantUsage(t *testing.T, what string, e platform.TraceEvent, prompt, completion, total, cached, reasoning int64) {
	t.Helper()
	if e.Usage == nil {
		t.Fatalf("%s: no usage", what)
	}
	u := *e.Usage
	if u.PromptTokens != prompt || u.CompletionTokens != completion || u.TotalTokens != total ||
		u.CachedTokens != cached || u.ReasoningTokens != reasoning {
		t.Errorf("%s: usage %+v, want %d/%d/%d cached %d reasoning %d", what, u, prompt, completion, total, cached, reasoning)
	}
}

func wantJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// langsmith's OTel exporter on a wrapOpenAI chat call (langsmith js 0.12
// experimental/otel/translator.ts setSpanAttributes / setIOAttributes; wrappers/openai.ts
// turns the response's usage into usage_metadata and deletes usage): the counts are flat,
// the details are JSON attributes, the request and the response are the JSON attributes
// gen_ai.prompt / gen_ai.completion.
const (
	lsPrompt     = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}`
	lsCompletion = `{"id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],"refusal":null},"finish_reason":"tool_calls"}],"usage_metadata":{"input_tokens":42,"output_tokens":17,"total_tokens":59,"input_token_details":{"cache_read":8},"output_token_details":{"reasoning":5}}}`
)

func langsmithChatSpan() *testSpan {
	return newSpan(2, 1, "ChatOpenAI",
		str("langsmith.span.kind", "llm"), str("gen_ai.operation.name", "chat"), str("langsmith.trace.name", "ChatOpenAI"),
		str("gen_ai.system", "openai"), str("gen_ai.request.model", "gpt-4o-mini"),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17), num("gen_ai.usage.total_tokens", 59),
		str("gen_ai.response.model", "gpt-4o-mini-2024-07-18"), str("gen_ai.response.id", "chatcmpl-1"),
		str("gen_ai.response.finish_reasons", "tool_calls"),
		str("langsmith.usage_metadata", `{"input_tokens":42,"output_tokens":17,"total_tokens":59,"input_token_details":{"cache_read":8},"output_token_details":{"reasoning":5}}`),
		str("gen_ai.usage.input_token_details", `{"cache_read":8}`),
		str("gen_ai.usage.output_token_details", `{"reasoning":5}`),
		str("gen_ai.prompt", lsPrompt), str("gen_ai.completion", lsCompletion))
}

// 1, 2: token details under any usage key; the request / response objects by shape.
func TestLangSmithChatLiteral(t *testing.T) {
	e := mapOne(t, MapOptions{}, langsmithChatSpan())[0]
	if e.Type != platform.TypeLLM || e.Provider != "openai" || e.Model != "gpt-4o-mini-2024-07-18" {
		t.Errorf("type %s provider %q model %q", e.Type, e.Provider, e.Model)
	}
	wantUsage(t, "langsmith", e, 42, 17, 59, 8, 5)
	wantJSON(t, "input", e.Input, `{"messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}`)
	wantJSON(t, "output", e.Output, `{"tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}],"finish_reason":"tool_calls"}`)
	for _, k := range []string{"gen_ai.prompt", "gen_ai.completion", "gen_ai.usage.input_token_details", "gen_ai.usage.output_token_details"} {
		if v, ok := e.Metadata.Lookup(k); ok {
			t.Errorf("mapped %s also in metadata: %v", k, v)
		}
	}
	if e.Metadata.Get("usage_converted") != nil {
		t.Errorf("subset details converted: %v", e.Metadata.Get("usage_converted"))
	}
}

// Token-details objects: every spelling of the details (OpenAI's *_tokens_details, LangChain's
// *_token_details, a service-tier prefix, the JS SDKs' camelCase) as a flat attribute beside
// the counts; the details are subsets (no conversion, no double count).
func TestTokenDetailsAttributesLiteral(t *testing.T) {
	for _, tc := range []struct {
		name             string
		in, out          kv
		cached, reasoned int64
	}{
		{"langchain", str("gen_ai.usage.input_token_details", `{"audio":0,"cache_read":8}`), str("gen_ai.usage.output_token_details", `{"audio":0,"reasoning":5}`), 8, 5},
		{"openai", str("llm.usage.prompt_tokens_details", `{"cached_tokens":8,"audio_tokens":0}`), str("llm.usage.completion_tokens_details", `{"reasoning_tokens":5}`), 8, 5},
		{"service tier", str("gen_ai.usage.input_token_details", `{"priority_cache_read":8,"priority":34}`), str("gen_ai.usage.output_token_details", `{"priority_reasoning":5,"priority":12}`), 8, 5},
		{"camelCase map", kv{"app.usage.inputTokenDetails", MapValue(kvs{num("cacheReadTokens", 8), num("noCacheTokens", 34)})}, str("app.usage.outputTokenDetails", `{"reasoningTokens":5}`), 8, 5},
		{"not an object", str("gen_ai.usage.input_token_details", `8`), str("gen_ai.usage.output_token_details", `[5]`), 0, 0},
	} {
		e := mapSingle(t, MapOptions{}, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "gpt-4o-mini"),
			num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17), tc.in, tc.out)
		wantUsage(t, tc.name, e, 42, 17, 59, tc.cached, tc.reasoned)
	}
	// A key of the span's dialect wins over the details.
	e := mapSingle(t, MapOptions{}, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "gpt-4o-mini"),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17), num("gen_ai.usage.cache_read.input_tokens", 3),
		str("gen_ai.usage.input_token_details", `{"cache_read":8}`))
	wantUsage(t, "key wins", e, 42, 17, 59, 3, 0)
	if e.Metadata.Get("gen_ai.usage.input_token_details") == nil {
		t.Error("unread details dropped from metadata")
	}
}

// Google ADK's model-call span (adk-js 2.0 telemetry/tracing.ts traceCallLlm): gen_ai.system
// is the framework's ("gcp.vertex.agent", also its tracer's name), the counts are the Gemini
// usageMetadata's promptTokenCount and candidatesTokenCount (thoughts excluded), and the
// request and ADK's LlmResponse are JSON in vendor-prefixed attributes.
const (
	adkRequest  = `{"model":"gemini-2.5-flash","contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]}],"config":{"systemInstruction":"You are a weather agent.","tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}}]}],"maxOutputTokens":1024}}`
	adkResponse = `{"content":{"role":"model","parts":[{"functionCall":{"id":"adk-7f3a","name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"CiQBVKhc7w=="}]},"finishReason":"STOP","usageMetadata":{"promptTokenCount":42,"candidatesTokenCount":12,"totalTokenCount":59,"cachedContentTokenCount":8,"thoughtsTokenCount":5,"promptTokensDetails":[{"modality":"TEXT","tokenCount":42}]}}`
)

func adkCallLLMSpan(span, parent byte) *testSpan {
	s := newSpan(span, parent, "call_llm",
		str("gen_ai.system", "gcp.vertex.agent"), str("gen_ai.request.model", "gemini-2.5-flash"),
		str("gen_ai.agent.name", "weather_agent"), str("gcp.vertex.agent.invocation_id", "e-1"),
		str("gcp.vertex.agent.session_id", "sess-heldout-001"), str("gcp.vertex.agent.event_id", "ev-1"),
		str("gcp.vertex.agent.llm_request", adkRequest), num("gen_ai.request.max_tokens", 1024),
		str("gcp.vertex.agent.llm_response", adkResponse),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 12),
		kv{"gen_ai.response.finish_reasons", ListValue(vlist{StrValue("stop")})})
	s.scope = "gcp.vertex.agent"
	return s
}

// 1, 2, 3: ADK's Gemini call: thoughts added to the output once, the cache read from the
// response's usageMetadata, content from the request / response by shape, the provider
// from the model family.
func TestADKCallLLMLiteral(t *testing.T) {
	e := mapOne(t, MapOptions{}, adkCallLLMSpan(2, 1))[0]
	if e.Type != platform.TypeLLM || e.Provider != "gcp.gemini" || e.Model != "gemini-2.5-flash" {
		t.Errorf("type %s provider %q model %q", e.Type, e.Provider, e.Model)
	}
	wantUsage(t, "adk", e, 42, 17, 59, 8, 5)
	if e.Metadata.Get("usage_converted") == nil || e.Metadata.Get("provider_inferred") != true || e.Metadata.Get("gen_ai.system") != "gcp.vertex.agent" {
		t.Errorf("metadata: usage_converted %v provider_inferred %v gen_ai.system %v",
			e.Metadata.Get("usage_converted"), e.Metadata.Get("provider_inferred"), e.Metadata.Get("gen_ai.system"))
	}
	wantJSON(t, "input", e.Input, `{"messages":[{"role":"user","content":"Weather in Paris?"}],"system":"You are a weather agent.","tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}}]}]}`)
	wantJSON(t, "output", e.Output, `{"tool_calls":[{"id":"adk-7f3a","name":"get_weather","arguments":{"city":"Paris"}}],"finish_reason":"STOP"}`)
	for _, k := range []string{"gcp.vertex.agent.llm_request", "gcp.vertex.agent.llm_response"} {
		if _, ok := e.Metadata.Lookup(k); ok {
			t.Errorf("mapped %s also in metadata", k)
		}
	}
	// The usage object of another call (counts that match neither form) is not read.
	s := adkCallLLMSpan(2, 1)
	s.attrs = append(s.attrs[:len(s.attrs)-3], num("gen_ai.usage.input_tokens", 40), num("gen_ai.usage.output_tokens", 12))
	wantUsage(t, "other call", mapOne(t, MapOptions{}, s)[0], 40, 12, 52, 0, 0)
}

// 2: the other provider bodies, under keys no dialect names, on a span no type rule knows
// (the fallback's model call): Anthropic Messages (input_tokens excludes the cache reads),
// OpenAI Responses (details are subsets; reasoning items are not the answer), the Gemini
// REST generateContent body (thoughts apart from the candidates; modelVersion names the
// model). API references: Anthropic "Messages", OpenAI "Responses", Gemini
// "models.generateContent".
func TestProviderBodiesByShapeLiteral(t *testing.T) {
	for _, tc := range []struct {
		name, req, resp       string
		model, provider       string
		prompt, compl, total  int64
		cached, reasoning     int64
		converted             bool
		wantInput, wantOutput string
	}{
		{"anthropic messages",
			`{"model":"claude-sonnet-4-20250514","max_tokens":1024,"system":[{"type":"text","text":"You are a weather bot."}],"messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}`,
			`{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":34,"cache_creation_input_tokens":0,"cache_read_input_tokens":8,"output_tokens":17}}`,
			"claude-sonnet-4-20250514", "anthropic", 42, 17, 59, 8, 0, true,
			`{"messages":[{"role":"user","content":"Weather in Paris?"}],"system":"You are a weather bot.","tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}`,
			`{"response":"Let me check.","tool_calls":[{"id":"toolu_01","name":"get_weather","arguments":{"city":"Paris"}}],"finish_reason":"tool_use"}`},
		{"openai responses",
			`{"model":"gpt-4o-mini","instructions":"Be brief.","input":"Weather in Paris?"}`,
			`{"id":"resp_1","object":"response","status":"completed","model":"gpt-4o-mini-2024-07-18","output":[{"type":"reasoning","id":"rs_1","summary":[]},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}],"usage":{"input_tokens":42,"input_tokens_details":{"cached_tokens":8},"output_tokens":17,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":59}}`,
			"gpt-4o-mini-2024-07-18", "openai", 42, 17, 59, 8, 5, false,
			`{"messages":[{"role":"user","content":"Weather in Paris?"}],"system":"Be brief."}`,
			`{"tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]}`},
		{"openai responses, message answer",
			`{"model":"gpt-4o-mini","input":[{"role":"user","content":"Weather in Paris?"},{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},{"type":"function_call_output","call_id":"call_1","output":"18 °C"}]}`,
			`{"id":"resp_2","object":"response","model":"gpt-4o-mini-2024-07-18","output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"18 °C and sunny.","annotations":[]}]}],"usage":{"input_tokens":42,"input_tokens_details":{"cached_tokens":8},"output_tokens":17,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":59}}`,
			"gpt-4o-mini-2024-07-18", "openai", 42, 17, 59, 8, 0, false,
			`{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]},{"role":"tool","content":"18 °C","tool_call_id":"call_1"}]}`,
			`{"response":"18 °C and sunny."}`},
		{"gemini generateContent",
			`{"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]},{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp_c":18}}}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]}}`,
			`{"candidates":[{"content":{"role":"model","parts":[{"text":"Sunny, 18 °C."}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":42,"candidatesTokenCount":12,"totalTokenCount":59,"cachedContentTokenCount":8,"thoughtsTokenCount":5},"modelVersion":"gemini-2.5-flash"}`,
			"gemini-2.5-flash", "gcp.gemini", 42, 17, 59, 8, 5, true,
			`{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","tool_calls":[{"name":"get_weather","arguments":{"city":"Paris"}}]},{"role":"tool","content":{"temp_c":18},"name":"get_weather"}],"system":"Be brief."}`,
			`{"response":"Sunny, 18 °C.","finish_reason":"STOP"}`},
	} {
		e := mapOne(t, MapOptions{}, newSpan(1, 0, "acme.generate", str("acme.llm_request", tc.req), str("acme.llm_response", tc.resp)))[0]
		if e.Type != platform.TypeLLM || e.Model != tc.model || e.Provider != tc.provider {
			t.Errorf("%s: type %s model %q provider %q", tc.name, e.Type, e.Model, e.Provider)
		}
		wantUsage(t, tc.name, e, tc.prompt, tc.compl, tc.total, tc.cached, tc.reasoning)
		if (e.Metadata.Get("usage_converted") != nil) != tc.converted {
			t.Errorf("%s: usage_converted %v, want %v", tc.name, e.Metadata.Get("usage_converted"), tc.converted)
		}
		wantJSON(t, tc.name+" input", e.Input, tc.wantInput)
		wantJSON(t, tc.name+" output", e.Output, tc.wantOutput)
		if e.Metadata.Get("acme.llm_request") != nil || e.Metadata.Get("acme.llm_response") != nil {
			t.Errorf("%s: bodies also in metadata", tc.name)
		}
	}
}

// A JSON object that is no provider body stays what it was: fallback content or metadata;
// a body on a span that is not a model call is not read as messages.
func TestNotAProviderBodyLiteral(t *testing.T) {
	e := mapSingle(t, MapOptions{}, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "gpt-4o-mini"),
		str("app.config", `{"messages":"none","contents":[1,2]}`), str("app.note", "{not json"))
	if e.Input != nil || e.Output != nil || e.Metadata.Get("app.config") == nil || e.Metadata.Get("app.note") != "{not json" {
		t.Errorf("input %s output %s metadata %v", e.Input, e.Output, e.Metadata)
	}
	e = mapSingle(t, MapOptions{}, "step", str("gen_ai.operation.name", "invoke_agent"), str("app.request", lsPrompt))
	if string(e.Input) != lsPrompt {
		t.Errorf("agent span input %s, want the value as sent", e.Input)
	}
}

// 3: a provider value that names the framework is skipped, the provider inferred from the
// model and the value kept in metadata; a provider value (gcp.gen_ai: Google GenAI, backend
// unknown) is kept.
func TestFrameworkSystemLiteral(t *testing.T) {
	for _, tc := range []struct {
		system, scope, model, want string
		inferred                   bool
	}{
		// langsmith's exporter: "langchain" when the run's metadata names no model.
		{"langchain", "langsmith", "gpt-4o-mini-2024-07-18", "openai", true},
		{"gcp.vertex.agent", "gcp.vertex.agent", "gemini-2.5-flash", "gcp.gemini", true},
		// Any library that writes its tracer's name as the system.
		{"acme-agents", "acme-agents", "claude-sonnet-4-20250514", "anthropic", true},
		{"openai", "openai", "gpt-4o-mini", "openai", false},
		{"gcp.gen_ai", "@google/genai", "gemini-2.5-flash", "gcp.gen_ai", false},
		{"acme-agents", "other", "claude-sonnet-4-20250514", "acme-agents", false},
	} {
		s := newSpan(2, 1, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.system", tc.system),
			str("gen_ai.response.model", tc.model))
		s.scope = tc.scope
		e := mapOne(t, MapOptions{}, s)[0]
		inferred := e.Metadata.Get("provider_inferred") == true
		if e.Provider != tc.want || inferred != tc.inferred {
			t.Errorf("system %q scope %q: provider %q inferred %v, want %q %v", tc.system, tc.scope, e.Provider, inferred, tc.want, tc.inferred)
		}
		if kept := e.Metadata.Get("gen_ai.system"); tc.inferred && kept != tc.system {
			t.Errorf("system %q: metadata.gen_ai.system %v, want it kept", tc.system, kept)
		}
	}
}

// 4: an embedding wrapper (langsmith traceable, run_type "embedding" → operation
// embeddings) with the model but no usage, around the instrumented client's embeddings
// span that carries the usage, is not a second model call: custom, kind and model kept,
// usage rolled up — whether the child comes in the same Map call or an earlier one.
func TestModelCallWrapperLiteral(t *testing.T) {
	wrapper := func() *testSpan {
		return newSpan(2, 1, "embed_documents", str("langsmith.span.kind", "embedding"), str("gen_ai.operation.name", "embeddings"),
			str("gen_ai.system", "openai"), str("gen_ai.request.model", "text-embedding-3-small"))
	}
	child := func() *testSpan {
		return newSpan(3, 2, "embeddings text-embedding-3-small", str("gen_ai.operation.name", "embeddings"),
			str("gen_ai.provider.name", "openai"), str("gen_ai.request.model", "text-embedding-3-small"), num("gen_ai.usage.input_tokens", 8))
	}
	check := func(what string, w platform.TraceEvent) {
		t.Helper()
		if w.Type != platform.TypeCustom || w.Metadata.Get("kind") != "embedding" || w.Model != "text-embedding-3-small" || w.Usage != nil {
			t.Errorf("%s: wrapper type %s kind %v model %q usage %+v", what, w.Type, w.Metadata.Get("kind"), w.Model, w.Usage)
		}
		if r, _ := w.Metadata.Get("usage_rollup").(platform.Metadata); r.Get("prompt_tokens") != int64(8) {
			t.Errorf("%s: usage_rollup %v", what, w.Metadata.Get("usage_rollup"))
		}
	}
	evs := mapOne(t, MapOptions{}, wrapper(), child())
	check("one call", evs[0])
	if evs[1].Type != platform.TypeLLM || evs[1].Usage == nil || evs[1].Usage.PromptTokens != 8 {
		t.Errorf("child: type %s usage %+v", evs[1].Type, evs[1].Usage)
	}
	m := withMemory(MapOptions{})
	m.Map([]SpanView{child()})
	check("child in an earlier call", m.Map([]SpanView{wrapper()})[0])
	// Alone, or with a child that carries no usage, it stays a model call.
	if e := mapOne(t, MapOptions{}, wrapper(), newSpan(3, 2, "http")); e[0].Type != platform.TypeLLM {
		t.Errorf("without a usage child: type %s", e[0].Type)
	}
}

// 5: tool calls in provider-native shapes inside span-event messages (the deprecated
// per-message events, gen-ai-events.md v1.36, whose content is the message content as the
// provider API has it): Bedrock Converse toolUse / toolResult blocks, Anthropic tool_use /
// tool_result blocks, Gemini functionCall (beside a thoughtSignature) / functionResponse
// parts become tool_calls and tool messages, never raw parts.
func TestNativeToolCallPartsLiteral(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		assistant, toolTurn  string
		choice, wantIn, want string
	}{
		{"bedrock converse",
			`[{"text":"Checking."},{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]`,
			`[{"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"18 °C"}],"status":"success"}}]`,
			`{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_2","name":"get_time","input":{"tz":"CET"}}}]}`,
			`[{"role":"assistant","content":"Checking.","tool_calls":[{"id":"tooluse_1","name":"get_weather","arguments":{"city":"Paris"}}]},{"role":"tool","content":"18 °C","tool_call_id":"tooluse_1"}]`,
			`{"tool_calls":[{"id":"tooluse_2","name":"get_time","arguments":{"tz":"CET"}}]}`},
		{"anthropic",
			`[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]`,
			`[{"type":"tool_result","tool_use_id":"toolu_1","content":"18 °C"}]`,
			`{"role":"assistant","content":[{"type":"tool_use","id":"toolu_2","name":"get_time","input":{"tz":"CET"}}]}`,
			`[{"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_1","name":"get_weather","arguments":{"city":"Paris"}}]},{"role":"tool","content":"18 °C","tool_call_id":"toolu_1"}]`,
			`{"tool_calls":[{"id":"toolu_2","name":"get_time","arguments":{"tz":"CET"}}]}`},
		{"gemini",
			`[{"text":"Checking.","thoughtSignature":"CiQB"},{"functionCall":{"id":"fc_1","name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"CiQB"}]`,
			`[{"functionResponse":{"id":"fc_1","name":"get_weather","response":{"temp_c":18}}}]`,
			`{"role":"model","parts":[{"function_call":{"name":"get_time","args":{"tz":"CET"}}}]}`,
			`[{"role":"assistant","content":"Checking.","tool_calls":[{"id":"fc_1","name":"get_weather","arguments":{"city":"Paris"}}]},{"role":"tool","content":{"temp_c":18},"name":"get_weather","tool_call_id":"fc_1"}]`,
			`{"tool_calls":[{"name":"get_time","arguments":{"tz":"CET"}}]}`},
	} {
		s := newSpan(2, 1, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "m"))
		s.events = []testEvent{
			{"gen_ai.assistant.message", t0, kvs{str("role", "assistant"), str("content", tc.assistant)}},
			{"gen_ai.user.message", t0, kvs{str("role", "user"), str("content", tc.toolTurn)}},
			{"gen_ai.choice", t0, kvs{num("index", 0), str("message", tc.choice)}},
		}
		e := mapOne(t, MapOptions{}, s)[0]
		wantJSON(t, tc.name+" input", e.Input, `{"messages":`+tc.wantIn+`}`)
		wantJSON(t, tc.name+" output", e.Output, tc.want)
	}
}

// 6: gen_ai.system_instructions as the plain string emitters send (the semconv says a JSON
// array of parts) is the system message, beside gen_ai.input.messages or beside the
// messages another dialect found (here the deprecated message events), or alone; a system
// message among those messages is not doubled.
func TestPlainSystemInstructionsLiteral(t *testing.T) {
	e := mapSingle(t, MapOptions{}, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "m"),
		str("gen_ai.system_instructions", "You are a weather agent."),
		str("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Weather?"}]}]`))
	wantJSON(t, "with input messages", e.Input, `{"messages":[{"role":"user","content":"Weather?"}],"system":"You are a weather agent."}`)
	e = mapSingle(t, MapOptions{}, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "m"),
		str("gen_ai.system_instructions", "You are a weather agent."))
	wantJSON(t, "alone", e.Input, `{"messages":[],"system":"You are a weather agent."}`)
	if _, ok := e.Metadata.Lookup("gen_ai.system_instructions"); ok {
		t.Error("system instructions also in metadata")
	}
	s := newSpan(2, 1, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "m"),
		str("gen_ai.system_instructions", "[Role] You are a weather agent."))
	s.events = []testEvent{{"gen_ai.user.message", t0, kvs{str("content", "Weather?")}}}
	wantJSON(t, "beside events", mapOne(t, MapOptions{}, s)[0].Input, `{"messages":[{"role":"user","content":"Weather?"}],"system":"[Role] You are a weather agent."}`)
	s.events = append(s.events, testEvent{"gen_ai.system.message", t0, kvs{str("content", "Be brief.")}})
	wantJSON(t, "system message present", mapOne(t, MapOptions{}, s)[0].Input, `{"messages":[{"role":"user","content":"Weather?"},{"role":"system","content":"Be brief."}]}`)
	if e := mapSingle(t, MapOptions{OmitContent: true}, "chat", str("gen_ai.operation.name", "chat"),
		str("gen_ai.system_instructions", "secret")); e.Input != nil || e.Metadata.Get("gen_ai.system_instructions") != nil {
		t.Errorf("OmitContent: input %s metadata %v", e.Input, e.Metadata.Get("gen_ai.system_instructions"))
	}
}

// 7: gen_ai.evaluation.result span events (gen-ai-events.md v1.41) land on the evaluated
// span's event as metadata.evaluations, in event order, and not in otel.events.
func TestEvaluationResultsLiteral(t *testing.T) {
	s := newSpan(2, 1, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "m"))
	s.events = []testEvent{
		{"gen_ai.evaluation.result", t0, kvs{str("gen_ai.evaluation.name", "Relevance"), kv{"gen_ai.evaluation.score.value", DoubleValue(0.85)},
			str("gen_ai.evaluation.score.label", "relevant"), str("gen_ai.evaluation.explanation", "Answers the question."),
			str("gen_ai.response.id", "chatcmpl-1")}},
		{"gen_ai.evaluation.result", t0, kvs{str("gen_ai.evaluation.name", "Toxicity"), num("gen_ai.evaluation.score.value", 0),
			str("error.type", "timeout")}},
		{"gen_ai.evaluation.result", t0, kvs{str("gen_ai.evaluation.name", "Groundedness"), str("gen_ai.evaluation.score.value", "n/a")}},
		{"note", t0, nil},
	}
	e := mapOne(t, MapOptions{}, s)[0]
	got, err := json.Marshal(e.Metadata.Get("evaluations"))
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"attributes":{"gen_ai.response.id":"chatcmpl-1"},"explanation":"Answers the question.","label":"relevant","name":"Relevance","score":0.85,"time":"2026-01-01T00:00:00Z"},` +
		`{"attributes":{"error.type":"timeout"},"name":"Toxicity","score":0,"time":"2026-01-01T00:00:00Z"},` +
		`{"attributes":{"gen_ai.evaluation.score.value":"n/a"},"name":"Groundedness","time":"2026-01-01T00:00:00Z"}]`
	wantJSON(t, "evaluations", got, want)
	ev, _ := json.Marshal(e.Metadata.Get("otel.events"))
	wantJSON(t, "otel.events", ev, `[{"name":"note","time":"2026-01-01T00:00:00Z"}]`)
	// Bounded: the 65th and later results are counted, not kept.
	s.events = nil
	for i := 0; i < 70; i++ {
		s.events = append(s.events, testEvent{"gen_ai.evaluation.result", t0, kvs{str("gen_ai.evaluation.name", "r")}})
	}
	e = mapOne(t, MapOptions{}, s)[0]
	if l, _ := e.Metadata.Get("evaluations").([]any); len(l) != 64 || e.Metadata.Get("evaluations_dropped") != 6 {
		t.Errorf("%d evaluations, dropped %v; want 64, 6", len(l), e.Metadata.Get("evaluations_dropped"))
	}
}

// A tool span whose arguments and result sit under a framework's own namespace, as Google
// ADK writes them (adk-js telemetry/tracing.ts traceToolCall; testdata/captures
// google-adk-js-gemini-agent-tool): the tool event's input and output, the JSON parsed, a
// plain-text result kept as text; the generic `…request` / `…response` names of the same
// span ({} under llm_request / llm_response) are not taken.
func TestToolContentUnderFrameworkKeysLiteral(t *testing.T) {
	tool := func(result string) *testSpan {
		s := newSpan(3, 2, "execute_tool get_weather", str("gen_ai.operation.name", "execute_tool"),
			str("gen_ai.tool.name", "get_weather"), str("gen_ai.tool.call.id", "adk-1"),
			str("gcp.vertex.agent.llm_request", "{}"), str("gcp.vertex.agent.llm_response", "{}"),
			str("gcp.vertex.agent.tool_call_args", `{"city":"Paris"}`), str("gcp.vertex.agent.tool_response", result))
		s.scope = "gcp.vertex.agent"
		return s
	}
	e := mapOne(t, MapOptions{}, tool(`{"city":"Paris","temperature_c":18}`))[0]
	if e.Type != platform.TypeTool {
		t.Fatalf("type %s", e.Type)
	}
	wantJSON(t, "input", e.Input, `{"city":"Paris"}`)
	wantJSON(t, "output", e.Output, `{"city":"Paris","temperature_c":18}`)
	for _, k := range []string{"gcp.vertex.agent.tool_call_args", "gcp.vertex.agent.tool_response"} {
		if _, ok := e.Metadata.Lookup(k); ok {
			t.Errorf("mapped %s also in metadata", k)
		}
	}
	if e.Metadata.Get("gcp.vertex.agent.llm_request") != "{}" {
		t.Errorf("llm_request {} of a tool span: %v", e.Metadata.Get("gcp.vertex.agent.llm_request"))
	}
	wantJSON(t, "text result", mapOne(t, MapOptions{}, tool("18 °C and clear"))[0].Output, `"18 °C and clear"`)
	if e := mapOne(t, MapOptions{OmitContent: true}, tool(`{"city":"Paris"}`))[0]; e.Input != nil || e.Output != nil || e.Metadata.Get("gcp.vertex.agent.tool_response") != nil {
		t.Errorf("OmitContent: input %s output %s metadata %v", e.Input, e.Output, e.Metadata)
	}
	// Not on a model call: there the names mean nothing.
	llm := newSpan(4, 2, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "gpt-4o-mini"),
		str("x.tool_response", "plain"))
	if e := mapOne(t, MapOptions{}, llm)[0]; e.Output != nil {
		t.Errorf("model call took x.tool_response as its output: %s", e.Output)
	}
}
