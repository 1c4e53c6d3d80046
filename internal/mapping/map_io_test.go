package mapping

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// Edges of the dialect rules in map_io.go / map_messages.go beyond the per-dialect tests:
// the v1.26 content events, Responses API input items, the request-body system parameter
// and the trace-wide tags.

// gen_ai.completion of v1.26 carries either the messages, OpenAI-style choices
// {index, message, finish_reason} or the answer's text; each becomes the response, and the
// consumed event is not copied into metadata. A prompt that is not messages is kept as sent.
func TestContentEventShapes(t *testing.T) {
	for _, tc := range []struct {
		name, prompt, completion string
		in, out                  string
	}{
		{"choices", `[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]`,
			`[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}]`,
			`{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}`,
			`{"response":"Hello.","finish_reason":"stop"}`},
		{"one message object", `[{"role":"user","content":"Hi"}]`, `{"role":"assistant","content":"Hello."}`,
			`{"messages":[{"role":"user","content":"Hi"}]}`, `{"response":"Hello."}`},
		{"plain text", "Say hi", "Hello.", `"Say hi"`, `{"response":"Hello."}`},
		{"tool calls", `[{"role":"user","content":"Weather in Paris?"}]`,
			`[{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}]`,
			`{"messages":[{"role":"user","content":"Weather in Paris?"}]}`,
			`{"tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]}`},
	} {
		s := newSpan(1, 0, "chat.completions m", str("gen_ai.operation.name", "chat.completions"),
			str("gen_ai.system", "openai"), str("gen_ai.request.model", "m"))
		s.events = []testEvent{
			{"gen_ai.content.prompt", t0, kvs{str("gen_ai.prompt", tc.prompt)}},
			{"gen_ai.content.completion", t0, kvs{str("gen_ai.completion", tc.completion)}},
		}
		ev := mapOne(t, MapOptions{}, s)[0]
		if string(ev.Input) != tc.in || string(ev.Output) != tc.out {
			t.Errorf("%s: input %s output %s\nwant input %s output %s", tc.name, ev.Input, ev.Output, tc.in, tc.out)
		}
		if v, ok := ev.Metadata.Lookup("events"); ok {
			t.Errorf("%s: content events also in metadata: %v", tc.name, v)
		}
	}
}

// The same v1.26 values as span attributes: messages become input.messages / the response;
// anything else stays the plain value.
func TestPromptCompletionAttributes(t *testing.T) {
	s := newSpan(1, 0, "chat m", str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"),
		str("gen_ai.prompt", `[{"role":"user","content":"Hi"}]`),
		str("gen_ai.completion", `[{"role":"assistant","content":"Hello.","finish_reason":"stop"}]`))
	ev := mapOne(t, MapOptions{}, s)[0]
	if string(ev.Input) != `{"messages":[{"role":"user","content":"Hi"}]}` || string(ev.Output) != `{"response":"Hello.","finish_reason":"stop"}` {
		t.Errorf("input %s output %s", ev.Input, ev.Output)
	}
	s = newSpan(1, 0, "chat m", str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"),
		str("gen_ai.prompt", `Say hi`), str("gen_ai.completion", `["Hello."]`))
	ev = mapOne(t, MapOptions{}, s)[0]
	if string(ev.Input) != `"Say hi"` || string(ev.Output) != `["Hello."]` {
		t.Errorf("non-message values: input %s output %s", ev.Input, ev.Output)
	}
}

// The oldest OpenLLMetry keys are consumed into input / output, never repeated in metadata.
func TestTraceloopLegacyKeysConsumed(t *testing.T) {
	s := tlSpan(1, 0, "openai.chat", str("llm.vendor", "OpenAI"), str("llm.request.type", "chat"),
		str("llm.prompts.0.role", "system"), str("llm.prompts.0.content", "Be brief."),
		str("llm.prompts.1.role", "user"), str("llm.prompts.1.content", "Hi"),
		str("llm.completions.0.role", "assistant"), str("llm.completions.0.content", "Hello."),
		str("llm.completions.0.finish_reason", "stop"))
	ev := mapOne(t, MapOptions{}, s)[0]
	if string(ev.Input) != `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}` {
		t.Errorf("input %s", ev.Input)
	}
	for k := range ev.Metadata.All() {
		if strings.HasPrefix(k, "llm.prompts.") || strings.HasPrefix(k, "llm.completions.") {
			t.Errorf("%s left in metadata", k)
		}
	}
}

