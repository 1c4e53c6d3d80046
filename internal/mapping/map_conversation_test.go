package mapping

import (
	"slices"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Multi-turn conversations: each turn is its own trace; wherever a library has a place for
// the conversation id, every event of every turn gets the same threadId and each trace's
// root is a `chat` event. Also the trace-wide tag union.

// turnSpans builds one turn (root + model call) in trace tb; attrsRoot / attrsCall carry the
// library's conversation / session / user keys.
func turnSpans(tb byte, rootName string, attrsRoot, attrsCall []kv) []SpanView {
	root := newSpan(1, 0, rootName, attrsRoot...)
	call := newSpan(2, 1, "call", attrsCall...)
	root.trace[0], call.trace[0] = tb, tb
	return []SpanView{root, call}
}

func TestConversationPerLibrary(t *testing.T) {
	cases := []struct {
		name            string
		root, call      []kv
		wantUser, wantS string
	}{
		{
			// OTel gen_ai.conversation.id (semconv ≥ 1.37), e.g. openai-agents / Strands / MS
			// Agent Framework invoke_agent spans; only the agent span carries it.
			name: "gen_ai.conversation.id",
			root: []kv{str("gen_ai.operation.name", "invoke_agent"), str("gen_ai.agent.name", "weather-agent"),
				str("gen_ai.conversation.id", "conv-heldout-7")},
			call: []kv{str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
				str("gen_ai.request.model", oaModel), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17)},
		},
		{
			// OpenInference: session.id and user.id are direct keys (using_session /
			// using_user); a conversation id only exists inside the metadata JSON
			// (using_metadata) — set on the root chain here, not on the LLM span.
			name: "openinference metadata",
			root: []kv{str("openinference.span.kind", "CHAIN"), str("session.id", "sess-heldout-001"),
				str("user.id", "user-heldout-42"), str("metadata", `{"conversation_id":"conv-heldout-7","tier":"free"}`)},
			call: []kv{str("openinference.span.kind", "LLM"), str("llm.provider", "openai"), str("llm.model_name", oaModelDated),
				str("session.id", "sess-heldout-001"), str("user.id", "user-heldout-42"),
				num("llm.token_count.prompt", 42), num("llm.token_count.completion", 17)},
			wantUser: "user-heldout-42", wantS: "sess-heldout-001",
		},
		{
			// AI SDK v7 (@ai-sdk/otel, runtime context): ai.settings.context.*.
			name: "ai sdk v7 context",
			root: []kv{str("gen_ai.operation.name", "invoke_agent"), str("ai.settings.context.conversationId", "conv-heldout-7"),
				str("ai.settings.context.userId", "user-heldout-42"), str("ai.settings.context.sessionId", "sess-heldout-001")},
			call: []kv{str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
				num("gen_ai.usage.input_tokens", 42)},
			wantUser: "user-heldout-42", wantS: "sess-heldout-001",
		},
		{
			// Traceloop association properties (withAssociationProperties /
			// set_association_properties), on every span of the context.
			name: "traceloop association properties",
			root: []kv{str("traceloop.span.kind", "workflow"),
				str("traceloop.association.properties.conversation_id", "conv-heldout-7"),
				str("traceloop.association.properties.user_id", "user-heldout-42"),
				str("traceloop.association.properties.session_id", "sess-heldout-001")},
			call: []kv{str("llm.request.type", "chat"), str("gen_ai.system", "openai"),
				str("traceloop.association.properties.conversation_id", "conv-heldout-7"),
				num("gen_ai.usage.prompt_tokens", 42)},
			wantUser: "user-heldout-42", wantS: "sess-heldout-001",
		},
	}
	for _, c := range cases {
		m := NewMapper(MapOptions{})
		var thread string
		for _, tb := range []byte{0x31, 0x42, 0x53} {
			evs := m.Map(turnSpans(tb, "turn", c.root, c.call))
			if evs[0].Type != platform.TypeChat || evs[1].Type != platform.TypeLLM {
				t.Errorf("%s: types %s, %s, want chat root and llm call", c.name, evs[0].Type, evs[1].Type)
			}
			if thread == "" {
				thread = evs[0].ThreadID
			}
			for _, e := range evs {
				if e.ThreadID != thread || e.Metadata.Get("conversation_id") != "conv-heldout-7" || e.UserID != c.wantUser || e.SessionID != c.wantS {
					t.Errorf("%s, trace %x, %s: thread %s (want %s) conversation_id %v user %q session %q",
						c.name, tb, e.Name, e.ThreadID, thread, e.Metadata.Get("conversation_id"), e.UserID, e.SessionID)
				}
			}
		}
		if thread == ThreadUUID("") || !platform.IsUUIDv7(thread) || thread != ThreadUUID("conv-heldout-7") {
			t.Errorf("%s: thread %q is not the conversation's deterministic UUID v7", c.name, thread)
		}
	}
}

