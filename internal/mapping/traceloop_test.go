package mapping

import (
	"encoding/json"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// OpenLLMetry / Traceloop shapes beyond the capture: decorators (workflow / task / agent /
// tool) with traceloop.entity.input {"args":[…],"kwargs":{…}}, LangChain callback spans,
// association properties, and the oldest `llm.*` key set.

func tlSpan(id, parent byte, name string, attrs ...kv) *testSpan {
	s := newSpan(id, parent, name, attrs...)
	s.scope = "@traceloop/node-server-sdk"
	return s
}

// @traceloop/node-server-sdk decorators: withWorkflow / withAgent / withTask / withTool set
// traceloop.span.kind, traceloop.entity.name, traceloop.workflow.name, traceloop.entity.path
// and JSON-stringify the call's inputs as {"args":[…],"kwargs":{}} and the result as
// traceloop.entity.output; association properties are copied onto every span of the context
// (traceloop/openllmetry-js packages/traceloop-sdk/src/lib/tracing/decorators.ts,
// withEntity; association-properties.ts). The tool span is a tool; workflow/agent/task keep
// their kind; the two model calls count once (84) and the conversation id
// (association property conversation_id) is trace-wide.
func TestTraceloopDecoratorsToolLoop(t *testing.T) {
	assoc := []kv{str("traceloop.association.properties.session_id", "sess-heldout-001"),
		str("traceloop.association.properties.user_id", "user-heldout-42"),
		str("traceloop.association.properties.conversation_id", "conv-heldout-7")}
	ent := func(kind, name, path string, extra ...kv) []kv {
		a := []kv{str("traceloop.span.kind", kind), str("traceloop.entity.name", name),
			str("traceloop.workflow.name", "weather_flow")}
		if path != "" {
			a = append(a, str("traceloop.entity.path", path))
		}
		return append(append(a, assoc...), extra...)
	}
	llm := func(id, parent byte, finish string, out ...kv) *testSpan {
		a := append([]kv{str("gen_ai.system", "OpenAI"), str("llm.request.type", "chat"),
			str("gen_ai.request.model", oaModel), str("gen_ai.prompt.0.role", "user"),
			str("gen_ai.prompt.0.content", "What is the weather in Paris?"),
			str("gen_ai.response.model", oaModelDated), num("llm.usage.total_tokens", 59),
			num("gen_ai.usage.completion_tokens", 17), num("gen_ai.usage.prompt_tokens", 42),
			num("gen_ai.usage.cache_read_input_tokens", 8),
			str("gen_ai.completion.0.finish_reason", finish), str("gen_ai.completion.0.role", "assistant")}, assoc...)
		s := tlSpan(id, parent, "openai.chat", append(a, out...)...)
		s.kind = SpanKindClient
		return s
	}
	wf := tlSpan(1, 0, "weather_flow.workflow", ent("workflow", "weather_flow", "",
		str("traceloop.entity.input", `{"args":["What is the weather in Paris?"],"kwargs":{}}`),
		str("traceloop.entity.output", `"It is 21 degrees and sunny in Paris."`))...)
	agent := tlSpan(2, 1, "weather_agent.agent", ent("agent", "weather_agent", "weather_flow",
		str("traceloop.entity.input", `{"args":[],"kwargs":{"question":"What is the weather in Paris?"}}`))...)
	call1 := llm(3, 2, "tool_calls", str("gen_ai.completion.0.tool_calls.0.name", "get_weather"),
		str("gen_ai.completion.0.tool_calls.0.id", "call_1"),
		str("gen_ai.completion.0.tool_calls.0.arguments", `{"city":"Paris"}`))
	tool := tlSpan(4, 2, "get_weather.tool", ent("tool", "get_weather", "weather_flow.weather_agent",
		str("traceloop.entity.input", `{"args":[{"city":"Paris"}],"kwargs":{}}`),
		str("traceloop.entity.output", `{"city":"Paris","temperature_c":21,"sky":"sunny"}`))...)
	task := tlSpan(5, 2, "answer.task", ent("task", "answer", "weather_flow.weather_agent")...)
	call2 := llm(6, 5, "stop", str("gen_ai.completion.0.content", "It is 21 degrees and sunny in Paris."))
	evs := mapOne(t, MapOptions{}, wf, agent, call1, tool, task, call2)

	wantTypes := []struct {
		typ  platform.Type
		kind string
	}{{platform.TypeChat, "workflow"}, {platform.TypeCustom, "agent"}, {platform.TypeLLM, "llm"}, {platform.TypeTool, "tool"}, {platform.TypeCustom, "task"}, {platform.TypeLLM, "llm"}}
	for i, w := range wantTypes {
		if evs[i].Type != w.typ || evs[i].Metadata.Get("kind") != w.kind {
			t.Errorf("%s: type %s kind %v, want %s %s", evs[i].Name, evs[i].Type, evs[i].Metadata.Get("kind"), w.typ, w.kind)
		}
	}
	if got := sumPrompt(evs); got != 84 {
		t.Errorf("Σ prompt_tokens = %d, want 84", got)
	}
	for _, i := range []int{2, 5} {
		if u := evs[i].Usage; u == nil || u.CachedTokens != 8 || evs[i].Provider != "openai" || evs[i].Model != oaModelDated {
			t.Errorf("%s: usage %+v provider %q model %q", evs[i].Name, u, evs[i].Provider, evs[i].Model)
		}
	}
	for _, e := range evs {
		if e.ThreadID != evs[0].ThreadID || e.UserID != "user-heldout-42" || e.SessionID != "sess-heldout-001" {
			t.Errorf("%s: thread %s user %q session %q", e.Name, e.ThreadID, e.UserID, e.SessionID)
		}
	}
	if string(evs[3].Input) != `{"args":[{"city":"Paris"}],"kwargs":{}}` ||
		string(evs[3].Output) != `{"city":"Paris","temperature_c":21,"sky":"sunny"}` {
		t.Errorf("tool input %s output %s", evs[3].Input, evs[3].Output)
	}
	var out struct {
		ToolCalls []struct {
			ID, Name string
		} `json:"tool_calls"`
	}
	if err := json.Unmarshal(evs[2].Output, &out); err != nil || len(out.ToolCalls) != 1 || out.ToolCalls[0].Name != "get_weather" {
		t.Errorf("first call output %s", evs[2].Output)
	}
}

// Traceloop's LangChain instrumentation: callback-handler spans named "<Class>.<kind>" with
// traceloop.span.kind workflow/task, traceloop.entity.input {"inputs":…,"tags":[],
// "metadata":{},"kwargs":{…}} and the chat model span "ChatOpenAI.chat" with
// llm.request.type chat and the gen_ai.prompt/completion keys (traceloop/openllmetry
// packages/opentelemetry-instrumentation-langchain/…/callback_handler.py,
// _create_task_span / _create_llm_span).
func TestTraceloopLangChain(t *testing.T) {
	chain := tlSpan(1, 0, "RunnableSequence.workflow", str("traceloop.span.kind", "workflow"),
		str("traceloop.workflow.name", "RunnableSequence"), str("traceloop.entity.name", "RunnableSequence"),
		str("traceloop.entity.input", `{"inputs":{"question":"What is the weather in Paris?"},"tags":[],"metadata":{},"kwargs":{"name":"RunnableSequence"}}`),
		str("traceloop.entity.output", `{"outputs":"It is 21 degrees and sunny in Paris.","kwargs":{"tags":[]}}`))
	prompt := tlSpan(2, 1, "ChatPromptTemplate.task", str("traceloop.span.kind", "task"),
		str("traceloop.entity.name", "ChatPromptTemplate"), str("traceloop.entity.path", ""),
		str("traceloop.entity.input", `{"inputs":{"question":"What is the weather in Paris?"},"tags":["seq:step:1"],"metadata":{},"kwargs":{"run_type":"prompt"}}`))
	model := tlSpan(3, 1, "ChatOpenAI.chat", str("llm.request.type", "chat"), str("gen_ai.system", "openai"),
		str("gen_ai.request.model", oaModel), num("gen_ai.request.temperature", 0),
		str("gen_ai.prompt.0.role", "user"), str("gen_ai.prompt.0.content", "What is the weather in Paris?"),
		str("gen_ai.response.model", oaModelDated), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17),
		num("llm.usage.total_tokens", 59), num("gen_ai.usage.cache_read_input_tokens", 8),
		str("gen_ai.completion.0.role", "assistant"), str("gen_ai.completion.0.content", "It is 21 degrees and sunny in Paris."))
	evs := mapOne(t, MapOptions{}, chain, prompt, model)
	if evs[0].Metadata.Get("kind") != "workflow" || evs[1].Metadata.Get("kind") != "task" || evs[2].Type != platform.TypeLLM {
		t.Errorf("kinds %v %v type %s", evs[0].Metadata.Get("kind"), evs[1].Metadata.Get("kind"), evs[2].Type)
	}
	var in struct {
		Inputs map[string]any `json:"inputs"`
	}
	if err := json.Unmarshal(evs[0].Input, &in); err != nil || in.Inputs["question"] != "What is the weather in Paris?" {
		t.Errorf("workflow input %s", evs[0].Input)
	}
	if sumPrompt(evs) != 42 || evs[2].Model != oaModelDated || evs[2].Provider != "openai" {
		t.Errorf("Σ prompt %d model %q provider %q", sumPrompt(evs), evs[2].Model, evs[2].Provider)
	}
	if string(evs[2].Output) != `{"response":"It is 21 degrees and sunny in Paris."}` {
		t.Errorf("model output %s", evs[2].Output)
	}
}

