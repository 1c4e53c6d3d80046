package mapping

import (
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// A model call is `llm` wherever it sits and a tool execution `tool`; `chat` is only the
// root of a conversation turn that is neither (issue 10). The spans follow the gen_ai
// conventions: gen_ai.conversation.id on the span itself (semconv ≥ 1.37, "the unique
// identifier for a conversation (session, thread)"), operation chat / execute_tool /
// invoke_agent.
func TestConversationRootType(t *testing.T) {
	cases := []struct {
		name  string
		attrs []kv
		want  platform.Type
	}{
		{"lone model call", []kv{str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
			str("gen_ai.request.model", "gpt-4o-mini"), str("gen_ai.conversation.id", "conv-7"),
			num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17)}, platform.TypeLLM},
		{"lone tool execution", []kv{str("gen_ai.operation.name", "execute_tool"), str("gen_ai.tool.name", "get_weather"),
			str("gen_ai.conversation.id", "conv-7")}, platform.TypeTool},
		{"agent turn", []kv{str("gen_ai.operation.name", "invoke_agent"), str("gen_ai.agent.name", "weather-agent"),
			str("gen_ai.conversation.id", "conv-7")}, platform.TypeChat},
	}
	for _, c := range cases {
		evs := mapOne(t, MapOptions{}, newSpan(1, 0, c.name, c.attrs...))
		if evs[0].Type != c.want || evs[0].ThreadID != ThreadUUID("conv-7") {
			t.Errorf("%s: type %s thread %s, want %s in thread %s", c.name, evs[0].Type, evs[0].ThreadID, c.want, ThreadUUID("conv-7"))
		}
	}
}

// The re-send applies the same rule when a conversation id arrives after the root was
// accepted: a model-call root stays llm, a custom root becomes chat.
func TestConversationRootTypeResend(t *testing.T) {
	w := TraceValues{ConversationID: "conv-7", ThreadID: ThreadUUID("conv-7")}
	for _, c := range []struct{ in, want platform.Type }{
		{platform.TypeLLM, platform.TypeLLM}, {platform.TypeTool, platform.TypeTool},
		{platform.TypeCustom, platform.TypeChat}, {platform.TypeError, platform.TypeError},
	} {
		ev := platform.TraceEvent{Type: c.in}
		if got := w.Apply(&ev); got.Type != c.want || w.Matches(&got) != true {
			t.Errorf("re-send of a %s root: type %s, want %s", c.in, got.Type, c.want)
		}
	}
}
