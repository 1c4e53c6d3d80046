package mapping

import (
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Strands Agents (strands-agents/sdk-python src/strands/telemetry/tracer.py; scope
// "strands.telemetry.tracer"): invoke_agent → execute_event_loop_cycle → chat /
// execute_tool spans. gen_ai.system (or gen_ai.provider.name with
// gen_ai_latest_experimental) is "strands-agents" on every span; usage is
// gen_ai.usage.{prompt,input,completion,output,total}_tokens from the model's
// inputTokens / outputTokens / totalTokens, cache as gen_ai.usage.cache_read_input_tokens /
// cache_write_input_tokens; the agent span repeats the accumulated usage. Content is in
// span events: per-message gen_ai.*.message events with the Converse content blocks as JSON
// and a gen_ai.choice event (default), or gen_ai.client.inference.operation.details events
// (latest experimental: one with the input messages at start, one with the output at end).

func strandsSpan(id, parent byte, name string, attrs ...kv) *testSpan {
	s := newSpan(id, parent, name, attrs...)
	s.scope = "strands.telemetry.tracer"
	return s
}

func ev(name string, attrs ...kv) testEvent { return testEvent{name: name, t: t0, attrs: attrs} }

// Default conventions, Anthropic model (strands models/anthropic.py format_chunk metadata:
// inputTokens = input_tokens, totalTokens = input + output; no cache counts), OpenAI-style
// tool loop. The provider comes from the model family, the framework name stays in
// metadata; the agent's accumulated usage is rolled up; tool input / output come from the
// gen_ai.tool.message and gen_ai.choice events.
func TestStrandsToolLoopDefaultConventions(t *testing.T) {
	usage := func(in, out int64) []kv {
		return []kv{num("gen_ai.usage.prompt_tokens", in), num("gen_ai.usage.input_tokens", in),
			num("gen_ai.usage.completion_tokens", out), num("gen_ai.usage.output_tokens", out),
			num("gen_ai.usage.total_tokens", in+out)}
	}
	common := []kv{str("gen_ai.system", "strands-agents")}
	agent := strandsSpan(1, 0, "invoke_agent weather_agent", append(append([]kv{str("gen_ai.operation.name", "invoke_agent"),
		str("gen_ai.agent.name", "weather_agent"), str("gen_ai.request.model", oaModel),
		str("gen_ai.agent.tools", `["get_weather"]`), num("gen_ai.usage.cache_read_input_tokens", 0),
		num("gen_ai.usage.cache_write_input_tokens", 0)}, common...), usage(84, 34)...)...)
	agent.events = []testEvent{ev("gen_ai.user.message", str("content", `[{"text": "What is the weather in Paris?"}]`)),
		ev("gen_ai.choice", str("message", "It is 21 degrees in Paris.\n"), str("finish_reason", "end_turn"))}
	cycle := strandsSpan(2, 1, "execute_event_loop_cycle", str("event_loop.cycle_id", "c1"))
	chat1 := strandsSpan(3, 2, "chat", append(append([]kv{str("gen_ai.operation.name", "chat"),
		str("gen_ai.request.model", oaModel)}, common...), usage(42, 17)...)...)
	chat1.events = []testEvent{ev("gen_ai.user.message", str("content", `[{"text": "What is the weather in Paris?"}]`)),
		ev("gen_ai.choice", str("finish_reason", "tool_use"),
			str("message", `[{"toolUse": {"toolUseId": "call_1", "name": "get_weather", "input": {"city": "Paris"}}}]`))}
	tool := strandsSpan(4, 2, "execute_tool get_weather", append([]kv{str("gen_ai.operation.name", "execute_tool"),
		str("gen_ai.tool.name", "get_weather"), str("gen_ai.tool.call.id", "call_1"), str("gen_ai.tool.status", "success")}, common...)...)
	tool.events = []testEvent{ev("gen_ai.tool.message", str("role", "tool"), str("content", `{"city": "Paris"}`), str("id", "call_1")),
		ev("gen_ai.choice", str("message", `[{"text": "{\"temperature_c\": 21}"}]`), str("id", "call_1"))}
	chat2 := strandsSpan(5, 2, "chat", append(append([]kv{str("gen_ai.operation.name", "chat"),
		str("gen_ai.request.model", oaModel)}, common...), usage(42, 17)...)...)
	chat2.events = []testEvent{ev("gen_ai.user.message", str("content", `[{"text": "What is the weather in Paris?"}]`)),
		ev("gen_ai.assistant.message", str("content", `[{"toolUse": {"toolUseId": "call_1", "name": "get_weather", "input": {"city": "Paris"}}}]`)),
		ev("gen_ai.tool.message", str("content", `[{"toolResult": {"toolUseId": "call_1", "status": "success", "content": [{"text": "{\"temperature_c\": 21}"}]}}]`)),
		ev("gen_ai.choice", str("finish_reason", "end_turn"), str("message", `[{"text": "It is 21 degrees in Paris."}]`))}
	evs := mapOne(t, MapOptions{}, agent, cycle, chat1, tool, chat2)

	if got := sumPrompt(evs); got != 84 {
		t.Errorf("Σ prompt_tokens = %d, want 84", got)
	}
	for _, i := range []int{2, 4} {
		e := evs[i]
		if e.Type != platform.TypeLLM || e.Provider != "openai" || e.Usage == nil || e.Usage.PromptTokens != 42 {
			t.Errorf("%s: type %q provider %q usage %+v", e.Name, e.Type, e.Provider, e.Usage)
		}
		if e.Metadata.Get("gen_ai.system") != "strands-agents" {
			t.Errorf("%s: framework name %v not kept in metadata", e.Name, e.Metadata.Get("gen_ai.system"))
		}
	}
	if evs[0].Usage != nil || evs[0].Metadata.Get("usage_rollup") == nil || evs[0].Metadata.Get("kind") != "agent" {
		t.Errorf("agent: usage %+v rollup %v kind %v", evs[0].Usage, evs[0].Metadata.Get("usage_rollup"), evs[0].Metadata.Get("kind"))
	}
	if evs[1].Metadata.Get("kind") != "step" {
		t.Errorf("event loop cycle kind %v, want step", evs[1].Metadata.Get("kind"))
	}
	if !strings.Contains(string(evs[2].Output), `"tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]`) {
		t.Errorf("first chat output %s, want the toolUse block as a tool call", evs[2].Output)
	}
	if string(evs[2].Input) != `{"messages":[{"role":"user","content":"What is the weather in Paris?"}]}` {
		t.Errorf("first chat input %s", evs[2].Input)
	}
	msgs := jsonOf(t, evs[4].Input)["messages"].([]any)
	if len(msgs) != 3 {
		t.Fatalf("second chat input %s", evs[4].Input)
	}
	if tm := msgs[2].(map[string]any); tm["role"] != "tool" || tm["tool_call_id"] != "call_1" || tm["content"] != `{"temperature_c": 21}` {
		t.Errorf("tool result message %v", tm)
	}
	if jsonOf(t, evs[4].Output)["response"] != "It is 21 degrees in Paris." {
		t.Errorf("second chat output %s", evs[4].Output)
	}
	if e := evs[3]; e.Type != platform.TypeTool || string(e.Input) != `{"city":"Paris"}` || string(e.Output) != `{"temperature_c":21}` {
		t.Errorf("tool: type %q input %s output %s", e.Type, e.Input, e.Output)
	}
	if jsonOf(t, evs[0].Output)["response"] != "It is 21 degrees in Paris.\n" {
		t.Errorf("agent output %s", evs[0].Output)
	}
}

// gen_ai_latest_experimental: gen_ai.provider.name "strands-agents", two
// inference-details events per span (input at start, output at end). With a Bedrock model
// the Converse usage counts cache reads apart (inputTokens exclude them, totalTokens
// include them): input 34 + cache read 8 with total 59 is 42 inclusive.
func TestStrandsLatestConventionsBedrockCache(t *testing.T) {
	const model = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
	chat := strandsSpan(3, 2, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "strands-agents"),
		str("gen_ai.request.model", model), num("gen_ai.usage.prompt_tokens", 34), num("gen_ai.usage.input_tokens", 34),
		num("gen_ai.usage.completion_tokens", 17), num("gen_ai.usage.output_tokens", 17), num("gen_ai.usage.total_tokens", 59),
		num("gen_ai.usage.cache_read_input_tokens", 8), num("gen_ai.usage.cache_write_input_tokens", 0))
	chat.events = []testEvent{
		ev("gen_ai.client.inference.operation.details", str("gen_ai.input.messages",
			`[{"role": "user", "parts": [{"type": "text", "content": "What is the weather in Paris?"}]}]`)),
		ev("gen_ai.client.inference.operation.details", str("gen_ai.output.messages",
			`[{"role": "assistant", "parts": [{"type": "tool_call", "name": "get_weather", "id": "t1", "arguments": {"city": "Paris"}}], "finish_reason": "tool_use"}]`)),
	}
	tool := strandsSpan(4, 2, "execute_tool get_weather", str("gen_ai.operation.name", "execute_tool"),
		str("gen_ai.provider.name", "strands-agents"), str("gen_ai.tool.name", "get_weather"), str("gen_ai.tool.call.id", "t1"))
	tool.events = []testEvent{
		ev("gen_ai.client.inference.operation.details", str("gen_ai.input.messages",
			`[{"role": "tool", "parts": [{"type": "tool_call", "name": "get_weather", "id": "t1", "arguments": {"city": "Paris"}}]}]`)),
		ev("gen_ai.client.inference.operation.details", str("gen_ai.output.messages",
			`[{"role": "tool", "parts": [{"type": "tool_call_response", "id": "t1", "response": [{"text": "21 degrees"}]}]}]`)),
	}
	evs := mapOne(t, MapOptions{}, chat, tool)
	c := evs[0]
	if c.Provider != "aws.bedrock" || c.Usage == nil || c.Usage.PromptTokens != 42 || c.Usage.CachedTokens != 8 || c.Usage.TotalTokens != 59 {
		t.Errorf("chat: provider %q usage %+v, want aws.bedrock, prompt 42 (34 + 8), cached 8, total 59", c.Provider, c.Usage)
	}
	if string(c.Input) != `{"messages":[{"role":"user","content":"What is the weather in Paris?"}]}` {
		t.Errorf("chat input %s", c.Input)
	}
	if !strings.Contains(string(c.Output), `"tool_calls":[{"id":"t1","name":"get_weather"`) {
		t.Errorf("chat output %s, want the second details event's tool call", c.Output)
	}
	if _, ok := c.Metadata.Lookup("otel.events"); ok {
		t.Errorf("details events left unmapped: %v", c.Metadata.Get("otel.events"))
	}
	if tl := evs[1]; tl.Type != platform.TypeTool || string(tl.Input) != `{"city":"Paris"}` || string(tl.Output) != `"21 degrees"` {
		t.Errorf("tool: type %q input %s output %s", tl.Type, tl.Input, tl.Output)
	}
}

// An inclusive count with an explicit total is never taken for exclusive: OpenAI's 42
// with 8 cached and total 59 stays 42.
func TestTotalDecidesCacheSemantics(t *testing.T) {
	s := newSpan(1, 0, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17), num("gen_ai.usage.total_tokens", 59),
		num("gen_ai.usage.cache_read_input_tokens", 8))
	if u := mapOne(t, MapOptions{}, s)[0].Usage; u == nil || u.PromptTokens != 42 || u.TotalTokens != 59 {
		t.Errorf("usage %+v, want 42 / 59 unchanged", u)
	}
}
