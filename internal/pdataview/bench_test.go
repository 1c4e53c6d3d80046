package pdataview

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// chatTraces is one typical chat span (official gen_ai keys, ~2 KB of messages as JSON
// strings, usage, resource and scope) as the collector receives it.
func chatTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "support-agent")
	rs.Resource().Attributes().PutStr("deployment.environment.name", "prod")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("@opentelemetry/instrumentation-openai")
	ss.Scope().SetVersion("0.21.0")
	sp := ss.Spans().AppendEmpty()
	sp.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	sp.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	sp.SetParentSpanID(pcommon.SpanID{8, 7, 6, 5, 4, 3, 2, 1})
	sp.SetName("chat gpt-4o-mini")
	sp.SetKind(ptrace.SpanKindClient)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(850 * time.Millisecond)))
	a := sp.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o-mini")
	a.PutDouble("gen_ai.request.temperature", 0.2)
	a.PutInt("gen_ai.request.max_tokens", 512)
	a.PutStr("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
	a.PutStr("gen_ai.response.id", "chatcmpl-123")
	a.PutEmptySlice("gen_ai.response.finish_reasons").AppendEmpty().SetStr("stop")
	a.PutInt("gen_ai.usage.input_tokens", 420)
	a.PutInt("gen_ai.usage.output_tokens", 170)
	a.PutInt("gen_ai.usage.cache_read.input_tokens", 128)
	a.PutStr("gen_ai.conversation.id", "conv-42")
	a.PutStr("server.address", "api.openai.com")
	a.PutInt("server.port", 443)
	para := strings.Repeat("The customer asks about their order status and delivery window. ", 7)
	a.PutStr("gen_ai.system_instructions", `[{"type":"text","content":"You are a helpful support agent."}]`)
	a.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"`+para+`"}]},`+
		`{"role":"assistant","parts":[{"type":"text","content":"`+para+`"}]},`+
		`{"role":"user","parts":[{"type":"text","content":"`+para+`"}]}]`)
	a.PutStr("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"`+para+`"}],"finish_reason":"stop"}]`)
	return td
}

// BenchmarkMapChatSpan maps a typical chat span as the shippers do (internal/tracestate:
// against the trace memory, the re-send and log join checked), validates it and
// JSON-encodes the event as the Client does (TraceEvent.Validate, TraceEvent.AppendJSON
// into a reused buffer): what llmtrace pays per span; compare with
// BenchmarkProtoMarshalChatSpan in the same run. (Before 06c716b the Mapper held that
// state itself and m was a mapping.Mapper: the same work.)
func BenchmarkMapChatSpan(b *testing.B) { benchMapSpan(b, chatTraces()) }

// benchMapSpan is the loop of BenchmarkMapChatSpan and its variants on td's one span.
func benchMapSpan(b *testing.B, td ptrace.Traces) {
	m := tracestate.New(tracestate.Options{})
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		evs := m.Map(Spans(td))
		if err := evs[0].Validate(); err != nil { // as Client.Send does, once per event
			b.Fatal(err)
		}
		var err error
		if buf, err = evs[0].AppendJSON(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf)), "event-bytes")
}

// chatTracesNoContent is chatTraces without the span's messages and system instructions.
func chatTracesNoContent() ptrace.Traces {
	td := chatTraces()
	a := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	for _, k := range []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"} {
		a.Remove(k)
	}
	return td
}

// BenchmarkMapChatSpanNoContent is BenchmarkMapChatSpan on the same span without its
// messages and system instructions: what a span costs outside the message path (IDs,
// usage, metadata, the event's encoding).
func BenchmarkMapChatSpanNoContent(b *testing.B) { benchMapSpan(b, chatTracesNoContent()) }

// BenchmarkMapChatSpanManyAttributes is BenchmarkMapChatSpanNoContent with 30 more
// attributes no rule names (an application's own, app.attr_0 … app.attr_29, strings): what
// each attribute the mapping keeps as metadata costs, from indexing it to writing it.
func BenchmarkMapChatSpanManyAttributes(b *testing.B) {
	td := chatTracesNoContent()
	a := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	for i := range 30 {
		a.PutStr("app.attr_"+strconv.Itoa(i), "value "+strconv.Itoa(i))
	}
	benchMapSpan(b, td)
}

// BenchmarkMapChatSpanMarshal is BenchmarkMapChatSpan with json.Marshal of the request
// body instead (a fresh, HTML-escaped buffer per call).
func BenchmarkMapChatSpanMarshal(b *testing.B) {
	td := chatTraces()
	m := tracestate.New(tracestate.Options{})
	b.ReportAllocs()
	for b.Loop() {
		evs := m.Map(Spans(td))
		if _, err := json.Marshal(platform.Batch{Traces: evs}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProtoMarshalChatSpan encodes the same span as the standard OTLP exporter does.
func BenchmarkProtoMarshalChatSpan(b *testing.B) {
	td := chatTraces()
	var mar ptrace.ProtoMarshaler
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mar.MarshalTraces(td); err != nil {
			b.Fatal(err)
		}
	}
}

func TestChatSpanMaps(t *testing.T) {
	evs := mapping.NewMapper(mapping.MapOptions{}).Map(Spans(chatTraces()))
	if len(evs) != 1 {
		t.Fatal(len(evs))
	}
	e := evs[0]
	if e.Type != platform.TypeLLM || e.Usage.PromptTokens != 420 || e.Model != "gpt-4o-mini-2024-07-18" ||
		len(e.Input) < 1400 || !strings.HasPrefix(string(e.Output), `{"response":"The customer`) {
		t.Errorf("usage %+v type %s model %s input %d output %.40s", e.Usage, e.Type, e.Model, len(e.Input), e.Output)
	}
}
