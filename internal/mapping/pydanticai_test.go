package mapping

import (
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Pydantic AI (pydantic/pydantic-ai pydantic_ai_slim/pydantic_ai/models/instrumented.py,
// agent/__init__.py, usage.py; scope "pydantic-ai"): agent run spans that repeat their
// model calls' usage, model-call spans in data format v1 (`events` JSON) and v2+
// (gen_ai.input/output.messages), tool spans with tool_arguments / tool_response.

func pydSpan(id, parent byte, name string, attrs ...kv) *testSpan {
	s := newSpan(id, parent, name, attrs...)
	s.scope, s.version = "pydantic-ai", "0.4.2"
	return s
}

// Data format v1: the agent run span is "agent run" with model_name / agent_name /
// logfire.msg, no gen_ai.operation.name, the run's summed usage and all_messages_events /
// final_result at the end; each model call is "chat <model>" whose messages are the JSON
// list `events` (deprecated gen_ai events flattened by event_to_dict: the body's keys plus
// "event.name", "gen_ai.system", "gen_ai.message.index"), the answer being the
// gen_ai.choice entry {"index":0,"message":{…}}; tools run in "running tool" spans with
// gen_ai.tool.name / gen_ai.tool.call.id / tool_arguments / tool_response.
func TestPydanticAIV1ToolLoop(t *testing.T) {
	chat := func(id byte, events string, extra ...kv) *testSpan {
		s := pydSpan(id, 1, "chat "+oaModel, append([]kv{
			str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"), str("gen_ai.request.model", oaModel),
			str("server.address", "127.0.0.1"), str("model_request_parameters", `{"function_tools":[{"name":"get_weather"}]}`),
			str("logfire.json_schema", `{"type":"object","properties":{"events":{"type":"array"}}}`),
			str("logfire.msg", "chat "+oaModel), str("gen_ai.response.model", oaModelDated),
			num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
			num("gen_ai.usage.details.reasoning_tokens", 5), num("gen_ai.usage.details.cached_tokens", 8),
			str("events", events)}, extra...)...)
		s.kind = SpanKindClient
		return s
	}
	user := `{"content":"You are a weather assistant.","role":"system","gen_ai.system":"openai","event.name":"gen_ai.system.message"},` +
		`{"content":"What is the weather in Paris?","role":"user","gen_ai.message.index":0,"gen_ai.system":"openai","event.name":"gen_ai.user.message"}`
	toolCall := `{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}`
	first := chat(2, `[`+user+`,{"index":0,"message":`+toolCall+`,"gen_ai.system":"openai","event.name":"gen_ai.choice"}]`)
	tool := pydSpan(3, 1, "running tool", str("gen_ai.tool.name", "get_weather"), str("gen_ai.tool.call.id", "call_1"),
		str("tool_arguments", `{"city":"Paris"}`), str("tool_response", `{"temperature_c":21}`),
		str("logfire.msg", "running tool: get_weather"))
	second := chat(4, `[`+user+`,`+
		`{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],"gen_ai.message.index":1,"gen_ai.system":"openai","event.name":"gen_ai.assistant.message"},`+
		`{"content":{"temperature_c":21},"role":"tool","id":"call_1","name":"get_weather","gen_ai.message.index":2,"gen_ai.system":"openai","event.name":"gen_ai.tool.message"},`+
		`{"index":0,"message":{"role":"assistant","content":"It is 21 degrees in Paris."},"gen_ai.system":"openai","event.name":"gen_ai.choice"}]`)
	run := pydSpan(1, 0, "agent run", str("model_name", oaModel), str("agent_name", "weather_agent"),
		str("logfire.msg", "weather_agent run"), num("gen_ai.usage.input_tokens", 84), num("gen_ai.usage.output_tokens", 34),
		str("all_messages_events", `[`+user+`]`), str("final_result", "It is 21 degrees in Paris."))
	evs := mapOne(t, MapOptions{}, run, first, tool, second)

	if got := sumPrompt(evs); got != 84 {
		t.Errorf("Σ prompt_tokens = %d, want 84", got)
	}
	a := evs[0]
	if a.Type != platform.TypeCustom || a.Metadata.Get("kind") != "agent" || a.Usage != nil || a.Metadata.Get("usage_rollup") == nil {
		t.Errorf("agent run: type %q kind %v usage %+v rollup %v", a.Type, a.Metadata.Get("kind"), a.Usage, a.Metadata.Get("usage_rollup"))
	}
	if string(a.Output) != `"It is 21 degrees in Paris."` {
		t.Errorf("agent run output %s, want final_result", a.Output)
	}
	if in := jsonOf(t, a.Input); len(in["messages"].([]any)) != 2 {
		t.Errorf("agent run input %s, want the two messages of all_messages_events", a.Input)
	}
	for _, i := range []int{1, 3} {
		wantOpenAICall(t, evs[i])
		if evs[i].Usage.ReasoningTokens != 5 {
			t.Errorf("%s: reasoning %d, want 5 (gen_ai.usage.details.reasoning_tokens)", evs[i].Name, evs[i].Usage.ReasoningTokens)
		}
		if _, ok := evs[i].Metadata.Lookup("events"); ok {
			t.Errorf("%s: events kept in metadata as well as mapped", evs[i].Name)
		}
	}
	in1 := jsonOf(t, evs[1].Input)
	msgs := in1["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" || msgs[1].(map[string]any)["content"] != "What is the weather in Paris?" {
		t.Errorf("first call input %s", evs[1].Input)
	}
	if !strings.Contains(string(evs[1].Output), `"tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]`) {
		t.Errorf("first call output %s, want the tool call", evs[1].Output)
	}
	msgs = jsonOf(t, evs[3].Input)["messages"].([]any)
	if len(msgs) != 4 {
		t.Fatalf("second call input %s, want 4 messages", evs[3].Input)
	}
	if tm := msgs[3].(map[string]any); tm["role"] != "tool" || tm["tool_call_id"] != "call_1" {
		t.Errorf("tool message %v", tm)
	}
	if jsonOf(t, evs[3].Output)["response"] != "It is 21 degrees in Paris." {
		t.Errorf("second call output %s", evs[3].Output)
	}
	if e := evs[2]; e.Type != platform.TypeTool || string(e.Input) != `{"city":"Paris"}` || string(e.Output) != `{"temperature_c":21}` {
		t.Errorf("tool: type %q input %s output %s", e.Type, e.Input, e.Output)
	}
}

// Data format v2+ (default since 1.0; v3 renames spans to "invoke_agent <name>" /
// "execute_tool <name>"): the agent span sets gen_ai.operation.name invoke_agent,
// gen_ai.agent.name, gen_ai.conversation.id, then pydantic_ai.all_messages (OTel messages)
// and gen_ai.system_instructions; usage details are flattened as gen_ai.usage.details.*
// (cache_read_tokens, cache_write_tokens); operation.cost is the call's price in USD. An
// Anthropic model reports input_tokens inclusive of cache reads (pydantic-ai's
// RequestUsage.input_tokens), so 42 stays 42.
func TestPydanticAIV3AnthropicAgent(t *testing.T) {
	chat := func(id byte, out string) *testSpan {
		s := pydSpan(id, 1, "chat "+anthModel,
			str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "anthropic"), str("gen_ai.system", "anthropic"),
			str("gen_ai.request.model", anthModel), str("gen_ai.response.model", anthModelDated),
			str("gen_ai.agent.name", "weather_agent"), str("gen_ai.conversation.id", "conv-heldout-7"),
			num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
			num("gen_ai.usage.details.cache_read_tokens", 8), num("gen_ai.usage.details.input_tokens", 34),
			num("gen_ai.usage.details.cache_read_input_tokens", 8), kv{"operation.cost", DoubleValue(0.000123)},
			str("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]}]`),
			str("gen_ai.output.messages", out))
		s.kind = SpanKindClient
		return s
	}
	agent := pydSpan(1, 0, "invoke_agent weather_agent", str("gen_ai.operation.name", "invoke_agent"),
		str("gen_ai.agent.name", "weather_agent"), str("agent_name", "weather_agent"), str("model_name", anthModel),
		str("gen_ai.conversation.id", "conv-heldout-7"), str("logfire.msg", "weather_agent run"),
		num("gen_ai.usage.input_tokens", 84), num("gen_ai.usage.output_tokens", 34),
		str("pydantic_ai.all_messages", `[{"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]},`+
			`{"role":"assistant","parts":[{"type":"text","content":"It is 21 degrees in Paris."}],"finish_reason":"stop"}]`),
		str("gen_ai.system_instructions", `[{"type":"text","content":"You are a weather assistant."}]`),
		str("final_result", "It is 21 degrees in Paris."))
	tool := pydSpan(3, 1, "execute_tool get_weather", str("gen_ai.operation.name", "execute_tool"),
		str("gen_ai.tool.name", "get_weather"), str("gen_ai.tool.call.id", "toolu_1"),
		str("gen_ai.tool.call.arguments", `{"city":"Paris"}`), str("gen_ai.tool.call.result", `{"temperature_c":21}`))
	evs := mapOne(t, MapOptions{}, agent,
		chat(2, `[{"role":"assistant","parts":[{"type":"tool_call","id":"toolu_1","name":"get_weather","arguments":{"city":"Paris"}}],"finish_reason":"tool_call"}]`),
		tool, chat(4, `[{"role":"assistant","parts":[{"type":"text","content":"It is 21 degrees in Paris."}],"finish_reason":"stop"}]`))
	wantAnthropicCall(t, evs[1])
	wantAnthropicCall(t, evs[3])
	if got := sumPrompt(evs); got != 84 {
		t.Errorf("Σ prompt_tokens = %d, want 84", got)
	}
	if c := evs[1].Usage.CostUSD; c != 0.000123 {
		t.Errorf("cost %v, want operation.cost 0.000123 USD", c)
	}
	a := evs[0]
	if a.Type != platform.TypeChat || a.Usage != nil || a.Metadata.Get("kind") != "agent" {
		t.Errorf("agent root: type %q usage %+v kind %v, want chat (conversation root) rolled up", a.Type, a.Usage, a.Metadata.Get("kind"))
	}
	in := jsonOf(t, a.Input)
	if in["system"] != "You are a weather assistant." || len(in["messages"].([]any)) != 2 {
		t.Errorf("agent input %s, want pydantic_ai.all_messages with the system instructions", a.Input)
	}
	if _, ok := a.Metadata.Lookup("pydantic_ai.all_messages"); ok {
		t.Errorf("pydantic_ai.all_messages kept in metadata as well as mapped")
	}
	for _, e := range evs {
		if e.ThreadID != evs[0].ThreadID || e.Metadata.Get("conversation_id") != "conv-heldout-7" && e.Type != platform.TypeError {
			t.Errorf("%s: thread %s conversation %v", e.Name, e.ThreadID, e.Metadata.Get("conversation_id"))
		}
	}
}
