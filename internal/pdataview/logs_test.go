package pdataview_test

import (
	"encoding/json"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// The records below are built in the shapes of the official emitters' source:
//   - deprecated per-message events: @opentelemetry/instrumentation-openai 0.21.0,
//     build/src/instrumentation.js (_startChatCompletionsSpan: gen_ai.system.message /
//     gen_ai.user.message / gen_ai.assistant.message {content, tool_calls} /
//     gen_ai.tool.message {id, content}, attributes event.name and gen_ai.system;
//     _onChatCompletionsCreateResult: gen_ai.choice {finish_reason, index, message});
//     opentelemetry-instrumentation-openai-v2 emits the same bodies;
//   - gen_ai.client.inference.operation.details: the same file's Responses path
//     (_startResponsesSpan / _onResponsesCreateResult: EventName set, attributes
//     gen_ai.provider.name and gen_ai.input.messages or gen_ai.output.messages as
//     structured values, one record each).

var (
	traceID = pcommon.TraceID{0x01, 0x9b, 0x2c, 0x3d, 0x4e, 0x5f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x09}
	spanID  = pcommon.SpanID{0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18}
	rootID  = pcommon.SpanID{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}
	t0      = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// chatSpan is the chat span of instrumentation-openai (attributes of
// _startChatCompletionsSpan and _onChatCompletionsCreateResult), no content; withEvents
// puts the content on the span as the deprecated span events instead (the reference).
func chatSpan(withEvents bool) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "chat-app")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("@opentelemetry/instrumentation-openai")
	ss.Scope().SetVersion("0.21.0")
	root := ss.Spans().AppendEmpty()
	root.SetTraceID(traceID)
	root.SetSpanID(rootID)
	root.SetName("handle request")
	root.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	root.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(2 * time.Second)))
	sp := ss.Spans().AppendEmpty()
	sp.SetTraceID(traceID)
	sp.SetSpanID(spanID)
	sp.SetParentSpanID(rootID)
	sp.SetName("chat gpt-4o-mini")
	sp.SetKind(ptrace.SpanKindClient)
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0.Add(10 * time.Millisecond)))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(900 * time.Millisecond)))
	a := sp.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.system", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o-mini")
	a.PutStr("server.address", "api.openai.com")
	a.PutEmptySlice("gen_ai.response.finish_reasons").AppendEmpty().SetStr("tool_calls")
	a.PutStr("gen_ai.response.id", "chatcmpl-9")
	a.PutStr("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
	a.PutInt("gen_ai.usage.input_tokens", 57)
	a.PutInt("gen_ai.usage.output_tokens", 18)
	if withEvents {
		for _, m := range chatMessages() {
			ev := sp.Events().AppendEmpty()
			ev.SetName(m.name)
			ev.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(10 * time.Millisecond)))
			m.body.CopyTo(ev.Attributes())
		}
	}
	return td
}

type message struct {
	name string
	body pcommon.Map
}

// chatMessages are the bodies of one chat call with a tool round trip.
func chatMessages() []message {
	mk := func(name string, fill func(pcommon.Map)) message {
		m := pcommon.NewMap()
		fill(m)
		return message{name, m}
	}
	toolCall := func(s pcommon.Slice) {
		tc := s.AppendEmpty().SetEmptyMap()
		tc.PutStr("id", "call_1")
		tc.PutStr("type", "function")
		fn := tc.PutEmptyMap("function")
		fn.PutStr("name", "get_weather")
		fn.PutStr("arguments", `{"city":"Paris"}`)
	}
	return []message{
		mk("gen_ai.system.message", func(m pcommon.Map) { m.PutStr("content", "You are terse.") }),
		mk("gen_ai.user.message", func(m pcommon.Map) { m.PutStr("content", "Weather in Paris?") }),
		mk("gen_ai.assistant.message", func(m pcommon.Map) { toolCall(m.PutEmptySlice("tool_calls")) }),
		mk("gen_ai.tool.message", func(m pcommon.Map) {
			m.PutStr("id", "call_1")
			m.PutStr("content", "18°C, clear")
		}),
		mk("gen_ai.choice", func(m pcommon.Map) {
			m.PutStr("finish_reason", "tool_calls")
			m.PutInt("index", 0)
			toolCall(m.PutEmptyMap("message").PutEmptySlice("tool_calls"))
		}),
	}
}

// chatLogs are the records of the chat call: event.name attribute, body (instrumentation.js).
func chatLogs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "chat-app")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("@opentelemetry/instrumentation-openai")
	app := sl.LogRecords().AppendEmpty() // an application log of the same span: ignored
	app.SetTraceID(traceID)
	app.SetSpanID(spanID)
	app.Body().SetStr("calling the model")
	for _, m := range chatMessages() {
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTraceID(traceID)
		lr.SetSpanID(spanID)
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(10 * time.Millisecond)))
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.Attributes().PutStr("event.name", m.name)
		lr.Attributes().PutStr("gen_ai.system", "openai")
		m.body.CopyTo(lr.Body().SetEmptyMap())
	}
	return ld
}

