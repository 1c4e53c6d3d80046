package mapping

import (
	"strconv"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Genkit spans built from the emitter's source (github.com/firebase/genkit/go v1.4.0:
// core/tracing/tracing.go spanMetadata.attributes for the keys, ai/gen.go and
// ai/document.go for the ModelRequest / ModelResponse / Part JSON, the plugins for what
// they put in them); the captures' tests are in genkit_test.go.

// tokensOf is u's token counts (the price table's cost and context window left out).
func tokensOf(u *platform.Usage) platform.Usage {
	if u == nil {
		return platform.Usage{}
	}
	return platform.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens,
		CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}
}

func gkModel(span, parent byte, name, input, output string) *testSpan {
	attrs := []kv{str(sc.GenkitType, "action"), str(sc.GenkitSubtype, "model"), str(sc.GenkitName, name),
		str(sc.GenkitState, "success"), str(sc.GenkitInput, input)}
	if output != "" {
		attrs = append(attrs, str(sc.GenkitOutput, output))
	}
	return newSpan(span, parent, name, attrs...)
}

// googlegenai fills GenerationUsage from Gemini's usageMetadata
// (plugins/googlegenai/gemini.go:922-927): outputTokens = candidatesTokenCount, which
// excludes thoughtsTokenCount; totalTokenCount counts them apart.
func TestGenkitGeminiThoughtsJoinTheCompletion(t *testing.T) {
	s := gkModel(1, 0, "googleai/gemini-2.5-flash", `{"messages":[{"role":"user","content":[{"text":"hi"}]}]}`,
		`{"message":{"role":"model","content":[{"reasoning":"think","metadata":{"thoughtSignature":"c2ln"}},{"text":"hello"}]},"finishReason":"stop",`+
			`"usage":{"inputTokens":10,"outputTokens":20,"totalTokens":35,"cachedContentTokens":4,"thoughtsTokens":5}}`)
	ev := mapOne(t, MapOptions{}, s)[0]
	want := platform.Usage{PromptTokens: 10, CompletionTokens: 25, TotalTokens: 35, CachedTokens: 4, ReasoningTokens: 5}
	if tokensOf(ev.Usage) != want {
		t.Errorf("usage %+v, want %+v", ev.Usage, want)
	}
	if ev.Metadata.Get("usage_converted") == nil {
		t.Error("usage_converted not set")
	}
	if ev.Provider != sc.ProviderGCPGemini || ev.Model != "gemini-2.5-flash" {
		t.Errorf("provider %q model %q, want gcp.gemini gemini-2.5-flash", ev.Provider, ev.Model)
	}
	if got := string(ev.Output); got != `{"response":"hello","parts":[{"type":"reasoning","content":"think"}],"finish_reason":"stop"}` {
		t.Errorf("output %s", got)
	}
}

// compat_oai: inputTokens = prompt_tokens, outputTokens = completion_tokens (reasoning
// included), totalTokens = total_tokens (plugins/compat_oai/generate.go:305-317).
func TestGenkitCompatOAIUsageIsInclusive(t *testing.T) {
	s := gkModel(1, 0, "openai/o4-mini", `{"messages":[]}`,
		`{"message":{"role":"model","content":[{"text":"x"}]},"usage":{"inputTokens":42,"outputTokens":17,"totalTokens":59,"cachedContentTokens":8,"thoughtsTokens":5}}`)
	ev := mapOne(t, MapOptions{}, s)[0]
	want := platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}
	if tokensOf(ev.Usage) != want || ev.Metadata.Get("usage_converted") != nil {
		t.Errorf("usage %+v converted %v, want %+v unconverted", ev.Usage, ev.Metadata.Get("usage_converted"), want)
	}
	if ev.Model != "o4-mini" {
		t.Errorf("model %q, want o4-mini (genkit:name without its plugin: no custom.model)", ev.Model)
	}
}

