package mapping

import (
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// The fallback for emitters no dialect names (issue 10, item 3). The attribute values are
// the providers' and SDKs' own objects: OpenAI's Chat Completions response (API reference,
// "The chat completion object": model, usage.prompt_tokens / completion_tokens /
// total_tokens), Anthropic's Messages usage (input_tokens excludes cache_read_input_tokens
// and cache_creation_input_tokens), the Vercel AI SDK v4 LanguageModelUsage
// (promptTokens, completionTokens) and v5 (inputTokens, outputTokens, totalTokens);
// the namespaces ("acme.", "app.") are an in-house instrumentation's.

const (
	openAIRequest  = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Weather in Paris?"}]}`
	openAIResponse = `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"It is 18 °C and clear in Paris."},"finish_reason":"stop"}],"usage":{"prompt_tokens":42,"completion_tokens":17,"total_tokens":59,"prompt_tokens_details":{"cached_tokens":0}}}`
)

func TestFallbackModelCall(t *testing.T) {
	cases := []struct {
		name                  string
		attrs                 []kv
		model, provider       string
		prompt, compl, total  int64
		cached, cacheCreation int64
	}{
		{"raw OpenAI bodies", []kv{str("acme.request", openAIRequest), str("acme.response", openAIResponse)},
			"gpt-4o-mini-2024-07-18", "openai", 42, 17, 59, 0, 0},
		{"flat Anthropic usage", []kv{str("acme.model", "claude-sonnet-4-20250514"), num("acme.usage.input_tokens", 10),
			num("acme.usage.output_tokens", 5), num("acme.usage.cache_read_input_tokens", 100), num("acme.usage.cache_creation_input_tokens", 20)},
			"claude-sonnet-4-20250514", "anthropic", 130, 5, 135, 100, 20},
		{"AI SDK v4 usage names", []kv{str("app.modelId", "mistral-large-latest"), num("app.usage.promptTokens", 42),
			num("app.usage.completionTokens", 17)}, "mistral-large-latest", "mistral_ai", 42, 17, 59, 0, 0},
		{"AI SDK v5 usage names, ':' keys", []kv{str("app:model_name", "grok-3-mini"), num("app:usage:inputTokens", 42),
			num("app:usage:outputTokens", 17), num("app:usage:totalTokens", 60)}, "grok-3-mini", "x_ai", 42, 17, 60, 0, 0},
		// Two namespaces: the lowest one that has a count is read alone.
		{"one namespace", []kv{str("model", "gpt-4o"), num("b.input_tokens", 7), num("b.output_tokens", 3), num("a.prompt_tokens", 42), num("a.completion_tokens", 17)},
			"gpt-4o", "openai", 42, 17, 59, 0, 0},
	}
	for _, c := range cases {
		ev := mapOne(t, MapOptions{}, newSpan(1, 0, "acme.call", c.attrs...))[0]
		if ev.Type != platform.TypeLLM || ev.Metadata.Get("kind") != "llm" || ev.Model != c.model || ev.Provider != c.provider || ev.Usage == nil {
			t.Fatalf("%s: type %s kind %v model %q provider %q usage %+v", c.name, ev.Type, ev.Metadata.Get("kind"), ev.Model, ev.Provider, ev.Usage)
		}
		u := ev.Usage
		if u.PromptTokens != c.prompt || u.CompletionTokens != c.compl || u.TotalTokens != c.total || u.CachedTokens != c.cached {
			t.Errorf("%s: usage %+v, want %d/%d/%d cached %d", c.name, *u, c.prompt, c.compl, c.total, c.cached)
		}
		if got, _ := ev.Metadata.Get("cache_creation_tokens").(int64); got != c.cacheCreation {
			t.Errorf("%s: cache_creation_tokens %v, want %d", c.name, ev.Metadata.Get("cache_creation_tokens"), c.cacheCreation)
		}
		for _, a := range c.attrs {
			_, kept := ev.Metadata.Lookup(a.k)
			if unread := a.k[0] == 'b'; a.v.Kind() == ValueInt && kept != unread {
				t.Errorf("%s: count %s in metadata: %v, want %v (mapped counts are consumed, the other namespace's kept)", c.name, a.k, kept, unread)
			}
		}
	}
	// The raw bodies are recognised by shape (provider_body.go): the request's messages are
	// the input, the response's answer the output, in the project's message shapes; the
	// attributes are consumed.
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "acme.call", str("acme.request", openAIRequest), str("acme.response", openAIResponse)))[0]
	if string(ev.Input) != `{"messages":[{"role":"user","content":"Weather in Paris?"}]}` ||
		string(ev.Output) != `{"response":"It is 18 °C and clear in Paris.","finish_reason":"stop"}` ||
		ev.Metadata.Get("acme.request") != nil || ev.Metadata.Get("acme.response") != nil {
		t.Errorf("content: input %s output %s metadata %v", ev.Input, ev.Output, ev.Metadata)
	}
}

// Token counts without a model name, or a model without counts, are not a model call.
func TestFallbackNeedsModelAndCounts(t *testing.T) {
	for _, attrs := range [][]kv{
		{num("acme.usage.input_tokens", 10), num("acme.usage.output_tokens", 5)},
		{str("acme.model", "gpt-4o")},
	} {
		ev := mapOne(t, MapOptions{}, newSpan(1, 0, "acme.step", attrs...))[0]
		if ev.Type != platform.TypeCustom || ev.Usage != nil || ev.Model != "" || ev.Metadata.Get(attrs[0].k) == nil {
			t.Errorf("%v: type %s usage %+v model %q, want custom with the keys in metadata", attrs, ev.Type, ev.Usage, ev.Model)
		}
	}
}

