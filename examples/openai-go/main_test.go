package main

import (
	"bytes"
	"testing"

	"github.com/llmtrace/llmtrace/internal/fakellm"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// The example against a loopback fake OpenAI and a loopback platform: it exits cleanly and
// the platform stores the turn's root (the agent span, a chat event), one llm event per
// call with the served token counts and content, and one tool event for the get_weather
// execution, linked by the call id — all in one trace.
func TestExampleShipsEveryCallAndTheTool(t *testing.T) {
	fake := fakellm.New(t)
	ingest := platformtest.New(t)
	fake.Enqueue(
		fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-e1", Model: "gpt-4o-mini-2024-07-18", Text: "Hello!",
			Usage: fakellm.OpenAIUsage{Prompt: 14, Completion: 3}}),
		fakellm.OpenAIChatStream(fakellm.OpenAIChat{ID: "chatcmpl-e2", Model: "gpt-4o-mini-2024-07-18", Text: "1, 2, 3, 4, 5",
			Usage: fakellm.OpenAIUsage{Prompt: 15, Completion: 13}}, true),
		fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-e3", Model: "gpt-4o-mini-2024-07-18",
			ToolCalls: []fakellm.ToolCall{{ID: "call_w1", Name: "get_weather", Arguments: `{"location":"Paris"}`}},
			Usage:     fakellm.OpenAIUsage{Prompt: 60, Completion: 16}}),
		fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-e4", Model: "gpt-4o-mini-2024-07-18", Text: "18 °C and clear in Paris.",
			Usage: fakellm.OpenAIUsage{Prompt: 95, Completion: 9, Cached: 64}}),
	)
	t.Setenv("OPENAI_BASE_URL", fake.URL())
	t.Setenv("OPENAI_API_KEY", "sk-test")
	t.Setenv(otelbridge.EnvEndpoint, ingest.URL())
	t.Setenv(otelbridge.EnvAPIKey, "test-key")
	if err := run(); err != nil {
		t.Fatal(err)
	}

	want := map[string]platform.Usage{
		"chatcmpl-e1": {PromptTokens: 14, CompletionTokens: 3, TotalTokens: 17},
		"chatcmpl-e2": {PromptTokens: 15, CompletionTokens: 13, TotalTokens: 28},
		"chatcmpl-e3": {PromptTokens: 60, CompletionTokens: 16, TotalTokens: 76},
		"chatcmpl-e4": {PromptTokens: 95, CompletionTokens: 9, TotalTokens: 104, CachedTokens: 64},
	}
	var llm, tool, chat int
	evs := ingest.Events()
	for _, ev := range evs {
		if ev.TraceID != evs[0].TraceID {
			t.Errorf("%s in trace %s, the turn is %s", ev.Name, ev.TraceID, evs[0].TraceID)
		}
		switch ev.Type {
		case platform.TypeChat:
			chat++
			if ev.Name != "invoke_agent weather-bot" || ev.ParentSpanID != "" {
				t.Errorf("chat event %q parent %q", ev.Name, ev.ParentSpanID)
			}
		case platform.TypeLLM:
			llm++
			id, _ := ev.Metadata["gen_ai.response.id"].(string)
			if ev.Usage == nil || tokenCounts(*ev.Usage) != want[id] || ev.Input == nil || ev.Output == nil {
				t.Errorf("llm %s: usage %+v want %+v, input %s output %s", id, ev.Usage, want[id], ev.Input, ev.Output)
			}
		case platform.TypeTool:
			tool++
			if ev.Name != "execute_tool get_weather" || !bytes.Contains(ev.Input, []byte("Paris")) || !bytes.Contains(ev.Output, []byte("temperature_c")) ||
				ev.Metadata["gen_ai.tool.call.id"] != "call_w1" {
				t.Errorf("tool event %q input %s output %s metadata %v", ev.Name, ev.Input, ev.Output, ev.Metadata)
			}
		default:
			t.Errorf("unexpected %s event %q", ev.Type, ev.Name)
		}
	}
	if llm != 4 || tool != 1 || chat != 1 {
		t.Errorf("platform stored %d llm, %d tool and %d chat events, want 4, 1, 1", llm, tool, chat)
	}
	// The tool result went back to the model under the same call id.
	if reqs := fake.Requests(); len(reqs) != 4 || !bytes.Contains(reqs[3].Body, []byte(`"tool_call_id":"call_w1"`)) {
		t.Errorf("requests %d, last %s", len(reqs), reqs[len(reqs)-1].Body)
	}
}

// tokenCounts is u's token counts; the cost and context window the mapping adds from its
// price table (internal/mapping/cost.go) are checked there, not here.
func tokenCounts(u platform.Usage) platform.Usage {
	return platform.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens,
		TotalTokens: u.TotalTokens, CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}
}
