package mapping_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// The Langfuse JS SDK v4 capture (testdata/captures/README.md): @langfuse/openai records
// usage_details {"input":34,"output":12,"total":59,"input_cached_tokens":8,
// "output_reasoning_tokens":5,…} for OpenAI's served 42 / 17 / 59 / 8 / 5, the hand-made
// generation {"input":42,"output":17,"total":59,"input_cached_tokens":8,
// "output_reasoning_tokens":5} with cost_details total 0.0000165 USD; the failed call is
// level ERROR with a status message and no OTel error status.
func TestLangfuseJSCapture(t *testing.T) {
	evs := mapCapture(t, "langfuse-js-v4-openai-tool-loop")
	if len(evs) != 9 {
		t.Fatalf("%d events, want 9", len(evs))
	}
	served := platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}
	gens := append(byName(evs, "chat-weather"), byName(evs, "chat-stream")...)
	if len(gens) != 3 {
		t.Fatalf("%d @langfuse/openai generations, want 3", len(gens))
	}
	for _, g := range gens {
		if g.Type != platform.TypeLLM || tokens(g.Usage) != served || g.Metadata.Get("usage_converted") == nil {
			t.Errorf("%s: type %q usage %+v converted %v, want llm %+v made inclusive", g.Name, g.Type, g.Usage, g.Metadata.Get("usage_converted"), served)
		}
	}
	manual := byName(evs, "manual-generation")[0]
	if tokens(manual.Usage) != served || manual.Usage.CostUSD != 0.0000165 || manual.Metadata.Get("cost_source") != mapping.CostSourceReported ||
		manual.Metadata.Get("usage_converted") != nil {
		t.Errorf("manual generation usage %+v cost_source %v converted %v, want %+v and the reported 0.0000165 USD as written",
			manual.Usage, manual.Metadata.Get("cost_source"), manual.Metadata.Get("usage_converted"), served)
	}
	if _, kept := manual.Metadata.Lookup("langfuse.observation.cost_details"); !kept {
		t.Error("cost_details breakdown dropped")
	}
	if got := sumPrompt(evs); got != 4*42 {
		t.Errorf("prompt_tokens over all traces %d, want %d", got, 4*42)
	}
	first := byName(evs, "chat-weather")[0]
	if first.Model != "gpt-4o-mini-2024-07-18" ||
		!strings.HasPrefix(string(first.Input), `{"messages":[{"role":"system","content":"You are a weather assistant. Use the tools."},{"role":"user","content":"What is the weather in Paris?"}],"tools":[{"type":"function"`) ||
		string(first.Output) != `{"tool_calls":[{"id":"call_fake_weather_1","name":"get_weather","arguments":{"city":"Paris"}}]}` {
		t.Errorf("first generation model %q input %s output %s", first.Model, first.Input, first.Output)
	}
	stream := byName(evs, "chat-stream")[0]
	if string(stream.Output) != `{"response":"It is 18 °C and clear in Paris."}` {
		t.Errorf("streamed generation output %s", stream.Output)
	}
	tool := byName(evs, "get_weather")[0]
	if tool.Type != platform.TypeTool || string(tool.Input) != `{"city":"Paris"}` {
		t.Errorf("tool type %q input %s", tool.Type, tool.Input)
	}
	agent := byName(evs, "weather-agent")[0]
	if _, left := agent.Metadata.Lookup("langfuse.trace.input"); left {
		t.Error("langfuse.trace.input equal to the observation input left in metadata")
	}
	for _, name := range []string{"chat-fail", "weather-error"} {
		e := byName(evs, name)[0]
		if e.Status != platform.StatusError || e.Error == nil || !strings.Contains(e.Error.Message, "500 The server had an error while processing your request (fake)") {
			t.Errorf("%s: status %q error %+v, want error from level ERROR", name, e.Status, e.Error)
		}
	}
	for _, e := range evs {
		if e.UserID != "user-heldout-42" || e.SessionID != "sess-heldout-001" || !slices.Equal(e.Tags, []string{"capture", "weather"}) {
			t.Errorf("%s: user %q session %q tags %v", e.Name, e.UserID, e.SessionID, e.Tags)
		}
	}
}
