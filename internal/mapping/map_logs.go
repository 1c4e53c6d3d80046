package mapping

import (
	"strings"
	"time"

	sc "github.com/llmtrace/llmtrace/semconv"
)

// A gen_ai log record is presented to the mapping exactly as if the span it names had
// carried it (issue 18):
//   - a deprecated per-message record (gen_ai.system/user/assistant/tool.message,
//     gen_ai.choice; content in the body, a kvlist {content, role, tool_calls, id} or
//     {index, finish_reason, message}) becomes a span event of that name whose attributes
//     are the body's fields, which genai_deprecated.go's rules read;
//   - a gen_ai.client.inference.operation.details record (content in the attributes
//     gen_ai.input.messages / gen_ai.output.messages / gen_ai.system_instructions as
//     structured values; one record for the input and one for the output of a call) lends
//     its gen_ai.* attributes to the span;
//   - gen_ai.evaluation.result and any other gen_ai.* record becomes a span event of that
//     name with the record's attributes.
// A record lends the span only the gen_ai.* attributes the span lacks (and an earlier
// record did not lend), so usage repeated on records (OpenLIT's gen_ai.usage.*) is never
// counted twice and the input and output records of one call merge.

// recordEvent is the span event a record becomes (ok false for a details record, which
// lends attributes only).
func recordEvent(r *LogRecord) (ev spanEvent, ok bool) {
	switch kindOf(r.EventName) {
	case logMessage:
		return spanEvent{name: r.EventName, t: r.Time, attrs: bodyFields(r.Body, nil)}, true
	case logSpanEvent:
		var attrs logAttrs
		if r.Attributes != nil {
			r.Attributes.Range(func(k string, v Value) bool {
				if k != sc.EventNameKey {
					attrs = append(attrs, logKV{k, v})
				}
				return true
			})
		}
		return spanEvent{name: r.EventName, t: r.Time, attrs: bodyFields(r.Body, attrs)}, true
	}
	return spanEvent{}, false
}

// bodyFields appends the fields of a kvlist body to dst; a string body is its `content`
// (a record whose body is the message text).
func bodyFields(body Value, dst logAttrs) Map {
	switch body.Kind() {
	case ValueMap:
		if m := body.Map(); m != nil {
			if dst == nil {
				return m
			}
			m.Range(func(k string, v Value) bool {
				dst = append(dst, logKV{k, v})
				return true
			})
		}
	case ValueStr:
		dst = append(dst, logKV{"content", body})
	}
	if dst == nil {
		return logAttrs{}
	}
	return dst
}

// lendsAttributes reports whether a record lends its gen_ai.* attributes to its span.
func lendsAttributes(r *LogRecord) bool {
	k := kindOf(r.EventName)
	return k == logMessage || k == logDetails
}

// lentAttributes returns the gen_ai.* attributes of recs that have lends (in record
// order) whose keys are not in have (the span's own, when not nil) and not lent by an
// earlier record. content restricts them to the content keys (a record mapped alone never
// brings usage, model or provider: its event is not a model call).
func lentAttributes(recs []*LogRecord, have Map, content bool) logAttrs {
	var seen map[string]struct{}
	var out logAttrs
	for _, r := range recs {
		if r.Attributes == nil || !lendsAttributes(r) {
			continue
		}
		r.Attributes.Range(func(k string, v Value) bool {
			if !strings.HasPrefix(k, genAIPrefix) || (content && !isLogContentKey(k)) {
				return true
			}
			if seen == nil {
				seen = map[string]struct{}{}
				if have != nil {
					have.Range(func(k string, _ Value) bool {
						seen[k] = struct{}{}
						return true
					})
				}
			}
			if _, dup := seen[k]; dup {
				return true
			}
			seen[k] = struct{}{}
			out = append(out, logKV{k, v})
			return true
		})
	}
	return out
}

// isLogContentKey: the content attributes of a details record (semconv v1.37+).
func isLogContentKey(k string) bool {
	switch k {
	case sc.GenAIInputMessages, sc.GenAIOutputMessages, sc.GenAISystemInstructions, sc.GenAIToolDefinitions:
		return true
	}
	return false
}

