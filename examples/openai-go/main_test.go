package main

import (
	"bytes"
	"net"
	"net/http/httptest"
	"strings"
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
	var stdout, stderr bytes.Buffer
	if err := run(&stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 {
		t.Errorf("with a key the example says %q", stderr.String())
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
			id, _ := ev.Metadata.Get("gen_ai.response.id").(string)
			if ev.Usage == nil || tokenCounts(*ev.Usage) != want[id] || ev.Input == nil || ev.Output == nil {
				t.Errorf("llm %s: usage %+v want %+v, input %s output %s", id, ev.Usage, want[id], ev.Input, ev.Output)
			}
		case platform.TypeTool:
			tool++
			if ev.Name != "execute_tool get_weather" || !bytes.Contains(ev.Input, []byte("Paris")) || !bytes.Contains(ev.Output, []byte("temperature_c")) ||
				ev.Metadata.Get("gen_ai.tool.call.id") != "call_w1" {
				t.Errorf("tool event %q input %s output %s metadata %v", ev.Name, ev.Input, ev.Output, ev.Metadata)
			}
		default:
			t.Errorf("unexpected %s event %q", ev.Type, ev.Name)
		}
	}
	if llm != 4 || tool != 1 || chat != 1 {
		t.Errorf("platform stored %d llm, %d tool and %d chat events, want 4, 1, 1", llm, tool, chat)
	}
	checkPageLine(t, stdout.String(), ingest.URL()+"/traces/"+evs[0].TraceID)
	// The tool result went back to the model under the same call id.
	if reqs := fake.Requests(); len(reqs) != 4 || !bytes.Contains(reqs[3].Body, []byte(`"tool_call_id":"call_w1"`)) {
		t.Errorf("requests %d, last %s", len(reqs), reqs[len(reqs)-1].Body)
	}
}

// Without OPENAI_API_KEY the example talks to the fake provider `llmtrace fakellm` serves
// (internal/fakellm's Responder, here on a loopback port named by OPENAI_BASE_URL), says
// so on stderr, and the whole turn — the tool loop included — reaches the platform.
func TestExampleUsesTheFakeProviderWithoutAKey(t *testing.T) {
	fake := httptest.NewServer(fakellm.NewResponder())
	defer fake.Close()
	ingest := platformtest.New(t)
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", fake.URL+"/v1")
	t.Setenv(otelbridge.EnvEndpoint, ingest.URL())
	var stdout, stderr bytes.Buffer
	if err := run(&stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if want := "OPENAI_API_KEY is not set: using the fake provider at " + fake.URL + "/v1 (llmtrace fakellm)\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	if !strings.Contains(stdout.String(), "tools:    fakellm reply to: What is the weather in Paris?\n") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	types := map[platform.Type]int{}
	evs := ingest.Events()
	for _, ev := range evs {
		types[ev.Type]++
		if ev.Type == platform.TypeLLM && (ev.Usage == nil || ev.Usage.PromptTokens == 0 || ev.Model != "gpt-4o-mini") {
			t.Errorf("llm event %s: usage %+v model %q", ev.Name, ev.Usage, ev.Model)
		}
	}
	if types[platform.TypeLLM] != 4 || types[platform.TypeTool] != 1 || types[platform.TypeChat] != 1 {
		t.Errorf("platform stored %v, want 4 llm, 1 tool, 1 chat", types)
	}
	checkPageLine(t, stdout.String(), ingest.URL()+"/traces/"+evs[0].TraceID)
}

// With no key and nothing listening where the fake should be, the example stops before
// any call and says how to start the fake.
func TestExampleSaysHowToStartTheFake(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/v1"
	ln.Close()
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", closed)
	t.Setenv(otelbridge.EnvEndpoint, platformtest.New(t).URL())
	var stdout, stderr bytes.Buffer
	err = run(&stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no fake provider at "+closed) || !strings.Contains(err.Error(), "llmtrace fakellm") {
		t.Errorf("error %v", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q", stdout.String())
	}
}

// checkPageLine checks that the example's last line is the page of the trace: want.
func checkPageLine(t *testing.T, stdout, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if last := lines[len(lines)-1]; last != "page:     "+want {
		t.Errorf("last line %q, want the page %s", last, want)
	}
}

// tokenCounts is u's token counts; the cost and context window the mapping adds from its
// price table (internal/mapping/cost.go) are checked there, not here.
func tokenCounts(u platform.Usage) platform.Usage {
	return platform.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens,
		TotalTokens: u.TotalTokens, CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}
}
