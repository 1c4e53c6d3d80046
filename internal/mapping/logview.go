package mapping

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"strings"
	"time"

	sc "github.com/llmtrace/llmtrace/semconv"
)

// LogRecord is one OpenTelemetry log record as the log join reads it (OTLP LogRecord with
// its resource and scope; the SDK's sdklog.Record). The official GenAI instrumentations
// emit prompts, answers, tool calls and evaluation results as such records, correlated to
// the span of the call by TraceID / SpanID (semconv v1.28–v1.36 per-message events and
// v1.37+ gen_ai.client.inference.operation.details, docs: /work/shared/reference/
// genai-attributes.md §1.8; emitters: @opentelemetry/instrumentation-openai
// build/src/instrumentation.js, opentelemetry-instrumentation-openai-v2).
//
// Values may be views on the caller's data (pdata, SDK record); the Mapper copies a record
// it keeps (CloneLogRecord).
type LogRecord struct {
	TraceID [16]byte
	SpanID  [8]byte
	// Time is the record's Timestamp, else its ObservedTimestamp.
	Time time.Time
	// EventName is the record's EventName field (OTLP 1.5+), else its `event.name`
	// attribute (set it with LogEventName).
	EventName  string
	Body       Value
	Attributes Map
	Resource   Map
	ScopeName  string
	ScopeVer   string
}

// LogEventName returns the event name of a record: eventName (the EventName field) when
// set, else the string value of its `event.name` attribute (attrs may be nil).
func LogEventName(eventName string, attrs Map) string {
	if eventName != "" {
		return eventName
	}
	return mapStr(attrs, sc.EventNameKey)
}

// Event names of records the join reads (semconv; genai-attributes.md §1.8).
const (
	// logEventEvaluationResult is the gen_ai.evaluation.result event (an evaluation's name,
	// score value / label and explanation, about the span it names).
	logEventEvaluationResult = "gen_ai.evaluation.result"
	genAIPrefix              = "gen_ai."
)

// logKind is what a record contributes to its span.
type logKind uint8

const (
	logIgnored logKind = iota // not a gen_ai event: an application log
	// logMessage: a deprecated per-message event (gen_ai.{system,user,assistant,tool}.message,
	// gen_ai.choice): a span event of that name whose attributes are the body's fields.
	logMessage
	// logDetails: gen_ai.client.inference.operation.details: its gen_ai.* attributes overlay
	// the span's.
	logDetails
	// logSpanEvent: gen_ai.evaluation.result and any other gen_ai.* event: a span event of
	// that name with the record's attributes (and a kvlist body's fields).
	logSpanEvent
)

// kindOf classifies a record by its event name.
func kindOf(name string) logKind {
	switch {
	case name == sc.EventChoice:
		return logMessage
	case name == sc.EventInferenceDetails:
		return logDetails
	case !strings.HasPrefix(name, genAIPrefix):
		return logIgnored
	}
	if _, ok := messageEvents[name]; ok {
		return logMessage
	}
	return logSpanEvent
}

// logKV and logAttrs are an owned attribute list (a Map).
type logKV struct {
	k string
	v Value
}

type logAttrs []logKV

func (m logAttrs) Len() int { return len(m) }
func (m logAttrs) Range(fn func(string, Value) bool) {
	for _, e := range m {
		if !fn(e.k, e.v) {
			return
		}
	}
}

// logList is an owned array value (a List).
type logList []Value

func (l logList) Len() int       { return len(l) }
func (l logList) At(i int) Value { return l[i] }

// cloneValue returns a deep copy of v that shares nothing mutable with the caller (strings
// are immutable and shared; bytes, lists and maps are copied).
func cloneValue(v Value) Value {
	switch v.Kind() {
	case ValueBytes:
		return BytesValue(append([]byte(nil), v.Bytes()...))
	case ValueList:
		l := v.List()
		if l == nil {
			return ListValue(logList{})
		}
		out := make(logList, l.Len())
		for i := range out {
			out[i] = cloneValue(l.At(i))
		}
		return ListValue(out)
	case ValueMap:
		return MapValue(cloneMap(v.Map()))
	}
	return v
}