// responsesSpan is the Responses span; withContent puts the input and output messages on
// it as attributes (the reference).
func responsesSpan(withContent bool) ptrace.Traces {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	ss.Scope().SetName("@opentelemetry/instrumentation-openai")
	sp := ss.Spans().AppendEmpty()
	sp.SetTraceID(traceID)
	sp.SetSpanID(spanID)
	sp.SetName("responses gpt-4o-mini")
	sp.SetKind(ptrace.SpanKindClient)
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Second)))
	a := sp.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o-mini")
	a.PutInt("gen_ai.usage.input_tokens", 30)
	a.PutInt("gen_ai.usage.output_tokens", 9)
	if withContent {
		inputMessages(a.PutEmptySlice("gen_ai.input.messages"))
		outputMessages(a.PutEmptySlice("gen_ai.output.messages"))
	}
	return td
}

func inputMessages(s pcommon.Slice) {
	for _, m := range [][2]string{{"system", "Answer in French."}, {"user", "Say hello"}} {
		msg := s.AppendEmpty().SetEmptyMap()
		msg.PutStr("role", m[0])
		p := msg.PutEmptySlice("parts").AppendEmpty().SetEmptyMap()
		p.PutStr("type", "text")
		p.PutStr("content", m[1])
	}
}

func outputMessages(s pcommon.Slice) {
	msg := s.AppendEmpty().SetEmptyMap()
	msg.PutStr("role", "assistant")
	p := msg.PutEmptySlice("parts").AppendEmpty().SetEmptyMap()
	p.PutStr("type", "text")
	p.PutStr("content", "Bonjour")
	msg.PutStr("finish_reason", "stop")
}

// responsesLogs are the two details records (EventName field), each repeating the usage as
// OpenLIT does (the join must not count it twice).
func responsesLogs() plog.Logs {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	for i, fill := range []func(pcommon.Map){
		func(a pcommon.Map) { inputMessages(a.PutEmptySlice("gen_ai.input.messages")) },
		func(a pcommon.Map) { outputMessages(a.PutEmptySlice("gen_ai.output.messages")) },
	} {
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTraceID(traceID)
		lr.SetSpanID(spanID)
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Second)))
		lr.SetEventName("gen_ai.client.inference.operation.details")
		lr.Attributes().PutStr("gen_ai.provider.name", "openai")
		lr.Attributes().PutInt("gen_ai.usage.input_tokens", 30)
		lr.Attributes().PutInt("gen_ai.usage.output_tokens", 9)
		fill(lr.Attributes())
	}
	return ld
}

// accept reports every event as accepted.
func accept(m *tracestate.State, evs []platform.TraceEvent) {
	m.Delivered(evs, platform.SendResult{Accepted: len(evs)})
}

func bySpan(evs []platform.TraceEvent, id string) *platform.TraceEvent {
	for i := range evs {
		if evs[i].SpanID == id {
			return &evs[i]
		}
	}
	return nil
}

