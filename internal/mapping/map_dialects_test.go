package mapping

import (
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Embeddings through @opentelemetry/instrumentation-openai: span
// "embeddings {model}", CLIENT, gen_ai.operation.name=embeddings, gen_ai.system=openai,
// gen_ai.request.encoding_formats, gen_ai.response.model and gen_ai.usage.input_tokens only
// (open-telemetry/opentelemetry-js-contrib
// packages/instrumentation-openai/src/instrumentation.ts, _startEmbeddingsSpan /
// _onEmbeddingsCreateResult; its test fixture expects input_tokens 8 and no output_tokens).
func TestOtelContribOpenAIEmbeddings(t *testing.T) {
	s := newSpan(1, 0, "embeddings text-embedding-3-small",
		str("gen_ai.operation.name", "embeddings"), str("gen_ai.request.model", "text-embedding-3-small"),
		str("gen_ai.system", "openai"), str("server.address", "127.0.0.1"), num("server.port", 18080),
		kv{"gen_ai.request.encoding_formats", ListValue(vlist{StrValue("float")})},
		str("gen_ai.response.model", "text-embedding-3-small"), num("gen_ai.usage.input_tokens", 8))
	s.kind = SpanKindClient
	s.scope = "@opentelemetry/instrumentation-openai"
	ev := mapOne(t, MapOptions{}, s)[0]
	if ev.Type != platform.TypeLLM || ev.Metadata.Get("kind") != "embedding" || ev.Provider != "openai" ||
		ev.Model != "text-embedding-3-small" {
		t.Errorf("type %s kind %v provider %q model %q", ev.Type, ev.Metadata.Get("kind"), ev.Provider, ev.Model)
	}
	if ev.Usage == nil || ev.Usage.PromptTokens != 8 || ev.Usage.CompletionTokens != 0 || ev.Usage.TotalTokens != 8 {
		t.Errorf("usage %+v, want prompt 8 total 8", ev.Usage)
	}
}

// AI SDK embed(): an outer ai.embed span and one ai.embed.doEmbed provider call, both with
// ai.usage.tokens (vercel/ai content/docs/03-ai-sdk-core/60-telemetry.mdx, "embed
// function"). The tokens count once, on the provider call.
func TestAISDKEmbedCountedOnce(t *testing.T) {
	common := func(op string) []kv {
		return []kv{str("ai.operationId", op), str("operation.name", op), str("ai.model.provider", "openai.embedding"),
			str("ai.model.id", "text-embedding-3-small"), str("ai.value", `"sunny day at the beach"`), num("ai.usage.tokens", 8)}
	}
	outer := newSpan(1, 0, "ai.embed", common("ai.embed")...)
	call := newSpan(2, 1, "ai.embed.doEmbed", append(common("ai.embed.doEmbed"),
		kv{"ai.embeddings", ListValue(vlist{StrValue("[0.1,0.2]")})})...)
	outer.scope, call.scope = "ai", "ai"
	evs := mapOne(t, MapOptions{}, outer, call)
	if evs[1].Type != platform.TypeLLM || evs[1].Metadata.Get("kind") != "embedding" || evs[1].Usage == nil ||
		evs[1].Usage.PromptTokens != 8 || evs[1].Provider != "openai" {
		t.Errorf("doEmbed: type %s kind %v usage %+v provider %q", evs[1].Type, evs[1].Metadata.Get("kind"), evs[1].Usage, evs[1].Provider)
	}
	if evs[0].Usage != nil || sumPrompt(evs) != 8 {
		t.Errorf("outer usage %+v, Σ prompt %d, want the tokens counted once", evs[0].Usage, sumPrompt(evs))
	}
}

// A multi-turn conversation: each turn is its own trace, all carrying the same
// conversation id (AI SDK v5 ai.telemetry.metadata.conversationId, as in the capture
// vercel-ai-v5-tool-loop). Every event of both traces gets the same threadId, each trace's
// root is a `chat` event, and the raw id is kept in metadata.
func TestConversationAcrossTraces(t *testing.T) {
	turn := func(traceByte byte) []*testSpan {
		root := aiSpan(1, 0, "ai.generateText", str("ai.telemetry.metadata.conversationId", "conv-heldout-7"))
		call := aiSpan(2, 1, "ai.generateText.doGenerate", str("ai.telemetry.metadata.conversationId", "conv-heldout-7"),
			str("ai.model.provider", "openai.chat"), num("ai.usage.promptTokens", 42), num("ai.usage.completionTokens", 17))
		for _, s := range []*testSpan{root, call} {
			s.trace[0] = traceByte
		}
		return []*testSpan{root, call}
	}
	m := NewMapper(MapOptions{})
	var all []platform.TraceEvent
	for _, tb := range []byte{0xa1, 0xb2} {
		spans := turn(tb)
		evs := m.Map([]SpanView{spans[0], spans[1]})
		if evs[0].Type != platform.TypeChat || evs[1].Type != platform.TypeLLM {
			t.Errorf("trace %x: types %s, %s, want chat root and llm call", tb, evs[0].Type, evs[1].Type)
		}
		all = append(all, evs...)
	}
	if all[0].TraceID == all[2].TraceID {
		t.Fatal("the two turns share a trace id")
	}
	for _, e := range all {
		if e.ThreadID != all[0].ThreadID || e.Metadata.Get("conversation_id") != "conv-heldout-7" {
			t.Errorf("%s: thread %s (want %s) conversation_id %v", e.Name, e.ThreadID, all[0].ThreadID, e.Metadata.Get("conversation_id"))
		}
	}
	if !platform.IsUUIDv7(all[0].ThreadID) {
		t.Errorf("threadId %q is not a UUID v7", all[0].ThreadID)
	}
}