// Association properties other than the known ids stay per-span metadata; chat_id (the
// Traceloop docs' example key) is a conversation id like conversation_id.
func TestTraceloopAssociationChatID(t *testing.T) {
	turn := func(tb byte) []SpanView {
		a := tlSpan(1, 0, "chat_turn.workflow", str("traceloop.span.kind", "workflow"),
			str("traceloop.association.properties.chat_id", "conv-heldout-7"),
			str("traceloop.association.properties.tenant", "acme"))
		b := tlSpan(2, 1, "openai.chat", str("llm.request.type", "chat"), str("gen_ai.system", "openai"),
			str("gen_ai.request.model", oaModel), num("gen_ai.usage.prompt_tokens", 42), num("gen_ai.usage.completion_tokens", 17),
			str("traceloop.association.properties.chat_id", "conv-heldout-7"))
		a.trace[0], b.trace[0] = tb, tb
		return []SpanView{a, b}
	}
	m := NewMapper(MapOptions{})
	var thread string
	for _, tb := range []byte{0x11, 0x22} {
		evs := m.Map(turn(tb))
		if evs[0].Type != platform.TypeChat || evs[0].Metadata.Get("traceloop.association.properties.tenant") != "acme" {
			t.Errorf("root type %s tenant %v", evs[0].Type, evs[0].Metadata.Get("traceloop.association.properties.tenant"))
		}
		if thread == "" {
			thread = evs[0].ThreadID
		}
		for _, e := range evs {
			if e.ThreadID != thread {
				t.Errorf("trace %x %s: thread %s, want %s", tb, e.Name, e.ThreadID, thread)
			}
		}
	}
}