func cloneMap(m Map) logAttrs {
	if m == nil {
		return nil
	}
	out := make(logAttrs, 0, m.Len())
	m.Range(func(k string, v Value) bool {
		out = append(out, logKV{k, cloneValue(v)})
		return true
	})
	return out
}

// CloneLogRecord returns a copy of r that shares nothing mutable with the caller's data.
func CloneLogRecord(r LogRecord) LogRecord {
	r.Body = cloneValue(r.Body)
	if r.Attributes != nil {
		r.Attributes = cloneMap(r.Attributes)
	}
	if r.Resource != nil {
		r.Resource = cloneMap(r.Resource)
	}
	return r
}

// recordKey identifies a record by what it says: SHA-256 over its trace and span IDs,
// time, event name, body and attributes (in order), first 16 bytes. The same record read
// again (a retried log request, a replayed file) gets the same key, so the event made of
// it alone gets the same spanId (logAloneSpanID).
func recordKey(r *LogRecord) [16]byte {
	h := sha256.New()
	var b [8]byte
	h.Write(r.TraceID[:])
	h.Write(r.SpanID[:])
	t := int64(0)
	if !r.Time.IsZero() {
		t = r.Time.UnixNano()
	}
	binary.BigEndian.PutUint64(b[:], uint64(t))
	h.Write(b[:])
	buf := make([]byte, 0, 256)
	buf = appendKeyString(buf, r.EventName)
	buf = appendKeyValue(buf, r.Body)
	buf = appendKeyMap(buf, r.Attributes)
	h.Write(buf)
	var sum [32]byte
	var out [16]byte
	copy(out[:], h.Sum(sum[:0]))
	return out
}

func appendKeyString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendKeyMap(b []byte, m Map) []byte {
	if m == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(m.Len()))
	m.Range(func(k string, v Value) bool {
		b = appendKeyString(b, k)
		b = appendKeyValue(b, v)
		return true
	})
	return b
}

func appendKeyValue(b []byte, v Value) []byte {
	b = append(b, byte(v.Kind()))
	switch v.Kind() {
	case ValueStr:
		b = appendKeyString(b, v.Str())
	case ValueBool, ValueInt:
		b = binary.BigEndian.AppendUint64(b, uint64(v.Int())+boolBit(v))
	case ValueDouble:
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(v.Double()))
	case ValueBytes:
		b = appendKeyString(b, string(v.Bytes()))
	case ValueList:
		l := v.List()
		n := 0
		if l != nil {
			n = l.Len()
		}
		b = binary.AppendUvarint(b, uint64(n))
		for i := 0; i < n; i++ {
			b = appendKeyValue(b, l.At(i))
		}
	case ValueMap:
		b = appendKeyMap(b, v.Map())
	}
	return b
}

func boolBit(v Value) uint64 {
	if v.Bool() {
		return 1
	}
	return 0
}

// logAloneSpanID is the OTel span ID given to the event made of one record alone (a child
// of the span the record names): the first eight bytes of its key, never all zeros. Its
// platform spanId is SpanUUID(trace, it): deterministic, in the trace's time prefix.
func logAloneSpanID(key [16]byte) [8]byte {
	var id [8]byte
	copy(id[:], key[:8])
	if id == ([8]byte{}) {
		id[7] = 1
	}
	return id
}

// approxRecordBytes estimates what keeping r costs, bytes.
func approxRecordBytes(r *LogRecord) int {
	return 256 + len(r.EventName) + approxValueBytes(r.Body) + approxMapBytes(r.Attributes)
}

func approxMapBytes(m Map) int {
	n := 0
	if m != nil {
		m.Range(func(k string, v Value) bool {
			n += 32 + len(k) + approxValueBytes(v)
			return true
		})
	}
	return n
}

func approxValueBytes(v Value) int {
	switch v.Kind() {
	case ValueStr:
		return 16 + len(v.Str())
	case ValueBytes:
		return 24 + len(v.Bytes())
	case ValueList:
		n := 24
		if l := v.List(); l != nil {
			for i := 0; i < l.Len(); i++ {
				n += approxValueBytes(l.At(i))
			}
		}
		return n
	case ValueMap:
		return 24 + approxMapBytes(v.Map())
	}
	return 16
}
