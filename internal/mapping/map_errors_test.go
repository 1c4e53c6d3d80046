package mapping

import (
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// Provider and tool errors as each instrumentation library records them, against the fake
// provider answering HTTP 500 / 429. A failed span keeps its type, gets status error and
// error{type,message}, carries no usage, and each OTel exception event becomes one child
// `error` event.

// wantFailed checks the event of a failed span.
func wantFailed(t *testing.T, ev platform.TraceEvent, typ platform.Type, errType, msgPart string) {
	t.Helper()
	if ev.Type != typ || ev.Status != platform.StatusError || ev.Error == nil {
		t.Fatalf("%s: type %s status %s error %+v, want %s with status error", ev.Name, ev.Type, ev.Status, ev.Error, typ)
	}
	if ev.Error.Type != errType || !strings.Contains(ev.Error.Message, msgPart) {
		t.Errorf("%s: error %+v, want type %q and a message containing %q", ev.Name, ev.Error, errType, msgPart)
	}
	if ev.Usage != nil {
		t.Errorf("%s: usage %+v on a failed call", ev.Name, ev.Usage)
	}
}

// errorEvents returns the `error` events that are children of parent.
func errorEvents(evs []platform.TraceEvent, parent platform.TraceEvent) []platform.TraceEvent {
	var out []platform.TraceEvent
	for _, e := range evs {
		if e.Type == platform.TypeError && e.ParentSpanID == parent.SpanID {
			out = append(out, e)
		}
	}
	return out
}

func exceptionEvent(typ, msg string) testEvent {
	return testEvent{"exception", t0.Add(time.Millisecond), kvs{
		str("exception.type", typ), str("exception.message", msg), str("exception.stacktrace", typ+": "+msg+"\n    at fake"),
	}}
}

// @opentelemetry/instrumentation-openai on a rejected APIPromise: no exception event, status
// ERROR with err.message and error.type = the error's class name (RateLimitError,
// InternalServerError); no usage, no response attributes (open-telemetry/opentelemetry-js-contrib
// packages/instrumentation-openai/src/instrumentation.ts, _createAPIPromiseRejectionHandler).
func TestOtelContribOpenAIProviderErrors(t *testing.T) {
	for _, c := range []struct{ class, msg string }{
		{"InternalServerError", "500 The server had an error while processing your request (fake)"},
		{"RateLimitError", "429 Rate limit reached for gpt-4o-mini (fake)"},
	} {
		s := newSpan(1, 0, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"),
			str("gen_ai.request.model", "gpt-4o-mini"), str("gen_ai.system", "openai"),
			str("server.address", "127.0.0.1"), num("server.port", 18080), str("error.type", c.class))
		s.kind, s.scope = SpanKindClient, "@opentelemetry/instrumentation-openai"
		s.code, s.msg = StatusCodeError, c.msg
		evs := mapOne(t, MapOptions{}, s)
		if len(evs) != 1 {
			t.Fatalf("%s: %d events, want 1 (no exception event recorded)", c.class, len(evs))
		}
		wantFailed(t, evs[0], platform.TypeLLM, c.class, c.msg)
		if evs[0].Provider != "openai" || evs[0].Model != "gpt-4o-mini" {
			t.Errorf("%s: provider %q model %q (request model expected without a response)", c.class, evs[0].Provider, evs[0].Model)
		}
	}
}

// AI SDK v5 with retries: generateText wraps each doGenerate attempt in retry(), so every
// attempt is its own ai.generateText.doGenerate span; failed attempts record the
// APICallError (recordErrorOnSpan: exception event + status ERROR), the successful one
// carries usage, and the outer span reports the result's totals (vercel/ai
// packages/ai/src/generate-text/generate-text.ts `await retry(() => recordSpan({name:
// 'ai.generateText.doGenerate', …}))`; packages/ai/src/telemetry/record-span.ts).
func TestAISDKv5RetryThenSuccess(t *testing.T) {
	openai := func(op string) []kv {
		return []kv{str("ai.operationId", op), str("operation.name", op), str("ai.model.provider", "openai.chat"),
			str("ai.model.id", "gpt-4o-mini")}
	}
	outer := newSpan(1, 0, "ai.generateText", append(openai("ai.generateText"),
		str("ai.response.text", "Hello."), str("ai.response.finishReason", "stop"),
		num("ai.usage.promptTokens", 42), num("ai.usage.completionTokens", 17))...)
	attempt := func(id byte, status int) *testSpan {
		s := newSpan(id, 1, "ai.generateText.doGenerate", append(openai("ai.generateText.doGenerate"),
			str("gen_ai.system", "openai.chat"), str("gen_ai.request.model", "gpt-4o-mini"),
			str("ai.prompt.messages", `[{"role":"user","content":[{"type":"text","text":"Hi"}]}]`))...)
		s.start = t0.Add(time.Duration(id) * 10 * time.Millisecond)
		s.end = s.start.Add(5 * time.Millisecond)
		if status != 200 {
			msg := "The server had an error while processing your request (fake)"
			if status == 429 {
				msg = "Rate limit reached (fake)"
			}
			s.code, s.msg = StatusCodeError, msg
			s.events = []testEvent{exceptionEvent("AI_APICallError", msg)}
		} else {
			s.attrs = append(s.attrs, str("ai.response.text", "Hello."), str("ai.response.finishReason", "stop"),
				str("ai.response.model", "gpt-4o-mini-2024-07-18"), str("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
				num("ai.usage.promptTokens", 42), num("ai.usage.completionTokens", 17),
				num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
		}
		return s
	}
	for _, s := range []*testSpan{outer} {
		s.scope = "ai"
	}
	a1, a2, a3 := attempt(2, 500), attempt(3, 429), attempt(4, 200)
	a1.scope, a2.scope, a3.scope = "ai", "ai", "ai"
	evs := mapOne(t, MapOptions{}, outer, a1, a2, a3)
	// outer, a1, a1's error, a2, a2's error, a3
	if len(evs) != 6 {
		t.Fatalf("%d events, want 6", len(evs))
	}
	wantFailed(t, evs[1], platform.TypeLLM, "AI_APICallError", "server had an error")
	wantFailed(t, evs[3], platform.TypeLLM, "AI_APICallError", "Rate limit")
	for _, i := range []int{1, 3} {
		if xs := errorEvents(evs, evs[i]); len(xs) != 1 || xs[0].Error.Type != "AI_APICallError" {
			t.Errorf("attempt %d: error events %+v", i, xs)
		}
	}
	if evs[5].Status == platform.StatusError || evs[5].Usage == nil || evs[5].Usage.PromptTokens != 42 ||
		evs[5].Model != "gpt-4o-mini-2024-07-18" {
		t.Errorf("successful attempt: status %s usage %+v model %q", evs[5].Status, evs[5].Usage, evs[5].Model)
	}
	if got := sumPrompt(evs); got != 42 {
		t.Errorf("Σ prompt_tokens = %d, want 42 (one successful call)", got)
	}
	if evs[0].Status == platform.StatusError || evs[0].Usage != nil {
		t.Errorf("outer: status %s usage %+v, want not failed and usage only rolled up", evs[0].Status, evs[0].Usage)
	}
}

// AI SDK v5 when every attempt fails: retry() throws AI_RetryError on the outer span
// ("Failed after 3 attempts. Last error: …", packages/provider-utils retry-with-exponential-
// backoff.ts); the outer span records it as its exception.
func TestAISDKv5RetriesExhausted(t *testing.T) {
	outer := newSpan(1, 0, "ai.generateText", str("ai.operationId", "ai.generateText"),
		str("ai.model.provider", "openai.chat"), str("ai.model.id", "gpt-4o-mini"))
	outer.code, outer.msg = StatusCodeError, "Failed after 2 attempts. Last error: Rate limit reached (fake)"
	outer.events = []testEvent{exceptionEvent("AI_RetryError", outer.msg)}
	var spans = []*testSpan{outer}
	for id := byte(2); id <= 3; id++ {
		s := newSpan(id, 1, "ai.generateText.doGenerate", str("ai.operationId", "ai.generateText.doGenerate"),
			str("ai.model.provider", "openai.chat"), str("ai.model.id", "gpt-4o-mini"), str("gen_ai.system", "openai.chat"),
			str("gen_ai.request.model", "gpt-4o-mini"))
		s.code, s.msg = StatusCodeError, "Rate limit reached (fake)"
		s.events = []testEvent{exceptionEvent("AI_APICallError", s.msg)}
		spans = append(spans, s)
	}
	for _, s := range spans {
		s.scope = "ai"
	}
	evs := mapOne(t, MapOptions{}, spans...)
	wantFailed(t, evs[0], platform.TypeCustom, "AI_RetryError", "Failed after 2 attempts")
	if evs[0].Metadata.Get("kind") != "task" {
		t.Errorf("outer kind %v", evs[0].Metadata.Get("kind"))
	}
	n := 0
	for _, e := range evs {
		if e.Type == platform.TypeError {
			n++
		}
	}
	if n != 3 || sumPrompt(evs) != 0 {
		t.Errorf("%d error events (want 3: one per exception event), Σ prompt %d (want 0)", n, sumPrompt(evs))
	}
}

// A tool that throws, AI SDK v5: the ai.toolCall span records the error (recordErrorOnSpan)
// and the loop continues with a tool-error part (packages/ai/src/generate-text/
// execute-tool-call.ts). The tool event stays `tool`, failed, with its arguments as input.
func TestAISDKv5ToolError(t *testing.T) {
	s := aiSpan(3, 2, "ai.toolCall", str("ai.toolCall.name", "get_weather"), str("ai.toolCall.id", "call_1"),
		str("ai.toolCall.args", `{"city":"Paris"}`))
	s.code, s.msg = StatusCodeError, "weather service unavailable"
	s.events = []testEvent{exceptionEvent("Error", "weather service unavailable")}
	evs := mapOne(t, MapOptions{}, s)
	if len(evs) != 2 {
		t.Fatalf("%d events, want tool + error", len(evs))
	}
	wantFailed(t, evs[0], platform.TypeTool, "Error", "weather service unavailable")
	if string(evs[0].Input) != `{"city":"Paris"}` {
		t.Errorf("tool input %s", evs[0].Input)
	}
	if evs[1].Type != platform.TypeError || evs[1].ParentSpanID != evs[0].SpanID {
		t.Errorf("error event type %s parent %s", evs[1].Type, evs[1].ParentSpanID)
	}
}

// AI SDK v7 @ai-sdk/otel: onToolCallFinish with success=false calls recordSpanError on the
// execute_tool span (exception {name, message, stack} + status ERROR); onError records the
// provider error on the open step (`chat {model}`) span and on the root span (vercel/ai
// packages/otel/src/gen-ai-open-telemetry.ts, recordSpanError / onToolCallFinish / onError).
func TestAISDKv7OtelErrors(t *testing.T) {
	tool := newSpan(3, 2, "execute_tool get_weather", str("gen_ai.operation.name", "execute_tool"),
		str("gen_ai.tool.name", "get_weather"), str("gen_ai.tool.call.id", "call_1"), str("gen_ai.tool.type", "function"),
		str("gen_ai.tool.call.arguments", `{"city":"Paris"}`))
	tool.code, tool.msg = StatusCodeError, "weather service unavailable"
	tool.events = []testEvent{exceptionEvent("Error", "weather service unavailable")}
	tool.scope = "gen_ai"
	evs := mapOne(t, MapOptions{}, tool)
	wantFailed(t, evs[0], platform.TypeTool, "Error", "weather service unavailable")
	if len(errorEvents(evs, evs[0])) != 1 {
		t.Errorf("tool error events: %d", len(errorEvents(evs, evs[0])))
	}

	// A 429 on the first step: the chat span and the invoke_agent root both fail.
	msg := "Rate limit reached for gpt-4o-mini (fake)"
	root := newSpan(1, 0, "invoke_agent weather-agent", str("gen_ai.operation.name", "invoke_agent"),
		str("gen_ai.provider.name", "openai"), str("gen_ai.request.model", "gpt-4o-mini"),
		str("gen_ai.agent.name", "weather-agent"), str("ai.settings.context.conversationId", "conv-heldout-7"))
	step := newSpan(2, 1, "step 1", str("gen_ai.operation.name", "agent_step"))
	chat := newSpan(3, 2, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
		str("gen_ai.request.model", "gpt-4o-mini"),
		str("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]`))
	for _, s := range []*testSpan{root, chat} {
		s.code, s.msg = StatusCodeError, msg
		s.events = []testEvent{exceptionEvent("AI_APICallError", msg)}
	}
	root.scope, step.scope, chat.scope = "gen_ai", "gen_ai", "gen_ai"
	evs = mapOne(t, MapOptions{}, root, step, chat)
	if len(evs) != 5 {
		t.Fatalf("%d events, want root, its error, step, chat, its error", len(evs))
	}
	wantFailed(t, evs[0], platform.TypeChat, "AI_APICallError", "Rate limit")
	wantFailed(t, evs[3], platform.TypeLLM, "AI_APICallError", "Rate limit")
	if evs[3].Provider != "openai" || evs[3].Model != "gpt-4o-mini" {
		t.Errorf("chat: provider %q model %q", evs[3].Provider, evs[3].Model)
	}
	for _, e := range evs {
		if e.ThreadID != evs[0].ThreadID {
			t.Errorf("%s: thread %s, want the conversation's %s", e.Name, e.ThreadID, evs[0].ThreadID)
		}
	}
}

// @arizeai/openinference-instrumentation-openai (JS): on a rejected call the LLM span gets
// recordException(error) and status ERROR with error.message; no usage, no output
// (Arize-ai/openinference js/packages/openinference-instrumentation-openai/src/
// instrumentation.ts, the .catch of the wrapped create()).
func TestOpenInferenceOpenAIProviderError(t *testing.T) {
	for _, c := range []struct{ class, msg string }{
		{"InternalServerError", "500 The server had an error while processing your request (fake)"},
		{"RateLimitError", "429 Rate limit reached (fake)"},
	} {
		s := newSpan(1, 0, "OpenAI Chat Completions", str("openinference.span.kind", "LLM"),
			str("llm.system", "openai"), str("llm.provider", "openai"), str("llm.model_name", "gpt-4o-mini"),
			str("input.value", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}`),
			str("input.mime_type", "application/json"),
			str("llm.invocation_parameters", `{"model":"gpt-4o-mini"}`),
			str("llm.input_messages.0.message.role", "user"), str("llm.input_messages.0.message.content", "Hi"))
		s.code, s.msg = StatusCodeError, c.msg
		s.events = []testEvent{exceptionEvent(c.class, c.msg)}
		s.scope = "@arizeai/openinference-instrumentation-openai"
		evs := mapOne(t, MapOptions{}, s)
		if len(evs) != 2 {
			t.Fatalf("%d events", len(evs))
		}
		wantFailed(t, evs[0], platform.TypeLLM, c.class, c.msg)
		if string(evs[0].Input) != `{"messages":[{"role":"user","content":"Hi"}]}` || evs[0].Output != nil {
			t.Errorf("input %s output %s", evs[0].Input, evs[0].Output)
		}
	}
}

// OpenAI Agents SDK via OpenInference: a function (tool) span whose SDK span carries an error
// gets only status ERROR with message "<error.message>: <JSON of error.data>" — no exception
// event, no error.type (Arize-ai/openinference js/packages/openinference-instrumentation-
// openai-agents/src/processor.ts, onSpanEnd).
func TestOpenInferenceAgentsFunctionError(t *testing.T) {
	s := newSpan(3, 2, "get_weather", str("openinference.span.kind", "TOOL"), str("llm.system", "openai"),
		str("tool.name", "get_weather"), str("input.value", `{"city":"Paris"}`), str("input.mime_type", "application/json"),
		str("output.value", "An error occurred while running the tool. Please try again. Error: weather service unavailable"))
	s.code, s.msg = StatusCodeError, `Error running tool: {"tool_name":"get_weather","error":"weather service unavailable"}`
	evs := mapOne(t, MapOptions{}, s)
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	wantFailed(t, evs[0], platform.TypeTool, "error", "weather service unavailable")
	if string(evs[0].Input) != `{"city":"Paris"}` {
		t.Errorf("input %s", evs[0].Input)
	}
}

// OpenLLMetry (Python opentelemetry-instrumentation-openai ≥ 0.40): on an exception the chat
// span gets error.type = the exception class, record_exception and status ERROR with
// str(e) (traceloop/openllmetry packages/opentelemetry-instrumentation-openai/…/
// chat_wrappers.py, `span.set_attribute(ERROR_TYPE, e.__class__.__name__)`).
func TestTraceloopOpenAIProviderError(t *testing.T) {
	s := newSpan(2, 1, "openai.chat", str("gen_ai.system", "openai"), str("llm.request.type", "chat"),
		str("gen_ai.request.model", "gpt-4o-mini"), str("gen_ai.prompt.0.role", "user"), str("gen_ai.prompt.0.content", "Hi"),
		str("llm.is_streaming", "false"), str("error.type", "RateLimitError"))
	s.code, s.msg = StatusCodeError, "Error code: 429 - {'error': {'message': 'Rate limit reached (fake)'}}"
	s.events = []testEvent{exceptionEvent("openai.RateLimitError", s.msg)}
	task := newSpan(1, 0, "get_weather_answer.task", str("traceloop.span.kind", "task"),
		str("traceloop.entity.name", "get_weather_answer"), str("traceloop.entity.input", `{"args":[],"kwargs":{"city":"Paris"}}`))
	task.code, task.msg = StatusCodeError, s.msg
	task.events = []testEvent{exceptionEvent("openai.RateLimitError", s.msg)}
	evs := mapOne(t, MapOptions{}, task, s)
	if len(evs) != 4 {
		t.Fatalf("%d events, want task, its error, llm, its error", len(evs))
	}
	wantFailed(t, evs[2], platform.TypeLLM, "RateLimitError", "Rate limit")
	if errs := errorEvents(evs, evs[2]); len(errs) != 1 || errs[0].Error.Type != "openai.RateLimitError" {
		t.Errorf("llm error events %+v", errs)
	}
	wantFailed(t, evs[0], platform.TypeCustom, "openai.RateLimitError", "Rate limit")
	if evs[2].Provider != "openai" || evs[2].Model != "gpt-4o-mini" {
		t.Errorf("provider %q model %q", evs[2].Provider, evs[2].Model)
	}
}