// OpenInference session.id without a conversation id: the session is trace-wide but the
// trace is not a conversation turn (root stays its kind, thread derived from the trace).
func TestOpenInferenceSessionIsNotConversation(t *testing.T) {
	evs := mapOne(t, MapOptions{}, newSpan(1, 0, "agent", str("openinference.span.kind", "AGENT")),
		newSpan(2, 1, "llm", str("openinference.span.kind", "LLM"), str("session.id", "sess-heldout-001")))
	if evs[0].Type != platform.TypeCustom || evs[0].SessionID != "sess-heldout-001" || evs[0].ThreadID != evs[0].TraceID {
		t.Errorf("root: type %s session %q thread %s trace %s", evs[0].Type, evs[0].SessionID, evs[0].ThreadID, evs[0].TraceID)
	}
}

// The union of every span's tags (OpenInference tag.tags, AI SDK ai.telemetry.metadata.tags)
// is collected per trace, order-independently.
func TestTraceTagsUnionCollected(t *testing.T) {
	root := newSpan(1, 0, "agent", str("openinference.span.kind", "AGENT"), kv{"tag.tags", ListValue(vlist{StrValue("prod"), StrValue("weather")})})
	call := newSpan(2, 1, "llm", str("openinference.span.kind", "LLM"), kv{"tag.tags", ListValue(vlist{StrValue("beta"), StrValue("prod")})})
	for _, order := range [][]*testSpan{{root, call}, {call, root}} {
		m, mem := NewMapper(MapOptions{}), newTestMemory()
		c := m.getCtx()
		preps := make([]prepared, 2)
		m.prepare(&preps[0], order[0])
		m.prepare(&preps[1], order[1])
		ids, _ := c.resolveTrace(mem, root.trace, []*prepared{&preps[0], &preps[1]})
		if want := []string{"beta", "prod", "weather"}; !slices.Equal(ids.tags, want) {
			t.Errorf("trace tags %v, want %v", ids.tags, want)
		}
		// A later batch adds to the union without changing what was given out.
		before := ids.tags
		late := newSpan(3, 1, "tool", str("openinference.span.kind", "TOOL"), str("tag.tags", `["zeta"]`))
		var p3 prepared
		m.prepare(&p3, late)
		ids2, _ := c.resolveTrace(mem, root.trace, []*prepared{&p3})
		if want := []string{"beta", "prod", "weather", "zeta"}; !slices.Equal(ids2.tags, want) || len(before) != 3 {
			t.Errorf("after a later batch: %v (earlier slice now %v)", ids2.tags, before)
		}
		for i := range preps {
			preps[i].a.release()
		}
		p3.a.release()
		m.putCtx(c)
	}
}

// Every event of the trace carries the union (like thread / user / session).
func TestTraceTagsOnEveryEvent(t *testing.T) {
	root := newSpan(1, 0, "agent", str("openinference.span.kind", "AGENT"), kv{"tag.tags", ListValue(vlist{StrValue("prod")})})
	call := newSpan(2, 1, "llm", str("openinference.span.kind", "LLM"), str("ai.telemetry.metadata.tags", `["beta"]`))
	tool := newSpan(3, 1, "tool", str("openinference.span.kind", "TOOL"))
	for _, e := range mapOne(t, MapOptions{Tags: []string{"svc"}}, root, call, tool) {
		for _, want := range []string{"prod", "beta", "svc"} {
			if !slices.Contains(e.Tags, want) {
				t.Errorf("%s: tags %v, want %q among them", e.Name, e.Tags, want)
			}
		}
	}
}
