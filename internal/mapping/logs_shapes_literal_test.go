package mapping

import (
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Tool calls and tool results in gen_ai log records, written out as
// @opentelemetry/instrumentation-openai 0.22.0 writes them (testdata/captures/README.md,
// otel-js-openai-logs-chat-tool): records first (MapLogs holds them), then their span.

// logRec is a record of the span (newSpan's trace, span ID byte span); its event name is
// eventName, else its event.name attribute (LogEventName, as the readers set it).
func logRec(span byte, eventName string, body Value, attrs ...kv) LogRecord {
	r := LogRecord{TraceID: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Time: t0,
		EventName: LogEventName(eventName, kvs(attrs)), Body: body, Attributes: kvs(attrs)}
	r.SpanID[7] = span
	return r
}

func bodyOf(fields ...kv) Value { return MapValue(kvs(fields)) }

// mapWithLogs maps records and then their span through one Mapper.
func mapWithLogs(t *testing.T, sp *testSpan, recs ...LogRecord) []byte {
	t.Helper()
	m := NewMapper(MapOptions{})
	if evs := m.MapLogs(recs, nil).Events; len(evs) != 0 {
		t.Fatalf("records mapped before their span: %d events", len(evs))
	}
	evs := m.Map([]SpanView{sp})
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

// Records that arrive while their span's event is mapped but not yet reported accepted (the
// collector's logs and traces pipelines, an SDK's log and span processors, run apart) are
// held; once the event is accepted they join it late — when passed again (the collector's
// retry) and from ExpiredLogs (in-process shippers), without waiting for the hold — never
// shipped on their own.
func TestRecordsBetweenMapAndDelivered(t *testing.T) {
	chat, recs := weatherChatSpan, weatherRecords
	const wantIn, wantOut = `{"messages":[{"role":"user","content":"Weather in Paris?"}]}`, `{"response":"Sunny.","finish_reason":"stop"}`
	for _, path := range []string{"passed again", "ExpiredLogs"} {
		m := NewMapper(MapOptions{})
		m.ExpectLogs()
		evs := m.Map([]SpanView{chat()})
		if len(evs) != 1 || evs[0].Input != nil {
			t.Fatalf("%s: span event %+v", path, evs)
		}
		res := m.MapLogs(recs(), nil)
		if len(res.Events) != 0 || res.Fates[0] != LogHeld || res.Fates[1] != LogHeld {
			t.Fatalf("%s: before the span's event is accepted: %d events, fates %v", path, len(res.Events), res.Fates)
		}
		m.Delivered(evs, allAccepted(evs))
		var got []platform.TraceEvent
		if path == "passed again" {
			res = m.MapLogs(recs(), nil)
			if res.Fates[0] != LogMapped || res.Fates[1] != LogMapped || len(res.EventRecords) != 1 || len(res.EventRecords[0]) != 2 {
				t.Errorf("%s: fates %v event records %v", path, res.Fates, res.EventRecords)
			}
			got = res.Events
		} else {
			got = m.ExpiredLogs(nil).Events
		}
		if len(got) != 1 || got[0].SpanID != evs[0].SpanID || got[0].Type != platform.TypeLLM || got[0].Usage == nil {
			t.Fatalf("%s: %d events, want the span's event again: %+v", path, len(got), got)
		}
		wantJSON(t, path+" input", got[0].Input, wantIn)
		wantJSON(t, path+" output", got[0].Output, wantOut)
		m.Delivered(got, allAccepted(got))
		if st := m.LogStats(); st.Late != 2 || st.Alone != 0 || st.Held != 0 {
			t.Errorf("%s: stats %+v", path, st)
		}
		if res := m.MapLogs(recs(), nil); res.Fates[0] != LogDone || res.Fates[1] != LogDone || len(res.Events) != 0 {
			t.Errorf("%s: records passed once more: fates %v, %d events", path, res.Fates, len(res.Events))
		}
	}
}

// A gen_ai.evaluation.result log record (semconv gen-ai-events.md v1.41: the event name in
// the record's EventName, the result in its attributes, the evaluated span in its span
// context) lands on the evaluated span's event as metadata.evaluations, as the span event
// of that name does — whether the record comes before the span or after its event was
// accepted (then the event is sent again with it).
func TestEvaluationResultRecordLiteral(t *testing.T) {
	chat := func() *testSpan {
		return newSpan(4, 1, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
			str("gen_ai.request.model", "gpt-4o-mini"), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
	}
	eval := func() LogRecord {
		return logRec(4, "gen_ai.evaluation.result", Value{}, str("gen_ai.evaluation.name", "Relevance"),
			kv{"gen_ai.evaluation.score.value", DoubleValue(0.85)}, str("gen_ai.evaluation.score.label", "relevant"),
			str("gen_ai.evaluation.explanation", "Answers the question."))
	}
	check := func(t *testing.T, ev *platform.TraceEvent) {
		t.Helper()
		list, ok := ev.Metadata["evaluations"].([]any)
		if !ok || len(list) != 1 {
			t.Fatalf("metadata.evaluations = %#v, want one evaluation", ev.Metadata["evaluations"])
		}
		e, _ := list[0].(map[string]any)
		if e["name"] != "Relevance" || e["score"] != 0.85 || e["label"] != "relevant" || e["explanation"] != "Answers the question." {
			t.Errorf("evaluation = %#v", e)
		}
		if ev.Usage == nil || ev.Usage.PromptTokens != 42 {
			t.Errorf("usage = %+v, want the span's 42 prompt tokens once", ev.Usage)
		}
	}
	t.Run("record first", func(t *testing.T) {
		m := NewMapper(MapOptions{})
		if evs := m.MapLogs([]LogRecord{eval()}, nil).Events; len(evs) != 0 {
			t.Fatalf("the record was shipped before its span: %d events", len(evs))
		}
		evs := m.Map([]SpanView{chat()})
		if len(evs) != 1 {
			t.Fatalf("%d events, want 1", len(evs))
		}
		check(t, &evs[0])
	})
	t.Run("span accepted first", func(t *testing.T) {
		m := NewMapper(MapOptions{})
		m.ExpectLogs()
		evs := m.Map([]SpanView{chat()})
		m.Delivered(evs, allAccepted(evs))
		if _, ok := evs[0].Metadata["evaluations"]; ok {
			t.Fatal("evaluations before the record came")
		}
		res := m.MapLogs([]LogRecord{eval()}, nil)
		if len(res.Events) != 1 || res.Events[0].SpanID != evs[0].SpanID {
			t.Fatalf("%d events re-sent, want the span's event again", len(res.Events))
		}
		check(t, &res.Events[0])
	})
}
