package mapping

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// Streaming OpenAI calls in each library. Usage exists only when the library saw it (the
// final chunk with stream_options.include_usage); the output is what the library assembled
// from the chunks; the model is the dated one of the chunks.

const (
	oaModel      = "gpt-4o-mini"
	oaModelDated = "gpt-4o-mini-2024-07-18"
)

func wantOpenAIStream(t *testing.T, ev platform.TraceEvent, withUsage bool) {
	t.Helper()
	if ev.Type != platform.TypeLLM || ev.Provider != "openai" || ev.Model != oaModelDated {
		t.Errorf("%s: type %s provider %q model %q", ev.Name, ev.Type, ev.Provider, ev.Model)
	}
	switch {
	case withUsage && (ev.Usage == nil || ev.Usage.PromptTokens != 42 || ev.Usage.CompletionTokens != 17 || ev.Usage.TotalTokens != 59):
		t.Errorf("%s: usage %+v, want 42/17/59", ev.Name, ev.Usage)
	case !withUsage && ev.Usage != nil:
		t.Errorf("%s: usage %+v, want none (the stream reported none)", ev.Name, ev.Usage)
	}
}

// @opentelemetry/instrumentation-openai streaming: gen_ai.response.id/model from the first
// chunk, finish_reasons after the stream, gen_ai.usage.* only from a final usage chunk
// (`if (chunk.usage)`, i.e. stream_options.include_usage); no gen_ai.request.stream and no
// content on the span (content goes to log records) (open-telemetry/opentelemetry-js-contrib
// packages/instrumentation-openai/src/instrumentation.ts, _onChatCompletionsStreamIterator).
func TestOtelContribOpenAIStreaming(t *testing.T) {
	for _, includeUsage := range []bool{false, true} {
		attrs := []kv{str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", oaModel),
			str("gen_ai.system", "openai"), str("server.address", "127.0.0.1"), num("server.port", 18080),
			str("gen_ai.response.id", "chatcmpl-fake1"), str("gen_ai.response.model", oaModelDated),
			kv{"gen_ai.response.finish_reasons", ListValue(vlist{StrValue("stop")})}}
		if includeUsage {
			attrs = append(attrs, num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
		}
		s := newSpan(1, 0, "chat "+oaModel, attrs...)
		s.kind, s.scope = SpanKindClient, "@opentelemetry/instrumentation-openai"
		ev := mapOne(t, MapOptions{}, s)[0]
		wantOpenAIStream(t, ev, includeUsage)
		if string(ev.Output) != `{"finish_reason":"stop"}` {
			t.Errorf("output %s", ev.Output)
		}
	}
}

// @arizeai/openinference-instrumentation-openai streaming: the chunks are consumed into
// llm.output_messages.0.message.{role,content} and tool calls; output.value is the assembled
// text (text/plain); llm.token_count.* only when a chunk carried usage (Arize-ai/openinference
// js/packages/openinference-instrumentation-openai/src/instrumentation.ts, consumeChatCompletionStreamChunks).
func TestOpenInferenceOpenAIStreaming(t *testing.T) {
	for _, includeUsage := range []bool{false, true} {
		attrs := []kv{str("openinference.span.kind", "LLM"), str("llm.system", "openai"), str("llm.provider", "openai"),
			str("llm.model_name", oaModelDated),
			str("input.value", `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}`),
			str("input.mime_type", "application/json"),
			str("llm.invocation_parameters", `{"model":"gpt-4o-mini","stream":true}`),
			str("llm.input_messages.0.message.role", "user"), str("llm.input_messages.0.message.content", "Hi"),
			str("output.value", "It is 21 degrees and sunny in Paris."), str("output.mime_type", "text/plain"),
			str("llm.output_messages.0.message.role", "assistant"),
			str("llm.output_messages.0.message.content", "It is 21 degrees and sunny in Paris.")}
		if includeUsage {
			attrs = append(attrs, num("llm.token_count.prompt", 42), num("llm.token_count.completion", 17),
				num("llm.token_count.total", 59), num("llm.token_count.prompt_details.cache_read", 8))
		}
		s := newSpan(1, 0, "OpenAI Chat Completions", attrs...)
		ev := mapOne(t, MapOptions{}, s)[0]
		wantOpenAIStream(t, ev, includeUsage)
		if string(ev.Output) != `{"response":"It is 21 degrees and sunny in Paris."}` {
			t.Errorf("output %s", ev.Output)
		}
	}
}

// @traceloop/instrumentation-openai streaming: the chunks are folded into one ChatCompletion
// (content concatenated, tool-call arguments concatenated) and _endSpan writes
// gen_ai.completion.0.* from it; chunk.usage is not read, so usage exists only with
// enrichTokens (tiktoken estimate) (traceloop/openllmetry-js
// packages/instrumentation-openai/src/instrumentation.ts, _streamingWrapPromise).
func TestTraceloopOpenAIStreaming(t *testing.T) {
	s := newSpan(1, 0, "openai.chat", str("gen_ai.system", "OpenAI"), str("llm.request.type", "chat"),
		str("gen_ai.request.model", oaModel), str("gen_ai.prompt.0.role", "user"), str("gen_ai.prompt.0.content", "Weather in Paris?"),
		str("gen_ai.response.model", oaModelDated),
		str("gen_ai.completion.0.finish_reason", "tool_calls"), str("gen_ai.completion.0.role", "assistant"),
		str("gen_ai.completion.0.content", ""),
		str("gen_ai.completion.0.tool_calls.0.name", "get_weather"),
		str("gen_ai.completion.0.tool_calls.0.arguments", `{"city":"Paris"}`))
	s.kind = SpanKindClient
	ev := mapOne(t, MapOptions{}, s)[0]
	wantOpenAIStream(t, ev, false)
	var out struct {
		ToolCalls []struct {
			Name      string         `json:"name"`
			Arguments map[string]any `json:"arguments"`
		} `json:"tool_calls"`
		FinishReason string `json:"finish_reason"`
	}
	if err := json.Unmarshal(ev.Output, &out); err != nil || len(out.ToolCalls) != 1 || out.ToolCalls[0].Name != "get_weather" ||
		out.ToolCalls[0].Arguments["city"] != "Paris" || out.FinishReason != "tool_calls" {
		t.Errorf("output %s", ev.Output)
	}

	// With enrichTokens the estimate is reported like real usage.
	s.attrs = append(s.attrs, num("llm.usage.total_tokens", 59), num("gen_ai.usage.completion_tokens", 17),
		num("gen_ai.usage.prompt_tokens", 42))
	ev = mapOne(t, MapOptions{}, s)[0]
	wantOpenAIStream(t, ev, true)
}

// Python OpenLLMetry streaming: llm.is_streaming true, gen_ai.usage.input_tokens /
// output_tokens from the usage chunk (include_usage) and gen_ai.completion.0.content
// accumulated (traceloop/openllmetry packages/opentelemetry-instrumentation-openai/…/
// chat_wrappers.py, ChatStream._process_complete_response). llm.is_streaming stays in metadata.
func TestTraceloopPythonOpenAIStreaming(t *testing.T) {
	s := newSpan(1, 0, "openai.chat", str("gen_ai.system", "openai"), str("llm.request.type", "chat"),
		kv{"llm.is_streaming", BoolValue(true)}, str("gen_ai.request.model", oaModel),
		str("gen_ai.prompt.0.role", "user"), str("gen_ai.prompt.0.content", "Hi"),
		str("gen_ai.response.model", oaModelDated), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
		num("llm.usage.total_tokens", 59), str("gen_ai.completion.0.role", "assistant"),
		str("gen_ai.completion.0.content", "Hello."), str("gen_ai.completion.0.finish_reason", "stop"))
	ev := mapOne(t, MapOptions{}, s)[0]
	wantOpenAIStream(t, ev, true)
	if string(ev.Output) != `{"response":"Hello.","finish_reason":"stop"}` || ev.Metadata.Get("llm.is_streaming") != true {
		t.Errorf("output %s, llm.is_streaming %v", ev.Output, ev.Metadata.Get("llm.is_streaming"))
	}
}

// AI SDK v5 streamText with OpenAI: the outer ai.streamText span (totals, ai.response.text)
// and one ai.streamText.doStream per step with ai.usage.inputTokens / outputTokens /
// totalTokens / reasoningTokens / cachedInputTokens, msToFirstChunk and the
// ai.stream.firstChunk event (vercel/ai packages/ai/src/generate-text/stream-text.ts). The
// call counts once; the outer span only rolls up.
func TestAISDKv5StreamTextOpenAI(t *testing.T) {
	common := func(op string) []kv {
		return []kv{str("ai.operationId", op), str("operation.name", op), str("ai.model.provider", "openai.chat"),
			str("ai.model.id", oaModel), str("ai.telemetry.metadata.conversationId", "conv-heldout-7")}
	}
	outer := newSpan(1, 0, "ai.streamText", append(common("ai.streamText"),
		str("ai.prompt", `{"prompt":"Hi"}`), str("ai.response.text", "Hello."), str("ai.response.finishReason", "stop"),
		num("ai.usage.inputTokens", 42), num("ai.usage.outputTokens", 17), num("ai.usage.totalTokens", 59),
		num("ai.usage.reasoningTokens", 5), num("ai.usage.cachedInputTokens", 8))...)
	step := newSpan(2, 1, "ai.streamText.doStream", append(common("ai.streamText.doStream"),
		str("ai.prompt.messages", `[{"role":"user","content":[{"type":"text","text":"Hi"}]}]`),
		str("gen_ai.system", "openai.chat"), str("gen_ai.request.model", oaModel),
		kv{"ai.response.msToFirstChunk", DoubleValue(3.2)}, kv{"ai.response.msToFinish", DoubleValue(9.1)},
		str("ai.response.text", "Hello."), str("ai.response.finishReason", "stop"), str("ai.response.id", "chatcmpl-fake2"),
		str("ai.response.model", oaModelDated), num("ai.usage.inputTokens", 42), num("ai.usage.outputTokens", 17),
		num("ai.usage.totalTokens", 59), num("ai.usage.reasoningTokens", 5), num("ai.usage.cachedInputTokens", 8),
		str("gen_ai.response.model", oaModelDated), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))...)
	step.events = []testEvent{{"ai.stream.firstChunk", t0.Add(3 * time.Millisecond), kvs{kv{"ai.response.msToFirstChunk", DoubleValue(3.2)}}}}
	outer.scope, step.scope = "ai", "ai"
	evs := mapOne(t, MapOptions{}, outer, step)
	wantOpenAIStream(t, evs[1], true)
	if u := evs[1].Usage; u == nil || u.CachedTokens != 8 || u.ReasoningTokens != 5 {
		t.Errorf("doStream usage %+v, want cached 8 reasoning 5", u)
	}
	if sumPrompt(evs) != 42 || evs[0].Usage != nil || evs[0].Type != platform.TypeChat {
		t.Errorf("Σ prompt %d, outer type %s usage %+v", sumPrompt(evs), evs[0].Type, evs[0].Usage)
	}
	if string(evs[1].Output) != `{"response":"Hello.","finish_reason":"stop"}` || evs[1].Metadata.Get("ai.response.msToFirstChunk") != 3.2 {
		t.Errorf("doStream output %s msToFirstChunk %v", evs[1].Output, evs[1].Metadata.Get("ai.response.msToFirstChunk"))
	}
}

