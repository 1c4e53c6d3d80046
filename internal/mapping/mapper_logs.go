package mapping

import (
	"encoding/json"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
)

// What the log join (internal/tracestate/logjoin.go) asks of the mapping: which records
// count, their keys and sizes, a span with its held records joined (map_logs.go
// newJoinedSpan), and the events of records that come after their span's event was accepted
// (MapLateRecords) or without their span (MapRecord). The join's state — records held,
// accepted events remembered, records done — is the caller's.

// IsGenAIRecord reports whether the log join takes r: a gen_ai event (not an application
// log, logview.go kindOf) that names its trace and span.
func IsGenAIRecord(r *LogRecord) bool {
	return kindOf(r.EventName) != logIgnored && r.TraceID != [16]byte{} && r.SpanID != [8]byte{}
}

// RecordKey identifies a record by its content (logview.go recordKey): the same record
// passed again (a retried log request) has the same key.
func RecordKey(r *LogRecord) [16]byte { return recordKey(r) }

// RecordBytes estimates what holding a copy of r costs, bytes.
func RecordBytes(r *LogRecord) int { return approxRecordBytes(r) }

// JoinRecords returns sv with the content of recs (records of that span) joined: what Map
// makes of it is the span's event carrying them (map_logs.go).
func JoinRecords(sv SpanView, recs []*LogRecord) SpanView { return newJoinedSpan(sv, recs) }

// MapLateRecords maps records that came after their span's event stored was accepted:
// Batch.Events is that event again with the records' content merged (mergeLate), or empty
// when the records make no event. key is the first record's (RecordKey).
func (m *Mapper) MapLateRecords(stored *platform.TraceEvent, recs []*LogRecord, key [16]byte, mem TraceMemory) Batch {
	r := m.MapBatch([]SpanView{newRecordsSpan(recs, key)}, mem)
	if len(r.Events) == 0 {
		return r
	}
	r.Events = []platform.TraceEvent{mergeLate(stored, &r.Events[0])}
	return r
}

// MapRecord maps one record on its own: Batch.Events is a child event of its span (spanId
// SpanUUID(trace, logAloneSpanID(key)), deterministic from the record), type custom,
// metadata.kind = the event name and otel.log_record = true, no usage; or empty when the
// record makes no event.
func (m *Mapper) MapRecord(rec *LogRecord, key [16]byte, mem TraceMemory) Batch {
	r := m.MapBatch([]SpanView{newRecordsSpan([]*LogRecord{rec}, key)}, mem)
	if len(r.Events) == 0 {
		return r
	}
	r.Events = r.Events[:1]
	ev := &r.Events[0]
	ev.Type, ev.Usage = platform.TypeCustom, nil
	md := ev.Metadata.Clone()
	// Not the mapping's own: the pseudo span's ID and kind (the record names its span in
	// otel.parent_span_id), nor usage or pricing (the span's event has them).
	for _, k := range []string{"otel.span_id", "otel.span_kind", "provider_inferred", "cost_source", "usage_rollup", "usage_reported"} {
		md.Delete(k)
	}
	md.Set("kind", rec.EventName)
	md.Set("otel.log_record", true)
	ev.Metadata = md
	return r
}

// mergeLate returns a copy of the accepted event stored with the content of pseudo, the
// late records mapped alone: its Input when stored has none, its Output when stored has
// none or only a finish reason, and the metadata keys stored lacks (not the mapping's own
// otel.* / kind keys). Usage, model and provider stay the span's.
func mergeLate(stored, pseudo *platform.TraceEvent) platform.TraceEvent {
	cp := *stored
	if len(cp.Input) == 0 && len(pseudo.Input) > 0 {
		cp.Input = pseudo.Input
	} else if len(pseudo.Input) > 0 {
		cp.Input = mergeLateInput(cp.Input, pseudo.Input)
	}
	if len(pseudo.Output) > 0 && (len(cp.Output) == 0 || onlyFinishReason(cp.Output)) {
		cp.Output = pseudo.Output
	}
	var md platform.Metadata
	for _, e := range pseudo.Metadata {
		k := e.Key
		if strings.HasPrefix(k, "otel.") || k == "kind" || k == "provider_inferred" || k == "conversation_id" {
			continue
		}
		if _, ok := cp.Metadata.Lookup(k); ok {
			continue
		}
		if md == nil {
			md = cp.Metadata.Clone()
		}
		md.Set(k, e.Value)
	}
	if md != nil {
		cp.Metadata = md
	}
	return cp
}

// mergeLateInput merges the input of late records into a stored input that has no messages
// (only the span's own system instructions or tools: {"messages":[],"system":…}) as the
// join would have written it had the records come first (map_io.go buildInput): the
// records' messages, then the system instructions unless a system message already holds
// them (systemRepeated), then the tools; the records' system / tools before the span's.
// A stored input with messages, or one that is no such object, is kept.
func mergeLateInput(stored, late json.RawMessage) json.RawMessage {
	var s, l map[string]json.RawMessage
	if json.Unmarshal(stored, &s) != nil || json.Unmarshal(late, &l) != nil {
		return stored
	}
	var sm []json.RawMessage
	if json.Unmarshal(s["messages"], &sm) != nil || len(sm) > 0 || len(l["messages"]) == 0 {
		return stored
	}
	for k := range s {
		if k != "messages" && k != "system" && k != "tools" {
			return stored
		}
	}
	out := append([]byte(`{"messages":`), l["messages"]...)
	sys := l["system"]
	if sys == nil {
		sys = s["system"]
		var text string
		if json.Unmarshal(sys, &text) == nil && lateSystemRepeated(l["messages"], text) {
			sys = nil
		}
	}
	if sys != nil {
		out = append(append(out, `,"system":`...), sys...)
	}
	tools := l["tools"]
	if tools == nil {
		tools = s["tools"]
	}
	if tools != nil {
		out = append(append(out, `,"tools":`...), tools...)
	}
	return append(out, '}')
}

// lateSystemRepeated is systemRepeated on encoded messages ({role, content} as
// appendMessage writes them).
func lateSystemRepeated(msgs json.RawMessage, text string) bool {
	var ms []struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	}
	if json.Unmarshal(msgs, &ms) != nil {
		return false
	}
	for _, m := range ms {
		if c, ok := m.Content.(string); ok && m.Role == "system" && c == text {
			return true
		}
	}
	return false
}

// onlyFinishReason reports an output that is {"finish_reason": …} alone (a span whose
// answer travelled in log records).
func onlyFinishReason(out json.RawMessage) bool {
	var o map[string]json.RawMessage
	if json.Unmarshal(out, &o) != nil {
		return false
	}
	_, ok := o["finish_reason"]
	return ok && len(o) == 1
}