// sameContent fails unless got carries want's input, output, usage and model.
func sameContent(t *testing.T, got, want *platform.TraceEvent) {
	t.Helper()
	if got == nil {
		t.Fatal("no event for the span")
	}
	if string(got.Input) != string(want.Input) || string(got.Output) != string(want.Output) {
		t.Errorf("content differs from the span carrying it:\n input %s\n  want %s\noutput %s\n  want %s", got.Input, want.Input, got.Output, want.Output)
	}
	gu, wu := mustJSON(t, got.Usage), mustJSON(t, want.Usage)
	if gu != wu || got.Model != want.Model || got.Type != want.Type {
		t.Errorf("usage %s model %q type %s, want %s %q %s", gu, got.Model, got.Type, wu, want.Model, want.Type)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLogJoin(t *testing.T) {
	cases := []struct {
		name       string
		bare, full func() ptrace.Traces
		logs       func() plog.Logs
		records    int // gen_ai records in logs
	}{
		{"per-message events", func() ptrace.Traces { return chatSpan(false) }, func() ptrace.Traces { return chatSpan(true) }, chatLogs, 5},
		{"operation details", func() ptrace.Traces { return responsesSpan(false) }, func() ptrace.Traces { return responsesSpan(true) }, responsesLogs, 2},
	}
	id := mapping.SpanUUID(traceID, spanID)
	for _, tc := range cases {
		want := bySpan(mapping.NewMapper(mapping.MapOptions{}).Map(pdataview.Spans(tc.full())), id)
		if len(want.Input) == 0 || len(want.Output) == 0 {
			t.Fatalf("%s: the reference has no content: %s / %s", tc.name, want.Input, want.Output)
		}
		t.Run(tc.name+"/records first", func(t *testing.T) {
			m := tracestate.New(tracestate.Options{})
			res := m.MapLogs(pdataview.Logs(tc.logs()))
			if len(res.Events) != 0 {
				t.Fatalf("records before their span gave %d events", len(res.Events))
			}
			held := 0
			for _, f := range res.Fates {
				if f == tracestate.LogHeld {
					held++
				}
			}
			if held != tc.records || m.LogStats().Held != int64(tc.records) {
				t.Fatalf("%d held (stats %+v), want %d", held, m.LogStats(), tc.records)
			}
			evs := m.Map(pdataview.Spans(tc.bare()))
			sameContent(t, bySpan(evs, id), want)
			accept(m, evs)
			st := m.LogStats()
			if st.Held != 0 || st.Joined != int64(tc.records) {
				t.Errorf("after acceptance: %+v, want %d joined, none held", st, tc.records)
			}
			// The retried log request finds its records done.
			again := m.MapLogs(pdataview.Logs(tc.logs()))
			for i, f := range again.Fates {
				if f != tracestate.LogDone && f != tracestate.LogIgnored {
					t.Errorf("record %d passed again: fate %d, want done", i, f)
				}
			}
			if len(again.Events) != 0 || len(m.FlushLogs()) != 0 {
				t.Error("a joined record was shipped again")
			}
		})
		t.Run(tc.name+"/span first", func(t *testing.T) {
			m := tracestate.New(tracestate.Options{})
			m.ExpectLogs() // the logs pipeline exists
			evs := m.Map(pdataview.Spans(tc.bare()))
			if ev := bySpan(evs, id); ev == nil || string(ev.Input) == string(want.Input) {
				t.Fatal("the bare span already has the content")
			}
			accept(m, evs)
			res := m.MapLogs(pdataview.Logs(tc.logs()))
			resent := bySpan(res.Events, id)
			sameContent(t, resent, want)
			if len(res.Events) != 1 || len(res.EventRecords[0]) != tc.records {
				t.Fatalf("%d events carrying %v, want the span's event carrying %d records", len(res.Events), res.EventRecords, tc.records)
			}
			accept(m, res.Events)
			if st := m.LogStats(); st.Late != int64(tc.records) || st.Held != 0 {
				t.Errorf("stats %+v, want %d late", st, tc.records)
			}
		})
	}
}

func TestLogJoinSpanNeverComes(t *testing.T) {
	m := tracestate.New(tracestate.Options{LogHold: time.Nanosecond})
	recs := pdataview.Logs(responsesLogs())
	if res := m.MapLogs(recs); len(res.Events) != 0 {
		t.Fatal("shipped before the hold")
	}
	// The collector passes the records again (its retry): past the hold, each is shipped
	// on its own, a child of the span it names, with its content and no usage.
	res := m.MapLogs(recs)
	if len(res.Events) != 2 {
		t.Fatalf("%d events, want one per record", len(res.Events))
	}
	parent := mapping.SpanUUID(traceID, spanID)
	for k, ev := range res.Events {
		if ev.ParentSpanID != parent || ev.SpanID == parent || ev.Type != platform.TypeCustom || ev.Usage != nil {
			t.Errorf("event %d: parent %s span %s type %s usage %v; want a custom child of %s without usage", k, ev.ParentSpanID, ev.SpanID, ev.Type, ev.Usage, parent)
		}
		if ev.Metadata.Get("kind") != "gen_ai.client.inference.operation.details" {
			t.Errorf("metadata.kind %v", ev.Metadata.Get("kind"))
		}
		if err := ev.Validate(); err != nil {
			t.Error(err)
		}
	}
	if len(res.Events[0].Input) == 0 || len(res.Events[1].Output) == 0 {
		t.Errorf("content lost: input %s output %s", res.Events[0].Input, res.Events[1].Output)
	}
	// Deterministic IDs: the same records mapped alone by another Mapper get the same spanIds.
	other := tracestate.New(tracestate.Options{})
	other.MapLogs(recs)
	flushed := other.FlushLogs()
	if len(flushed) != 2 || bySpan(flushed, res.Events[0].SpanID) == nil || bySpan(flushed, res.Events[1].SpanID) == nil {
		t.Errorf("FlushLogs gave other spanIds: %d events", len(flushed))
	}
	accept(m, res.Events)
	if st := m.LogStats(); st.Alone != 2 || st.Held != 0 {
		t.Errorf("stats %+v, want 2 alone", st)
	}
}

func TestLogJoinIgnoresAppLogs(t *testing.T) {
	m := tracestate.New(tracestate.Options{})
	res := m.MapLogs(pdataview.Logs(chatLogs()))
	if res.Fates[0] != tracestate.LogIgnored || m.LogStats().Ignored != 1 {
		t.Errorf("the application log: fate %d, stats %+v", res.Fates[0], m.LogStats())
	}
}