// AI SDK v7 @ai-sdk/otel streamText: the same `chat {model}` step span as generateText
// (onStepStart / onStepFinish, gen_ai.usage.* from the step's usage) under the root span;
// nothing stream-specific is added (onChunk is a no-op) (vercel/ai
// packages/otel/src/gen-ai-open-telemetry.ts).
func TestAISDKv7OtelStreaming(t *testing.T) {
	root := newSpan(1, 0, "invoke_agent "+oaModel, str("gen_ai.operation.name", "invoke_agent"), str("gen_ai.provider.name", "openai"),
		str("gen_ai.request.model", oaModel), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
		num("gen_ai.usage.cache_read.input_tokens", 8),
		str("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Hello."}],"finish_reason":"stop"}]`))
	chat := newSpan(2, 1, "chat "+oaModel, str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
		str("gen_ai.request.model", oaModel),
		str("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]`),
		kv{"gen_ai.response.finish_reasons", ListValue(vlist{StrValue("stop")})}, str("gen_ai.response.id", "chatcmpl-fake3"),
		str("gen_ai.response.model", oaModelDated), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
		num("gen_ai.usage.cache_read.input_tokens", 8),
		str("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Hello."}],"finish_reason":"stop"}]`))
	root.scope, chat.scope = "gen_ai", "gen_ai"
	chat.kind = SpanKindClient
	evs := mapOne(t, MapOptions{}, root, chat)
	wantOpenAIStream(t, evs[1], true)
	if sumPrompt(evs) != 42 || evs[0].Usage != nil {
		t.Errorf("Σ prompt %d root usage %+v", sumPrompt(evs), evs[0].Usage)
	}
	if string(evs[1].Output) != `{"response":"Hello.","finish_reason":"stop"}` {
		t.Errorf("output %s", evs[1].Output)
	}
}
