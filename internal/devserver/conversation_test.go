package devserver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Every input and output of a model call, tool call or agent in the golden mappings of the
// captures (testdata/golden) is rendered as a conversation, with the tool calls named.
func TestRenderGoldenContent(t *testing.T) {
	files, err := filepath.Glob("../../testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var batch platform.Batch
		if err := json.Unmarshal(b, &batch); err != nil {
			t.Fatal(err)
		}
		for _, ev := range batch.Traces {
			for _, side := range []struct {
				raw    json.RawMessage
				output bool
			}{{ev.Input, false}, {ev.Output, true}} {
				// A chat event is a custom span that roots a conversation turn (agent, workflow):
				// like any custom span, its input is a conversation only when it has roles.
				custom := ev.Type == platform.TypeCustom || ev.Type == platform.TypeChat
				if len(side.raw) == 0 || ev.Type == platform.TypeError || custom && !strings.Contains(string(side.raw), "role") {
					continue
				}
				c := renderContent(side.raw, side.output, &ev)
				if ev.Type == platform.TypeCustom || ev.Type == platform.TypeChat {
					if strings.Contains(string(side.raw), `"args"`) { // Traceloop task/workflow arguments: not a conversation
						continue
					}
				}
				if !c.Recognised || len(c.Messages) == 0 && c.FinishReason == "" {
					t.Errorf("%s %s %s: not rendered: %s", filepath.Base(f), ev.Name, map[bool]string{false: "input", true: "output"}[side.output], side.raw)
					continue
				}
				calls := strings.Count(string(side.raw), `"arguments"`)
				got := 0
				for _, m := range c.Messages {
					for _, tc := range m.ToolCalls {
						got++
						// Traceloop's tool span records {"args": [], "kwargs": {}}: no city there.
						if tc.Name == "" || tc.Arguments == "" || ev.Type != platform.TypeTool && !strings.Contains(tc.Arguments, "Paris") {
							t.Errorf("%s %s: tool call %+v lacks its name or arguments", filepath.Base(f), ev.Name, tc)
						}
					}
				}
				if ev.Type != platform.TypeTool && got != calls {
					t.Errorf("%s %s: %d tool calls rendered, %d in the JSON", filepath.Base(f), ev.Name, got, calls)
				}
			}
		}
	}
}

func TestRenderShapes(t *testing.T) {
	llm := &platform.TraceEvent{Type: platform.TypeLLM, Name: "chat"}
	for _, tc := range []struct {
		name   string
		raw    string
		output bool
		want   string // role:text|calls…
	}{
		{"string input", `"hi"`, false, "user:hi"},
		{"string output", `"hello"`, true, "assistant:hello"},
		{"prompt", `{"prompt":"hi","system":"be brief"}`, false, "system:be brief|user:hi"},
		{"parts", `{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image","url":"x"}]}]}`, false, "user:a+body"},
		{"openai function call with string arguments", `{"messages":[{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]}]}`, false, "assistant:|f(c1)={\n  \"x\": 1\n}"},
		{"tool result", `{"messages":[{"role":"tool","tool_call_id":"c1","content":"42"}]}`, false, "tool:42<c1"},
		{"unknown shape", `{"foo":1}`, false, "unrecognised"},
	} {
		c := renderContent(json.RawMessage(tc.raw), tc.output, llm)
		var parts []string
		if !c.Recognised {
			parts = append(parts, "unrecognised")
		}
		for _, m := range c.Messages {
			s := m.Role + ":" + m.Text
			if m.Body != "" {
				s += "+body"
			}
			for _, call := range m.ToolCalls {
				s += "|" + call.Name + "(" + call.ID + ")=" + call.Arguments
			}
			if m.ToolCallID != "" {
				s += "<" + m.ToolCallID
			}
			parts = append(parts, s)
		}
		if got := strings.Join(parts, "|"); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