// joinedSpan is a span with the records that name it: Attributes are the span's then the
// records' lent ones, Events the span's then the records'.
type joinedSpan struct {
	SpanView
	attrs  joinedAttrs
	events []spanEvent
}

type joinedAttrs struct {
	span Map
	lent logAttrs
}

func (a *joinedAttrs) Len() int {
	n := len(a.lent)
	if a.span != nil {
		n += a.span.Len()
	}
	return n
}

func (a *joinedAttrs) Range(fn func(string, Value) bool) {
	stopped := false
	if a.span != nil {
		a.span.Range(func(k string, v Value) bool {
			if !fn(k, v) {
				stopped = true
				return false
			}
			return true
		})
	}
	if !stopped {
		a.lent.Range(fn)
	}
}

func newJoinedSpan(sv SpanView, recs []*LogRecord) *joinedSpan {
	j := &joinedSpan{SpanView: sv}
	j.attrs.span = sv.Attributes()
	j.attrs.lent = lentAttributes(recs, j.attrs.span, false)
	for _, r := range recs {
		if ev, ok := recordEvent(r); ok {
			j.events = append(j.events, ev)
		}
	}
	return j
}

func (j *joinedSpan) Attributes() Map { return &j.attrs }

func (j *joinedSpan) Events(fn func(name string, t time.Time, attrs Map) bool) {
	stopped := false
	j.SpanView.Events(func(name string, t time.Time, attrs Map) bool {
		if !fn(name, t, attrs) {
			stopped = true
			return false
		}
		return true
	})
	for i := 0; i < len(j.events) && !stopped; i++ {
		stopped = !fn(j.events[i].name, j.events[i].t, j.events[i].attrs)
	}
}

// recordsSpan is records mapped without their span: a content-only span, child of the span
// they name, whose span ID is logAloneSpanID of the first record's key. It carries the
// records' content attributes and events only (no usage, model or provider).
type recordsSpan struct {
	recs  []*LogRecord
	id    [8]byte
	attrs logAttrs
	evs   []spanEvent
	start time.Time
	end   time.Time
}

func newRecordsSpan(recs []*LogRecord, key [16]byte) *recordsSpan {
	s := &recordsSpan{recs: recs, id: logAloneSpanID(key), attrs: lentAttributes(recs, nil, true)}
	for _, r := range recs {
		if ev, ok := recordEvent(r); ok {
			s.evs = append(s.evs, ev)
		}
		if t := r.Time; !t.IsZero() {
			if s.start.IsZero() || t.Before(s.start) {
				s.start = t
			}
			if t.After(s.end) {
				s.end = t
			}
		}
	}
	return s
}

func (s *recordsSpan) TraceID() [16]byte       { return s.recs[0].TraceID }
func (s *recordsSpan) SpanID() [8]byte         { return s.id }
func (s *recordsSpan) ParentSpanID() [8]byte   { return s.recs[0].SpanID }
func (s *recordsSpan) Name() string            { return s.recs[0].EventName }
func (s *recordsSpan) Kind() SpanKind          { return SpanKindInternal }
func (s *recordsSpan) StartTime() time.Time    { return s.start }
func (s *recordsSpan) EndTime() time.Time      { return s.end }
func (s *recordsSpan) StatusCode() StatusCode  { return StatusCodeUnset }
func (s *recordsSpan) StatusMessage() string   { return "" }
func (s *recordsSpan) Attributes() Map         { return s.attrs }
func (s *recordsSpan) Resource() Map           { return orEmpty(s.recs[0].Resource) }
func (s *recordsSpan) Scope() (string, string) { return s.recs[0].ScopeName, s.recs[0].ScopeVer }
func (s *recordsSpan) Events(fn func(string, time.Time, Map) bool) {
	for i := range s.evs {
		if !fn(s.evs[i].name, s.evs[i].t, s.evs[i].attrs) {
			return
		}
	}
}

func orEmpty(m Map) Map {
	if m == nil {
		return logAttrs{}
	}
	return m
}
