package mapping

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

func TestAnthropicExclusiveCountsConverted(t *testing.T) {
	// Cache reads larger than input: exclusive form, made inclusive.
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "chat claude",
		str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "anthropic"),
		num("gen_ai.usage.input_tokens", 34), num("gen_ai.usage.cache_read.input_tokens", 40),
		num("gen_ai.usage.output_tokens", 17)))[0]
	if ev.Usage.PromptTokens != 74 || ev.Usage.CachedTokens != 40 || ev.Usage.TotalTokens != 91 {
		t.Errorf("usage %+v", ev.Usage)
	}
	// AI SDK (v5) copies Anthropic's raw input_tokens: 34 + 8 cache reads = 42 inclusive.
	ev = mapOne(t, MapOptions{}, newSpan(1, 0, "ai.generateText.doGenerate",
		str("ai.operationId", "ai.generateText.doGenerate"), str("ai.model.provider", "anthropic.messages"),
		num("ai.usage.promptTokens", 34), num("ai.usage.cachedInputTokens", 8), num("ai.usage.completionTokens", 17),
		num("gen_ai.usage.input_tokens", 34), num("gen_ai.usage.output_tokens", 17)))[0]
	if ev.Provider != "anthropic" || ev.Usage.PromptTokens != 42 || ev.Usage.TotalTokens != 59 {
		t.Errorf("provider %q usage %+v", ev.Provider, ev.Usage)
	}
	// The same counts from OpenAI are inclusive already.
	ev = mapOne(t, MapOptions{}, newSpan(1, 0, "ai.generateText.doGenerate",
		str("ai.operationId", "ai.generateText.doGenerate"), str("ai.model.provider", "openai.chat"),
		num("ai.usage.promptTokens", 42), num("ai.usage.cachedInputTokens", 8)))[0]
	if ev.Usage.PromptTokens != 42 {
		t.Errorf("openai usage %+v", ev.Usage)
	}
}

func TestSeveralDialectsCountedOnce(t *testing.T) {
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "ChatCompletion",
		str("openinference.span.kind", "LLM"), num("gen_ai.usage.input_tokens", 42),
		num("llm.token_count.prompt", 42), num("ai.usage.promptTokens", 42),
		num("gen_ai.usage.output_tokens", 17), num("llm.token_count.completion", 17),
		kv{"llm.cost.total", DoubleValue(0.0021)}))[0]
	if ev.Usage.PromptTokens != 42 || ev.Usage.CompletionTokens != 17 || ev.Usage.TotalTokens != 59 || ev.Usage.CostUSD != 0.0021 {
		t.Errorf("usage %+v", ev.Usage)
	}
	for k := range ev.Metadata.All() {
		if strings.Contains(k, "token") {
			t.Errorf("usage key %s left in metadata", k)
		}
	}
}

func TestStructuredAndStringMessagesAgree(t *testing.T) {
	msgJSON := `[{"role":"user","parts":[{"type":"text","content":"hi"},{"type":"image","uri":"x"}]},{"role":"assistant","parts":[{"type":"text","content":"hello"}]}]`
	structured := ListValue(vlist{
		MapValue(kvs{{"role", StrValue("user")}, {"parts", ListValue(vlist{
			MapValue(kvs{{"type", StrValue("text")}, {"content", StrValue("hi")}}),
			MapValue(kvs{{"type", StrValue("image")}, {"uri", StrValue("x")}}),
		})}}),
		MapValue(kvs{{"role", StrValue("assistant")}, {"parts", ListValue(vlist{
			MapValue(kvs{{"type", StrValue("text")}, {"content", StrValue("hello")}}),
		})}}),
	})
	a := mapOne(t, MapOptions{}, newSpan(1, 0, "chat m", str("gen_ai.operation.name", "chat"), str("gen_ai.input.messages", msgJSON)))[0]
	b := mapOne(t, MapOptions{}, newSpan(1, 0, "chat m", str("gen_ai.operation.name", "chat"), kv{"gen_ai.input.messages", structured}))[0]
	want := `{"messages":[{"role":"user","content":[{"type":"text","content":"hi"},{"type":"image","uri":"x"}]},{"role":"assistant","content":"hello"}]}`
	if string(a.Input) != want || string(b.Input) != want {
		t.Errorf("string form %s\nstructured  %s\nwant        %s", a.Input, b.Input, want)
	}
}

func TestTruncatedJSONKeptRaw(t *testing.T) {
	raw := `[{"role":"user","content":[{"type":"text","text":"What is the wea`
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "ai.streamText.doStream",
		str("ai.operationId", "ai.streamText.doStream"), str("ai.prompt.messages", raw)))[0]
	var got string
	if err := json.Unmarshal(ev.Input, &got); err != nil || got != raw {
		t.Errorf("input %s, want the raw string", ev.Input)
	}
}

