package mapping_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// Genkit captures (testdata/captures/README.md): every successful completion was served
// with 42 prompt / 17 completion / 59 total / 8 cached / 5 reasoning tokens; what Genkit
// recorded of them is listed there per library and mode.

func mapCapture(t *testing.T, name string) []platform.TraceEvent {
	t.Helper()
	return mapping.NewMapper(mapping.MapOptions{}).Map(captureSpans(t, "../../testdata/captures/"+name+".json"))
}

func byName(evs []platform.TraceEvent, name string) []platform.TraceEvent {
	var out []platform.TraceEvent
	for _, e := range evs {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// tokens is u's token counts (the price table's cost and context window left out).
func tokens(u *platform.Usage) platform.Usage {
	if u == nil {
		return platform.Usage{}
	}
	return platform.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens,
		CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}
}

func sumPrompt(evs []platform.TraceEvent) (prompt int64) {
	for _, e := range evs {
		if e.Usage != nil {
			prompt += e.Usage.PromptTokens
		}
	}
	return prompt
}

func TestGenkitGoToolLoop(t *testing.T) {
	evs := mapCapture(t, "genkit-go-compat-oai-tool-loop")
	if len(evs) != 6 {
		t.Fatalf("%d events, want 6 (one per span)", len(evs))
	}
	models := byName(evs, "openai/gpt-4o-mini")
	if len(models) != 2 {
		t.Fatalf("%d model events, want 2", len(models))
	}
	want := platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}
	for _, m := range models {
		if m.Type != platform.TypeLLM || m.Model != "gpt-4o-mini-2024-07-18" || m.Provider != "openai" {
			t.Errorf("model event: type %q model %q provider %q, want llm gpt-4o-mini-2024-07-18 openai", m.Type, m.Model, m.Provider)
		}
		if m.Usage == nil || tokens(m.Usage) != want || m.Usage.CostUSD <= 0 || m.Metadata.Get("cost_source") == mapping.CostSourceReported {
			t.Errorf("model usage %+v, want %+v priced from the table", m.Usage, want)
		}
	}
	// The util generate spans and the flow repeat the last ModelResponse's usage: counted
	// once, on the model events only.
	if got := sumPrompt(evs); got != 84 {
		t.Errorf("trace prompt_tokens sum %d, want 84", got)
	}
	if !strings.Contains(string(models[0].Output), `"tool_calls":[{"id":"call_fake_weather_1","name":"get_weather","arguments":{"city":"Paris"}}]`) {
		t.Errorf("first model output %s: no get_weather tool call", models[0].Output)
	}
	if got := string(models[1].Output); got != `{"response":"It is 18 °C and clear in Paris.","finish_reason":"stop"}` {
		t.Errorf("second model output %s", got)
	}
	// The second call's input holds the tool call and its result as a tool message.
	if in := string(models[1].Input); !strings.Contains(in, `{"role":"tool","content":{"city":"Paris","sky":"clear","temperature_c":18},"name":"get_weather","tool_call_id":"call_fake_weather_1"}`) ||
		!strings.Contains(in, `{"role":"system","content":"You are a weather assistant. Use the tools."}`) {
		t.Errorf("second model input %s", in)
	}
	tool := byName(evs, "get_weather")[0]
	if tool.Type != platform.TypeTool || string(tool.Input) != `{"city":"Paris"}` ||
		string(tool.Output) != `{"city":"Paris","temperature_c":18,"sky":"clear"}` {
		t.Errorf("tool event: type %q input %s output %s (tool.v2 output unwrapped)", tool.Type, tool.Input, tool.Output)
	}
	flow := byName(evs, "weatherFlow")[0]
	if flow.Type != platform.TypeCustom || flow.Metadata.Get("kind") != "workflow" || flow.Usage != nil ||
		string(flow.Input) != `"Paris"` || string(flow.Output) != `"It is 18 °C and clear in Paris."` {
		t.Errorf("flow event: type %q kind %v usage %+v input %s output %s", flow.Type, flow.Metadata.Get("kind"), flow.Usage, flow.Input, flow.Output)
	}
	roll, _ := json.Marshal(flow.Metadata.Get("usage_rollup"))
	var r platform.Usage
	if err := json.Unmarshal(roll, &r); err != nil || tokens(&r) != (platform.Usage{PromptTokens: 84, CompletionTokens: 34, TotalTokens: 118, CachedTokens: 16, ReasoningTokens: 10}) ||
		r.CostUSD <= 0 {
		t.Errorf("flow usage_rollup %s (%v), want the two calls' tokens and cost", roll, err)
	}
	for _, g := range byName(evs, "generate") {
		if g.Usage != nil || g.Metadata.Get("kind") != "task" || g.Model != "" {
			t.Errorf("generate util event: usage %+v kind %v model %q, want none, task, none", g.Usage, g.Metadata.Get("kind"), g.Model)
		}
	}
}