// The oldest OpenLLMetry key set (traceloop/openllmetry-js ai-semantic-conventions before
// the gen_ai rename; Python semconv_ai < 0.3): llm.vendor, llm.request.model,
// llm.response.model, llm.usage.{prompt,completion,total}_tokens, llm.temperature. Provider,
// model and usage must map like their gen_ai successors.
func TestTraceloopLegacyLLMKeys(t *testing.T) {
	s := tlSpan(1, 0, "openai.chat", str("llm.vendor", "OpenAI"), str("llm.request.type", "chat"),
		str("llm.request.model", oaModel), num("llm.temperature", 0), str("llm.response.model", oaModelDated),
		num("llm.usage.total_tokens", 59), num("llm.usage.completion_tokens", 17), num("llm.usage.prompt_tokens", 42))
	ev := mapOne(t, MapOptions{}, s)[0]
	if ev.Type != platform.TypeLLM || ev.Provider != "openai" || ev.Model != oaModelDated {
		t.Errorf("type %s provider %q model %q", ev.Type, ev.Provider, ev.Model)
	}
	if ev.Usage == nil || ev.Usage.PromptTokens != 42 || ev.Usage.CompletionTokens != 17 || ev.Usage.TotalTokens != 59 {
		t.Errorf("usage %+v", ev.Usage)
	}
	for _, k := range []string{"llm.vendor", "llm.usage.prompt_tokens", "llm.usage.completion_tokens", "llm.response.model"} {
		if _, ok := ev.Metadata.Lookup(k); ok {
			t.Errorf("%s mapped but also left in metadata", k)
		}
	}
	// The request model alone (no response yet, e.g. a failed call).
	s2 := tlSpan(1, 0, "openai.chat", str("llm.vendor", "OpenAI"), str("llm.request.type", "chat"),
		str("llm.request.model", oaModel))
	if ev := mapOne(t, MapOptions{}, s2)[0]; ev.Model != oaModel || ev.Provider != "openai" {
		t.Errorf("request-only: model %q provider %q", ev.Model, ev.Provider)
	}
}

// The oldest OpenLLMetry content keys: llm.prompts.{i}.role/content and
// llm.completions.{i}.role/content/finish_reason (same shape as the later gen_ai.prompt.{i}.*).
// llm.prompts.{i} collides with OpenInference's llm.prompts.{i}.prompt.text (completions API).
func TestTraceloopLegacyLLMContent(t *testing.T) {
	s := tlSpan(1, 0, "openai.chat", str("llm.vendor", "OpenAI"), str("llm.request.type", "chat"),
		str("llm.request.model", oaModel), str("llm.prompts.0.role", "user"), str("llm.prompts.0.content", "Hi"),
		str("llm.response.model", oaModelDated), str("llm.completions.0.role", "assistant"),
		str("llm.completions.0.content", "Hello."), str("llm.completions.0.finish_reason", "stop"),
		num("llm.usage.prompt_tokens", 42), num("llm.usage.completion_tokens", 17))
	ev := mapOne(t, MapOptions{}, s)[0]
	if string(ev.Input) != `{"messages":[{"role":"user","content":"Hi"}]}` ||
		string(ev.Output) != `{"response":"Hello.","finish_reason":"stop"}` {
		t.Errorf("input %s output %s", ev.Input, ev.Output)
	}
}