// Responses API input items follow the OpenAI Agents SDK's own converter: function calls
// join the assistant message before them, outputs become tool messages (structured outputs
// kept as parts), bare {role, content} items are messages.
func TestResponsesItemsAsMessages(t *testing.T) {
	in := `[{"role":"developer","content":"Be brief."},{"role":"user","content":"Weather in Paris and Rome?"},` +
		`{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},` +
		`{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},` +
		`{"type":"function_call","id":"fc_2","call_id":"call_2","name":"get_weather","arguments":"{\"city\":\"Rome\"}"},` +
		`{"type":"function_call_output","call_id":"call_1","output":"21C"},` +
		`{"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"19C"},{"type":"input_image","image_url":"https://x/y.png"}]}]`
	ev := mapOne(t, MapOptions{}, oiAgentsResponse(1, 0, in, false))[0]
	want := `{"messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":"Weather in Paris and Rome?"},` +
		`{"role":"assistant","content":"Checking.","tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}},{"id":"call_2","name":"get_weather","arguments":{"city":"Rome"}}]},` +
		`{"role":"tool","content":"21C","tool_call_id":"call_1"},` +
		`{"role":"tool","content":[{"type":"input_text","text":"19C"},{"type":"input_image","image_url":"https://x/y.png"}],"tool_call_id":"call_2"}],` +
		`"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}`
	if string(ev.Input) != want {
		t.Errorf("input\n%s\nwant\n%s", ev.Input, want)
	}
	// Only model calls: an agent span's input.value stays as sent.
	ag := oiAgentsSpan(1, 0, "Agent", "AGENT", str("input.value", `[{"role":"user","content":"Hi"}]`),
		str("input.mime_type", "application/json"))
	if ev := mapOne(t, MapOptions{}, ag)[0]; string(ev.Input) != `[{"role":"user","content":"Hi"}]` {
		t.Errorf("agent input %s", ev.Input)
	}
}

// Anthropic's system parameter as text blocks (with cache_control) becomes one string; a
// request whose flattened messages already hold a system message gets no second one; a
// body that is not JSON is ignored.
func TestRequestSystemParam(t *testing.T) {
	span := func(body string, msgs ...kv) *testSpan {
		a := append([]kv{str("openinference.span.kind", "LLM"), str("llm.provider", "anthropic"),
			str("input.value", body), str("input.mime_type", "application/json")}, msgs...)
		return newSpan(1, 0, "Anthropic Messages", a...)
	}
	user := []kv{str("llm.input_messages.0.message.role", "user"), str("llm.input_messages.0.message.content", "Hi")}
	blocks := `{"model":"m","system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}},` +
		`{"type":"text","text":"Answer in French."}],"messages":[{"role":"user","content":"Hi"}]}`
	if ev := mapOne(t, MapOptions{}, span(blocks, user...))[0]; string(ev.Input) !=
		`{"messages":[{"role":"user","content":"Hi"}],"system":"You are terse.\nAnswer in French."}` {
		t.Errorf("text blocks: input %s", ev.Input)
	}
	withSys := append([]kv{str("llm.input_messages.0.message.role", "system"), str("llm.input_messages.0.message.content", "S")},
		str("llm.input_messages.1.message.role", "user"), str("llm.input_messages.1.message.content", "Hi"))
	if ev := mapOne(t, MapOptions{}, span(`{"system":"S","messages":[]}`, withSys...))[0]; string(ev.Input) !=
		`{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Hi"}]}` {
		t.Errorf("system already a message: input %s", ev.Input)
	}
	if ev := mapOne(t, MapOptions{}, span(`"system" {not json`, user...))[0]; string(ev.Input) != `{"messages":[{"role":"user","content":"Hi"}]}` {
		t.Errorf("not JSON: input %s", ev.Input)
	}
}

// Each event owns its tags: changing one event's tags changes neither another event's nor
// the union the TraceMemory keeps for later batches of the trace, also when batches of one trace
// are mapped concurrently (run with -race).
func TestTraceTagsOwnedPerEvent(t *testing.T) {
	m := withMemory(MapOptions{})
	root := newSpan(1, 0, "agent", str("openinference.span.kind", "AGENT"), str("tag.tags", `["prod","weather"]`))
	evs := m.Map([]SpanView{root, newSpan(2, 1, "llm", str("openinference.span.kind", "LLM"))})
	evs[1].Tags[0] = "changed" // the model call has no tags of its own: all from the union
	if !slices.Equal(evs[0].Tags, []string{"prod", "weather"}) {
		t.Errorf("root event tags %v", evs[0].Tags)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			late := m.Map([]SpanView{newSpan(byte(3+i), 1, "tool", str("openinference.span.kind", "TOOL"))})
			if !slices.Equal(late[0].Tags, []string{"prod", "weather"}) {
				t.Errorf("later batch tags %v", late[0].Tags)
			}
		}()
	}
	wg.Wait()
}