// Plugin names: googlegenai registers googleai and vertexai (plugins/googlegenai/googlegenai.go:27-28),
// the anthropic plugin anthropic (plugins/anthropic/anthropic.go:38), ollama ollama
// (plugins/ollama/ollama.go:40), compat_oai's OpenAI openai (plugins/compat_oai/openai/openai.go:30).
func TestGenkitProviderFromPlugin(t *testing.T) {
	for name, want := range map[string]string{
		"googleai/gemini-2.5-pro":   sc.ProviderGCPGemini,
		"vertexai/gemini-2.5-pro":   sc.ProviderGCPVertexAI,
		"anthropic/claude-sonnet-4": sc.ProviderAnthropic,
		"ollama/llama3.2":           "ollama",
		"openai/gpt-4o":             sc.ProviderOpenAI,
		"xai/grok-3":                sc.ProviderXAI,
	} {
		ev := mapOne(t, MapOptions{}, gkModel(1, 0, name, `{"messages":[]}`, ""))[0]
		if ev.Provider != want || ev.Type != platform.TypeLLM {
			t.Errorf("%s: provider %q type %q, want %q llm", name, ev.Provider, ev.Type, want)
		}
	}
	// A tool or flow never gets a provider from its name.
	tool := newSpan(1, 0, "openai/lookup", str(sc.GenkitType, "action"), str(sc.GenkitSubtype, "tool"), str(sc.GenkitName, "openai/lookup"))
	if ev := mapOne(t, MapOptions{}, tool)[0]; ev.Provider != "" || ev.Type != platform.TypeTool {
		t.Errorf("tool: provider %q type %q", ev.Provider, ev.Type)
	}
}

// Parts (ai/document.go:36-45, the part structs in ai/gen.go): media as a data: URL or a
// URL, data, custom; several toolResponse parts in one tool message.
func TestGenkitPartsBecomeGenAIParts(t *testing.T) {
	in := `{"messages":[` +
		`{"role":"user","content":[{"text":"what is this?"},{"media":{"contentType":"image/png","url":"data:image/png;base64,iVBORw0KGgo="}},{"media":{"contentType":"application/pdf","url":"https://example.com/a.pdf"}},{"data":{"k":1}},{"custom":{"x":true}}]},` +
		`{"role":"model","content":[{"toolRequest":{"name":"a","ref":"r1","input":{"q":1}}},{"toolRequest":{"name":"b","ref":"r2","input":{"q":2}}}]},` +
		`{"role":"tool","content":[{"toolResponse":{"name":"a","ref":"r1","output":"one"}},{"toolResponse":{"name":"b","ref":"r2","output":{"n":2}}}]}]}`
	ev := mapOne(t, MapOptions{}, gkModel(1, 0, "openai/gpt-4o", in, ""))[0]
	want := `{"messages":[` +
		`{"role":"user","content":[{"type":"text","content":"what is this?"},{"type":"blob","modality":"image","mime_type":"image/png","content":"iVBORw0KGgo="},{"type":"uri","mime_type":"application/pdf","uri":"https://example.com/a.pdf"},{"type":"data","content":{"k":1}},{"type":"custom","content":{"x":true}}]},` +
		`{"role":"assistant","tool_calls":[{"id":"r1","name":"a","arguments":{"q":1}},{"id":"r2","name":"b","arguments":{"q":2}}]},` +
		`{"role":"tool","content":"one","name":"a","tool_call_id":"r1"},{"role":"tool","content":{"n":2},"name":"b","tool_call_id":"r2"}]}`
	if string(ev.Input) != want {
		t.Errorf("input\n got %s\nwant %s", ev.Input, want)
	}
}

// Genkit JS: util spans carry no subtype, genkit.run steps are flowStep
// (js/core/src/tracing/instrumentation.ts); a chat send span carries genkit:sessionId and
// genkit:threadName (js/ai/src/chat.ts:45-46, 150-156), which reach every event of the trace.
func TestGenkitJSKindsAndChatSession(t *testing.T) {
	send := newSpan(1, 0, "send", str(sc.GenkitType, "helper"), str(sc.GenkitName, "send"),
		str(sc.GenkitSessionID, "sess-1"), str(sc.GenkitThreadName, "main"))
	step := newSpan(2, 1, "step", str(sc.GenkitType, "flowStep"), str(sc.GenkitName, "step"))
	gen := newSpan(3, 2, "generate", str(sc.GenkitType, "util"), str(sc.GenkitName, "generate"))
	evs := mapOne(t, MapOptions{}, send, step, gen)
	kinds := []any{"helper", "step", "task"}
	for i, ev := range evs {
		if ev.Metadata.Get("kind") != kinds[i] || ev.SessionID != "sess-1" || ev.ThreadID != ThreadUUID("sess-1/main") {
			t.Errorf("%s: kind %v session %q thread %q", ev.Name, ev.Metadata.Get("kind"), ev.SessionID, ev.ThreadID)
		}
	}
}