// A named dialect's keys win: its usage is kept, the fallback's keys stay metadata.
func TestFallbackBelowNamedKeys(t *testing.T) {
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "chat gpt-4o", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "gpt-4o"),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17), num("acme.usage.input_tokens", 99),
		str("acme.model", "other")))[0]
	if ev.Model != "gpt-4o" || ev.Usage.PromptTokens != 42 || ev.Metadata.Get("acme.usage.input_tokens") != int64(99) || ev.Metadata.Get("acme.model") != "other" {
		t.Errorf("model %q usage %+v metadata %v", ev.Model, ev.Usage, ev.Metadata)
	}
	// A model call of a named dialect without usage keys takes the usage of its response
	// body: OpenInference's output.value with output.mime_type application/json (the
	// OpenAI instrumentation's JSON.stringify(result)).
	ev = mapOne(t, MapOptions{}, newSpan(1, 0, "ChatCompletion", str("openinference.span.kind", "LLM"), str("llm.model_name", "gpt-4o-mini"),
		str("output.mime_type", "application/json"), str("output.value", openAIResponse)))[0]
	if ev.Type != platform.TypeLLM || ev.Model != "gpt-4o-mini" || ev.Usage == nil || ev.Usage.PromptTokens != 42 || ev.Usage.TotalTokens != 59 {
		t.Errorf("OpenInference without token counts: model %q usage %+v", ev.Model, ev.Usage)
	}
}

// Content: JSON attributes named input / request / prompt, output / response / completion;
// plain text is not taken; OmitContent drops it and keeps it out of metadata.
func TestFallbackContent(t *testing.T) {
	attrs := []kv{str("acme.prompt", `{"question":"Weather in Paris?"}`), str("acme.completion", `["18 °C","clear"]`),
		str("acme.input", "plain text is not content")}
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "acme.step", attrs...))[0]
	if string(ev.Input) != `{"question":"Weather in Paris?"}` || string(ev.Output) != `["18 °C","clear"]` ||
		ev.Metadata.Get("acme.input") != "plain text is not content" || ev.Metadata.Get("acme.prompt") != nil {
		t.Errorf("input %s output %s metadata %v", ev.Input, ev.Output, ev.Metadata)
	}
	ev = mapOne(t, MapOptions{OmitContent: true}, newSpan(1, 0, "acme.step", attrs...))[0]
	if ev.Input != nil || ev.Output != nil || ev.Metadata.Get("acme.prompt") != nil || ev.Metadata.Get("acme.completion") != nil {
		t.Errorf("omit content: input %s output %s metadata %v", ev.Input, ev.Output, ev.Metadata)
	}
	// input wins over request and prompt.
	ev = mapOne(t, MapOptions{}, newSpan(1, 0, "acme.step", str("z.prompt", `{"p":1}`), str("z.request", `{"r":1}`), str("z.input", `{"i":1}`)))[0]
	if string(ev.Input) != `{"i":1}` || ev.Metadata.Get("z.request") != `{"r":1}` {
		t.Errorf("input %s metadata %v", ev.Input, ev.Metadata)
	}
}

// Trace identity under any namespace, below every named key of the trace: Langfuse's
// trace metadata (langfuse.trace.metadata.<key>, Langfuse JS SDK v4
// propagateAttributes({metadata})) and an in-house namespace.
func TestFallbackIdentity(t *testing.T) {
	root := newSpan(1, 0, "turn", str("langfuse.trace.metadata.conversationId", "conv-heldout-7"),
		str("acme.ctx.user_id", "user-fb"), str("acme.ctx.sessionId", "sess-fb"))
	call := newSpan(2, 1, "call", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "gpt-4o"))
	evs := mapOne(t, MapOptions{}, root, call)
	for _, e := range evs {
		if e.ThreadID != ThreadUUID("conv-heldout-7") || e.UserID != "user-fb" || e.SessionID != "sess-fb" || e.Metadata.Get("conversation_id") != "conv-heldout-7" {
			t.Errorf("%s: thread %s user %q session %q metadata %v", e.Name, e.ThreadID, e.UserID, e.SessionID, e.Metadata)
		}
	}
	if evs[0].Type != platform.TypeChat || evs[0].Metadata.Get("acme.ctx.user_id") != nil {
		t.Errorf("root: type %s metadata %v", evs[0].Type, evs[0].Metadata)
	}
	// A named key on any span of the trace wins over the fallback on the root.
	named := newSpan(2, 1, "call", str("gen_ai.operation.name", "chat"), str("session.id", "sess-named"), str("user.id", "user-named"))
	evs = mapOne(t, MapOptions{}, root, named)
	for _, e := range evs {
		if e.SessionID != "sess-named" || e.UserID != "user-named" {
			t.Errorf("%s: session %q user %q, want the named keys' values", e.Name, e.SessionID, e.UserID)
		}
	}
}

// A span the fallback can read passes the GenAIOnly filter; an HTTP span does not.
func TestFallbackHasGenAISemantics(t *testing.T) {
	if !GenAISemantics()(newSpan(1, 0, "acme.call", str("acme.model", "gpt-4o"), num("acme.usage.completionTokens", 17))) {
		t.Error("a span with a token count: no gen_ai semantics")
	}
	if GenAISemantics()(newSpan(1, 0, "GET /", str("http.request.method", "GET"), str("url.path", "/model"))) {
		t.Error("an HTTP span: gen_ai semantics")
	}
}
