package mapping

import (
	"testing"
)

// Tool calls and tool results in gen_ai log records, written out as
// @opentelemetry/instrumentation-openai 0.22.0 writes them (testdata/captures/README.md,
// otel-js-openai-logs-chat-tool): records first (internal/tracestate holds them), then their
// span, which Map makes one event of with the records joined. The join's bookkeeping is
// tested in logs_join_test.go.

// logRec is a record of the span (newSpan's trace, span ID byte span); its event name is
// eventName, else its event.name attribute (LogEventName, as the readers set it).
func logRec(span byte, eventName string, body Value, attrs ...kv) LogRecord {
	r := LogRecord{TraceID: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Time: t0,
		EventName: LogEventName(eventName, kvs(attrs)), Body: body, Attributes: kvs(attrs)}
	r.SpanID[7] = span
	return r
}

func bodyOf(fields ...kv) Value { return MapValue(kvs(fields)) }

// mapWithLogs maps the span with the records joined, as internal/tracestate does when the
// records came first and were held for it (JoinRecords).
func mapWithLogs(t *testing.T, sp *testSpan, recs ...LogRecord) []byte {
	t.Helper()
	ptrs := make([]*LogRecord, len(recs))
	for i := range recs {
		ptrs[i] = &recs[i]
	}
	evs := NewMapper(MapOptions{}).Map([]SpanView{JoinRecords(sp, ptrs)})
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	return evs[0].Input
}

// A v1.28–v1.36 gen_ai.tool.message body {id, content} without role (the role is the
// event's name): id is the tool call it answers; a JSON object content is the result as it
// is (not a one-part message).
func TestToolMessageRecordLiteral(t *testing.T) {
	chat := newSpan(2, 1, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"),
		str("gen_ai.request.model", "gpt-4o-mini"), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
	sys := kv{"gen_ai.system", StrValue("openai")}
	in := mapWithLogs(t, chat,
		logRec(2, "", bodyOf(str("content", "What is the weather in Paris?")), str("event.name", "gen_ai.user.message"), sys),
		logRec(2, "", bodyOf(kv{"tool_calls", ListValue(vlist{MapValue(kvs{str("id", "call_1"), str("type", "function"),
			kv{"function", MapValue(kvs{str("name", "get_weather"), str("arguments", `{"city":"Paris"}`)})}})})}),
			str("event.name", "gen_ai.assistant.message"), sys),
		logRec(2, "", bodyOf(str("id", "call_1"), str("content", `{"city":"Paris","temperature_c":18}`)),
			str("event.name", "gen_ai.tool.message"), sys),
		logRec(2, "", bodyOf(str("id", "call_2"), str("content", "18 °C")), str("event.name", "gen_ai.tool.message"), sys))
	wantJSON(t, "input", in, `{"messages":[{"role":"user","content":"What is the weather in Paris?"},`+
		`{"role":"assistant","tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]},`+
		`{"role":"tool","content":{"city":"Paris","temperature_c":18},"tool_call_id":"call_1"},`+
		`{"role":"tool","content":"18 °C","tool_call_id":"call_2"}]}`)
}

// OTel tool_call parts that carry an OpenAI Responses item id beside the call id ({id:
// "fc_…", call_id: "call_…"}) and tool_call_response parts that name the call by call_id:
// the call and its result share the call id.
func TestToolCallIDBesideItemIDLiteral(t *testing.T) {
	part := func(fields ...kv) Value { return MapValue(kvs(fields)) }
	msg := func(role string, parts ...Value) Value {
		return MapValue(kvs{str("role", role), kv{"parts", ListValue(vlist(parts))}})
	}
	chat := newSpan(3, 1, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
		str("gen_ai.request.model", "gpt-4o-mini"), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
	call := part(str("type", "tool_call"), str("id", "fc_1"), str("name", "get_weather"), str("arguments", `{"city":"Paris"}`), str("call_id", "call_1"))
	in := mapWithLogs(t, chat, logRec(3, "gen_ai.client.inference.operation.details", Value{},
		str("gen_ai.provider.name", "openai"),
		kv{"gen_ai.input.messages", ListValue(vlist{
			msg("user", part(str("type", "text"), str("content", "What is the weather in Paris?"))),
			msg("assistant", call),
			msg("user", part(str("type", "tool_call_response"), str("response", `{"temperature_c":18}`), str("call_id", "call_1"))),
		})}))
	wantJSON(t, "input", in, `{"messages":[{"role":"user","content":"What is the weather in Paris?"},`+
		`{"role":"assistant","tool_calls":[{"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]},`+
		`{"role":"tool","content":{"temperature_c":18},"tool_call_id":"call_1"}]}`)
}

// System instructions both on the span (gen_ai.system_instructions, a plain string) and as
// the first input message of the details record: shown once, as the message; instructions
// that differ from every system message are kept beside them.
func TestSystemInstructionsRepeatedLiteral(t *testing.T) {
	chat := func(instr string) *testSpan {
		return newSpan(4, 1, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
			str("gen_ai.system_instructions", instr), str("gen_ai.request.model", "gpt-4o-mini"))
	}
	text := func(role, s string) Value {
		return MapValue(kvs{str("role", role), kv{"parts", ListValue(vlist{MapValue(kvs{str("type", "text"), str("content", s)})})}})
	}
	rec := func() LogRecord {
		return logRec(4, "gen_ai.client.inference.operation.details", Value{}, kv{"gen_ai.input.messages",
			ListValue(vlist{text("system", "Be brief."), text("user", "Weather?")})})
	}
	wantJSON(t, "repeated", mapWithLogs(t, chat("Be brief."), rec()),
		`{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"}]}`)
	wantJSON(t, "different", mapWithLogs(t, chat("Answer in French."), rec()),
		`{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"}],"system":"Answer in French."}`)
}

// weatherChatSpan is a chat span (span 5 under 1) whose content comes in weatherRecords: a
// gen_ai.user.message and a gen_ai.choice in the deprecated event form, as
// @opentelemetry/instrumentation-openai writes them.
func weatherChatSpan() *testSpan {
	return newSpan(5, 1, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"),
		str("gen_ai.request.model", "gpt-4o-mini"), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
}

func weatherRecords() []LogRecord {
	sys := kv{"gen_ai.system", StrValue("openai")}
	return []LogRecord{
		logRec(5, "", bodyOf(str("content", "Weather in Paris?")), str("event.name", "gen_ai.user.message"), sys),
		logRec(5, "", bodyOf(str("finish_reason", "stop"), num("index", 0), kv{"message", MapValue(kvs{str("content", "Sunny.")})}),
			str("event.name", "gen_ai.choice"), sys),
	}
}