// A failed span: genkit:state=error and genkit:isFailureSource, no genkit:output
// (core/tracing/tracing.go:255-262 sets them with the span status); the state alone marks
// the event failed when an exporter lost the status.
func TestGenkitStateErrorFails(t *testing.T) {
	s := gkModel(1, 0, "openai/gpt-4o", `{"messages":[]}`, "")
	s.attrs = append(s.attrs[:3], str(sc.GenkitState, "error"), kv{sc.GenkitIsFailureSource, BoolValue(true)})
	ev := mapOne(t, MapOptions{}, s)[0]
	if ev.Status != platform.StatusError || ev.Error == nil || ev.Error.Type != "error" {
		t.Errorf("status %q error %+v, want error", ev.Status, ev.Error)
	}
	if _, left := ev.Metadata.Lookup(sc.GenkitState); left {
		t.Error("genkit:state=error left in metadata although mapped to the status")
	}
	ok := gkModel(1, 0, "openai/gpt-4o", `{"messages":[]}`, `{"message":{"role":"model","content":[{"text":"x"}]}}`)
	if ev := mapOne(t, MapOptions{}, ok)[0]; ev.Status != platform.StatusUnset {
		t.Errorf("successful span status %q", ev.Status)
	}
}

// A Genkit span is gen_ai content for filters that keep only LLM spans.
func TestGenkitHasGenAISemantics(t *testing.T) {
	if !GenAISemantics()(gkModel(1, 0, "openai/gpt-4o", `{}`, "")) {
		t.Error("a Genkit model span reported no gen_ai semantics")
	}
}

// A JS agent turn (flowStep runTurn-N, @genkit-ai/ai lib/agent.mjs) takes {message} and
// returns {state: {messages, artifacts}}: their Genkit messages in the gen_ai form, the
// state's other keys kept.
func TestGenkitAgentTurnValues(t *testing.T) {
	s := newSpan(1, 0, "runTurn-1", str(sc.GenkitType, "flowStep"), str(sc.GenkitName, "runTurn-1"),
		str(sc.GenkitInput, `{"message":{"role":"user","content":[{"text":"hi"}]}}`),
		str(sc.GenkitOutput, `{"state":{"artifacts":[{"name":"a"}],"messages":[{"role":"user","content":[{"text":"hi"}]},{"role":"model","content":[{"text":"hello"}]}]}}`))
	ev := mapOne(t, MapOptions{}, s)[0]
	if string(ev.Input) != `{"messages":[{"role":"user","content":"hi"}]}` ||
		string(ev.Output) != `{"artifacts":[{"name":"a"}],"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}` {
		t.Errorf("input %s output %s", ev.Input, ev.Output)
	}
}

// Genkit JS compat-oai 1.42.0 fills usage with the three counts only and keeps the
// provider's response as ModelResponse.raw (testdata/captures/README.md): the cache and
// reasoning counts come from raw's usage when it describes the same call, and not when its
// counts are another call's or when Genkit's usage has details of its own.
func TestGenkitRawUsageDetails(t *testing.T) {
	raw := func(prompt, completion int) string {
		return `"raw":{"object":"chat.completion","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],` +
			`"usage":{"prompt_tokens":` + itoa(prompt) + `,"completion_tokens":` + itoa(completion) + `,"total_tokens":59,` +
			`"prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":5}}}`
	}
	for _, tc := range []struct {
		name, usage, raw string
		want             platform.Usage
	}{
		{"details from raw", `{"inputTokens":42,"outputTokens":17,"totalTokens":59}`, raw(42, 17),
			platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}},
		{"another call's raw", `{"inputTokens":40,"outputTokens":17,"totalTokens":57}`, raw(42, 17),
			platform.Usage{PromptTokens: 40, CompletionTokens: 17, TotalTokens: 57}},
		{"Genkit's own details win", `{"inputTokens":42,"outputTokens":17,"totalTokens":59,"cachedContentTokens":3}`, raw(42, 17),
			platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 3}},
	} {
		s := gkModel(1, 0, "openai/gpt-4o-mini", `{"messages":[]}`,
			`{"finishReason":"stop","message":{"role":"model","content":[{"text":"x"}]},"usage":`+tc.usage+`,`+tc.raw+`}`)
		if got := tokensOf(mapOne(t, MapOptions{}, s)[0].Usage); got != tc.want {
			t.Errorf("%s: usage %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