func TestGenkitGoStreamKeepsWhatCompatOAIRecorded(t *testing.T) {
	evs := mapCapture(t, "genkit-go-compat-oai-generate-stream")
	models := byName(evs, "openai/gpt-4o-mini")
	if len(models) != 2 {
		t.Fatalf("%d model events, want 2", len(models))
	}
	var plain, streamed int
	for _, m := range models {
		switch tokens(m.Usage) {
		case platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}:
			plain++
		case platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59}: // the accumulator's three counts
			streamed++
		default:
			t.Errorf("model usage %+v", tokens(m.Usage))
		}
	}
	if plain != 1 || streamed != 1 {
		t.Errorf("plain %d streamed %d, want 1 and 1", plain, streamed)
	}
}

func TestGenkitGoProviderError(t *testing.T) {
	evs := mapCapture(t, "genkit-go-compat-oai-error-500")
	// model + generate, each with its exception event (Go records the error on both).
	if len(evs) != 4 {
		t.Fatalf("%d events, want 4", len(evs))
	}
	m := byName(evs, "openai/gpt-4o-mini")[0]
	if m.Status != platform.StatusError || m.Error == nil || !strings.Contains(m.Error.Message, "500 Internal Server Error") ||
		m.Model != "gpt-4o-mini" || m.Provider != "openai" || m.Usage != nil || m.Output != nil {
		t.Errorf("failed model event: status %q error %+v model %q provider %q usage %+v output %s", m.Status, m.Error, m.Model, m.Provider, m.Usage, m.Output)
	}
	if n := len(byName(evs, "exception *fmt.wrapError")); n != 2 {
		t.Errorf("%d error events, want 2", n)
	}
}

func TestGenkitJSToolLoopAndAgentSession(t *testing.T) {
	evs := mapCapture(t, "genkit-js-compat-oai-tool-loop")
	models := byName(evs, "openai/gpt-4o-mini")
	if len(models) != 6 { // flow 2, agent 2, stream 1, failed 1
		t.Fatalf("%d model events, want 6", len(models))
	}
	ok := 0
	for _, m := range models {
		if m.Status == platform.StatusError {
			if m.Error == nil || m.Error.Message != "INTERNAL: 500 The server had an error while processing your request (fake)" {
				t.Errorf("failed model error %+v", m.Error)
			}
			continue
		}
		ok++
		// usage has the three counts only; the cache and reasoning counts are those of the
		// provider's response the plugin keeps in genkit:output's raw.
		if tokens(m.Usage) != (platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}) ||
			m.Model != "gpt-4o-mini-2024-07-18" || m.Provider != "openai" {
			t.Errorf("model event usage %+v model %q provider %q", m.Usage, m.Model, m.Provider)
		}
	}
	if ok != 5 {
		t.Errorf("%d successful model events, want 5", ok)
	}
	if got := sumPrompt(evs); got != 5*42 {
		t.Errorf("prompt_tokens over all traces %d, want %d", got, 5*42)
	}
	for _, tool := range byName(evs, "get_weather") {
		if tool.Type != platform.TypeTool || string(tool.Output) != `{"city":"Paris","temperature_c":18,"sky":"clear"}` {
			t.Errorf("tool event type %q output %s", tool.Type, tool.Output)
		}
	}
	// The agent's session id is on the agent span only; every event of its trace gets it.
	agent := byName(evs, "weatherAgent")[0]
	const sid = "11d02d53-b85b-4853-99fb-585d38a55ecd"
	n := 0
	for _, e := range evs {
		if e.TraceID == agent.TraceID {
			n++
			if e.SessionID != sid || e.ThreadID != agent.ThreadID {
				t.Errorf("%s: session %q thread %q, want %q and the agent's thread", e.Name, e.SessionID, e.ThreadID, sid)
			}
		}
	}
	if n != 8 {
		t.Errorf("agent trace has %d events, want 8", n)
	}
	if agent.Metadata.Get("kind") != "agent" || agent.ThreadID != mapping.ThreadUUID(sid) {
		t.Errorf("agent event kind %v thread %q", agent.Metadata.Get("kind"), agent.ThreadID)
	}
}
