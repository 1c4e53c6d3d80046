package mapping

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	sc "github.com/llmtrace/llmtrace/semconv"
)

// Evaluation results (issue 18): each gen_ai.evaluation.result event of a span (semconv
// gen-ai-events.md v1.41: attributes gen_ai.evaluation.name, gen_ai.evaluation.score.value,
// gen_ai.evaluation.score.label, gen_ai.evaluation.explanation; parented to the span of the
// operation evaluated) is feedback on that span's event — what seed 001 calls the feedback a
// trace records — and lands in its metadata, in event order:
//
//	metadata.evaluations = [{"name": …, "score": 0.9, "label": "pass", "explanation": …,
//	  "time": "<RFC 3339>", "attributes": {…the event's other attributes…}}]
//
// A member is absent when the event lacks it; a score that is not a finite number is kept
// as its text in attributes. The events are consumed (not repeated in otel.events). An
// evaluation that travels as a log record reaches the span as such an event (the log join).

// maxEvaluations bounds metadata.evaluations (as maxMetaEvents bounds otel.events);
// further results are counted in metadata.evaluations_dropped.
const maxEvaluations = maxMetaEvents

// evaluations puts the span's evaluation results into md.
func (c *spanCtx) evaluations(md *metadata) {
	var list []any
	size, dropped := 0, 0
	for i := range c.events {
		ev := &c.events[i]
		if ev.name != sc.EventEvaluationResult {
			continue
		}
		c.usedEvents[i] = true
		if len(list) == maxEvaluations {
			dropped++
			continue
		}
		e, n := evaluationEntry(ev)
		list = append(list, e)
		size += n
	}
	if len(list) > 0 {
		md.put("evaluations", list, size)
	}
	if dropped > 0 {
		md.set("evaluations_dropped", dropped)
	}
}

// evaluationEntry returns one result as a metadata value and its approximate size, bytes.
func evaluationEntry(ev *spanEvent) (map[string]any, int) {
	e := map[string]any{}
	size := 2
	var other map[string]any
	if !ev.t.IsZero() {
		e["time"] = ev.t.UTC().Format(time.RFC3339Nano)
		size += 40
	}
	if ev.attrs == nil {
		return e, size
	}
	ev.attrs.Range(func(k string, v Value) bool {
		var field string
		switch k {
		case sc.GenAIEvaluationName:
			field = "name"
		case sc.GenAIEvaluationScoreLabel:
			field = "label"
		case sc.GenAIEvaluationExplanation:
			field = "explanation"
		case sc.GenAIEvaluationScoreValue:
			if f, ok := scoreValue(v); ok {
				e["score"] = f
				size += 32
				return true
			}
		}
		if field != "" && v.Kind() == ValueStr {
			s := truncateUTF8(v.Str(), maxMetaValueBytes)
			e[field] = s
			size += len(field) + len(s) + 6
			return true
		}
		if other == nil {
			other = map[string]any{}
		}
		val, n := metadataValue(v)
		other[k] = val
		size += len(k) + n + 4
		return true
	})
	if other != nil {
		e["attributes"] = other
	}
	return e, size
}

// scoreValue reads gen_ai.evaluation.score.value (a double; ints and decimal strings
// accepted), finite.
func scoreValue(v Value) (float64, bool) {
	var f float64
	switch v.Kind() {
	case ValueDouble:
		f = v.Double()
	case ValueInt:
		f = float64(v.Int())
	case ValueStr:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v.Str()), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// metadataValue returns an attribute value as metadata holds it: scalars as themselves
// (strings cut at maxMetaValueBytes), structured values as JSON; and its size, bytes.
func metadataValue(v Value) (any, int) {
	switch v.Kind() {
	case ValueStr:
		s := truncateUTF8(v.Str(), maxMetaValueBytes)
		return s, len(s) + 2
	case ValueBool:
		return v.Bool(), 5
	case ValueInt:
		return v.Int(), 20
	case ValueDouble:
		if f := v.Double(); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f, 24
		}
		return valueString(v), 12
	}
	raw := appendValue(nil, v, 0)
	if len(raw) > maxMetaValueBytes {
		return truncMarker(len(raw)), 40
	}
	return json.RawMessage(raw), len(raw)
}
