package collectorexporter

import (
	"encoding/binary"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// genAITraces builds n traces of typical gen_ai spans (OTel gen_ai semconv 1.37+): one
// invoke_agent root and perTrace-1 chat children with ~1 KB of messages, usage, models and
// provider, as an instrumented app exports them. IDs are deterministic from seed.
func genAITraces(seed, n, perTrace int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "support-bot")
	rs.Resource().Attributes().PutStr("deployment.environment.name", "test")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("@opentelemetry/instrumentation-openai")
	ss.Scope().SetVersion("0.21.0")
	base := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	content := strings.Repeat("The weather in Paris is mild today. ", 25)
	for t := 0; t < n; t++ {
		var tid pcommon.TraceID
		binary.BigEndian.PutUint64(tid[0:8], uint64(seed)<<32|uint64(t)+1)
		binary.BigEndian.PutUint64(tid[8:16], 0x9e3779b97f4a7c15^uint64(t))
		start := base.Add(time.Duration(t) * time.Second)
		var root pcommon.SpanID
		for s := 0; s < perTrace; s++ {
			sp := ss.Spans().AppendEmpty()
			var sid pcommon.SpanID
			binary.BigEndian.PutUint64(sid[:], uint64(seed)<<40|uint64(t)<<16|uint64(s)+1)
			sp.SetTraceID(tid)
			sp.SetSpanID(sid)
			sp.SetStartTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(s) * time.Millisecond)))
			sp.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(s)*time.Millisecond + 800*time.Millisecond)))
			a := sp.Attributes()
			if s == 0 {
				root = sid
				sp.SetName("invoke_agent weather")
				sp.SetKind(ptrace.SpanKindInternal)
				putStrs(a, "gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", "weather",
					"gen_ai.conversation.id", "conv-42", "user.id", "user-7")
				continue
			}
			sp.SetParentSpanID(root)
			sp.SetName("chat gpt-4o-mini")
			sp.SetKind(ptrace.SpanKindClient)
			putStrs(a, "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
				"gen_ai.request.model", "gpt-4o-mini", "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
				"gen_ai.response.id", "chatcmpl-123")
			a.PutDouble("gen_ai.request.temperature", 0.2)
			a.PutInt("gen_ai.usage.input_tokens", 42)
			a.PutInt("gen_ai.usage.output_tokens", 17)
			a.PutStr("server.address", "api.openai.com")
			a.PutStr("gen_ai.input.messages", `[{"role":"system","parts":[{"type":"text","content":"You answer weather questions."}]},{"role":"user","parts":[{"type":"text","content":"`+content+`"}]}]`)
			a.PutStr("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"It is 18 degrees and sunny in Paris."}],"finish_reason":"stop"}]`)
		}
	}
	return td
}

// putStrs puts string attributes given as key, value, key, value, …
func putStrs(m pcommon.Map, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		m.PutStr(kv[i], kv[i+1])
	}
}

// withException adds an OTel `exception` event and an ERROR status to the span at i.
func withException(td ptrace.Traces, i int) ptrace.Span {
	sp := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(i)
	sp.Status().SetCode(ptrace.StatusCodeError)
	sp.Status().SetMessage("upstream 500")
	ev := sp.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(sp.EndTimestamp())
	ev.Attributes().PutStr("exception.type", "APIError")
	ev.Attributes().PutStr("exception.message", "500 Internal Server Error")
	return sp
}
