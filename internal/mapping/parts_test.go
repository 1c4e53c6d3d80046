package mapping

import "testing"

// Message parts of the current gen_ai schema (issue 10, item 7; semconv
// gen-ai-input-messages.json / gen-ai-output-messages.json, v1.37+): reasoning
// {type, content}; server_tool_call {type, id, name, server_tool_call};
// server_tool_call_response {type, id, server_tool_call_response}; tool_call_response with
// "response" (the JSON schema) or "result" (the registry's examples); blob, uri {type,
// modality, uri} and file {type, modality, file_id}. Text is the response; every other part
// is kept as the structured part it is, in order; tool results become tool messages.
func TestGenAIMessageParts(t *testing.T) {
	out := `[{"role":"assistant","parts":[` +
		`{"type":"reasoning","content":"The user asks for the weather; search first."},` +
		`{"type":"server_tool_call","id":"srvtoolu_01","name":"web_search","server_tool_call":{"type":"web_search","query":"weather Paris"}},` +
		`{"type":"server_tool_call_response","id":"srvtoolu_01","server_tool_call_response":{"type":"web_search","results":[{"url":"https://weather.example/paris"}]}},` +
		`{"type":"text","content":"It is 18 °C and clear in Paris."},` +
		`{"type":"uri","modality":"image","mime_type":"image/png","uri":"https://weather.example/paris.png"},` +
		`{"type":"file","modality":"image","file_id":"file-abc123"}],"finish_reason":"stop"}]`
	in := `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris? Here is the sky:"},` +
		`{"type":"blob","modality":"image","mime_type":"image/png","content":"iVBORw0KGgo="}]},` +
		`{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}},` +
		`{"type":"tool_call","id":"call_2","name":"get_time","arguments":{"tz":"Europe/Paris"}}]},` +
		`{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","response":{"temperature_c":18}}]},` +
		`{"role":"tool","parts":[{"type":"tool_call_response","id":"call_2","result":"14:05"}]}]`
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "chat claude-sonnet-4", str("gen_ai.operation.name", "chat"),
		str("gen_ai.provider.name", "anthropic"), str("gen_ai.request.model", "claude-sonnet-4-20250514"),
		str("gen_ai.input.messages", in), str("gen_ai.output.messages", out)))[0]
	wantIn := `{"messages":[{"role":"user","content":[{"type":"text","content":"Weather in Paris? Here is the sky:"},` +
		`{"type":"blob","modality":"image","mime_type":"image/png","content":"iVBORw0KGgo="}]},` +
		`{"role":"assistant","tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}},{"id":"call_2","name":"get_time","arguments":{"tz":"Europe/Paris"}}]},` +
		`{"role":"tool","content":{"temperature_c":18},"tool_call_id":"call_1"},` +
		`{"role":"tool","content":"14:05","tool_call_id":"call_2"}]}`
	wantOut := `{"response":"It is 18 °C and clear in Paris.","parts":[` +
		`{"type":"reasoning","content":"The user asks for the weather; search first."},` +
		`{"type":"server_tool_call","id":"srvtoolu_01","name":"web_search","server_tool_call":{"type":"web_search","query":"weather Paris"}},` +
		`{"type":"server_tool_call_response","id":"srvtoolu_01","server_tool_call_response":{"type":"web_search","results":[{"url":"https://weather.example/paris"}]}},` +
		`{"type":"uri","modality":"image","mime_type":"image/png","uri":"https://weather.example/paris.png"},` +
		`{"type":"file","modality":"image","file_id":"file-abc123"}],"finish_reason":"stop"}`
	if string(ev.Input) != wantIn {
		t.Errorf("input\n got %s\nwant %s", ev.Input, wantIn)
	}
	if string(ev.Output) != wantOut {
		t.Errorf("output\n got %s\nwant %s", ev.Output, wantOut)
	}
}