func TestTraceloopFlattenedAndDeprecatedEvents(t *testing.T) {
	s := newSpan(1, 0, "openai.chat", str("llm.request.type", "chat"), str("gen_ai.system", "openai"),
		str("gen_ai.prompt.0.role", "user"), str("gen_ai.prompt.0.content", "hi"),
		str("gen_ai.prompt.name", "greeting"),
		str("gen_ai.completion.0.role", "assistant"), str("gen_ai.completion.0.content", "hello"),
		str("gen_ai.completion.0.finish_reason", "stop"),
		num("gen_ai.usage.prompt_tokens", 5), num("gen_ai.usage.completion_tokens", 2))
	ev := mapOne(t, MapOptions{}, s)[0]
	if ev.Type != platform.TypeLLM || string(ev.Input) != `{"messages":[{"role":"user","content":"hi"}]}` ||
		string(ev.Output) != `{"response":"hello","finish_reason":"stop"}` || ev.Usage.TotalTokens != 7 ||
		ev.Metadata.Get("gen_ai.prompt.name") != "greeting" {
		t.Errorf("event %s %s %+v %v", ev.Input, ev.Output, ev.Usage, ev.Metadata)
	}
	s = newSpan(1, 0, "chat x", str("gen_ai.operation.name", "chat"))
	s.events = []testEvent{
		{"gen_ai.system.message", t0, kvs{str("content", "be brief")}},
		{"gen_ai.user.message", t0, kvs{str("content", "hi")}},
		{"gen_ai.choice", t0, kvs{str("finish_reason", "stop"), {"message", MapValue(kvs{str("content", "yo")})}}},
		{"custom.event", t0, kvs{num("n", 1)}},
	}
	ev = mapOne(t, MapOptions{}, s)[0]
	if string(ev.Input) != `{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}` ||
		string(ev.Output) != `{"response":"yo","finish_reason":"stop"}` {
		t.Errorf("events: %s %s", ev.Input, ev.Output)
	}
	if b, _ := json.Marshal(ev.Metadata.Get("otel.events")); !strings.Contains(string(b), `"name":"custom.event"`) || strings.Contains(string(b), "gen_ai.choice") {
		t.Errorf("otel.events %s", b)
	}
}

func TestOmitContentAndCaps(t *testing.T) {
	big := strings.Repeat("x", 300<<10)
	s := newSpan(1, 0, "chat m", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "m"),
		str("gen_ai.input.messages", `[{"role":"user","content":"`+big+`"}]`),
		str("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"secret"}],"finish_reason":"stop"}]`),
		num("gen_ai.usage.input_tokens", 3))
	ev := mapOne(t, MapOptions{}, s)[0]
	if !strings.HasPrefix(string(ev.Input), `{"truncated":true,"original_bytes":`) || len(ev.Input) > 4096 {
		t.Errorf("input not capped: %.100s (%d bytes)", ev.Input, len(ev.Input))
	}
	if tr, _ := json.Marshal(ev.Metadata.Get("truncated")); string(tr) != `["input"]` {
		t.Errorf("metadata.truncated = %s", tr)
	}
	ev = mapOne(t, MapOptions{OmitContent: true, Tags: []string{"prod"}, Metadata: platform.MetadataFromMap(map[string]any{"env": "p"})}, s)[0]
	b, _ := json.Marshal(ev)
	if ev.Input != nil || string(ev.Output) != `{"finish_reason":"stop"}` || strings.Contains(string(b), "secret") ||
		strings.Contains(string(b), "xxxx") || ev.Usage.PromptTokens != 3 || ev.Model != "m" || ev.Tags[0] != "prod" || ev.Metadata.Get("env") != "p" {
		t.Errorf("omit content: %.600s", b)
	}
	// Huge leftover attributes stay bounded: the event stays under the 1 MiB limit.
	var attrs kvs
	for i := 0; i < 50; i++ {
		attrs = append(attrs, str("x.attr."+strings.Repeat("k", i), big))
	}
	ev = mapOne(t, MapOptions{}, &testSpan{name: "n", start: t0, attrs: attrs, span: [8]byte{1}})[0]
	b, _ = json.Marshal(ev)
	if len(b) > platform.MaxEventBytes {
		t.Errorf("event is %d bytes", len(b))
	}
}

func TestExceptionEventsAndErrors(t *testing.T) {
	s := newSpan(1, 0, "execute_tool t", str("gen_ai.operation.name", "execute_tool"), str("error.type", "TimeoutError"))
	s.code = StatusCodeError
	s.events = []testEvent{
		{"exception", t0.Add(time.Millisecond), kvs{str("exception.type", "A"), str("exception.message", "first")}},
		{"exception", t0.Add(time.Millisecond), kvs{str("exception.type", "B"), str("exception.message", "second"), kv{"exception.escaped", BoolValue(true)}}},
	}
	evs := mapOne(t, MapOptions{}, s)
	if len(evs) != 3 || evs[0].Type != platform.TypeTool || evs[0].Error.Type != "TimeoutError" || evs[0].Error.Message != "first" {
		t.Fatalf("events %+v", evs)
	}
	for i, e := range evs[1:] {
		if e.Type != platform.TypeError || e.ParentSpanID != evs[0].SpanID || e.SpanID != ExceptionEventUUID(s.trace, s.span, i) ||
			e.Metadata.Get("exception.escaped") == nil && i == 1 {
			t.Errorf("error event %d: %+v", i, e)
		}
	}
}

func TestMapperMemoryAcrossBatches(t *testing.T) {
	m := withMemory(MapOptions{})
	child := newSpan(2, 1, "chat m", str("gen_ai.operation.name", "chat"), num("gen_ai.usage.input_tokens", 42))
	root := newSpan(1, 0, "agent", str("gen_ai.operation.name", "invoke_agent"), num("gen_ai.usage.input_tokens", 42),
		str("gen_ai.conversation.id", "c-1"))
	a := m.Map([]SpanView{child})
	b := m.Map([]SpanView{root})
	if a[0].Usage.PromptTokens != 42 || b[0].Usage != nil || b[0].Type != platform.TypeChat || b[0].ThreadID != ThreadUUID("c-1") {
		t.Errorf("child %+v root %+v", a[0].Usage, b[0])
	}
	c := m.Map([]SpanView{newSpan(3, 1, "late tool", str("gen_ai.operation.name", "execute_tool"))})
	if c[0].ThreadID != ThreadUUID("c-1") {
		t.Error("a later span of the trace must get the thread found earlier")
	}
}
