package platform

// The event encoder is written by hand: TraceEvent's fields in order, each value by the
// functions of event_json_values.go, strings by internal/jsonesc. BenchmarkEncodeEvent
// (event_json_bench_test.go) measures it in one run against the libraries on the event of
// internal/pdataview's BenchmarkMapChatSpan (3.2 KB; medians of 7 rounds, 2 CPUs, load ≈ 2.5):
// AppendJSON 1.9 µs and no allocation; a go-json-experiment jsontext.Encoder driven field by
// field 3.1× that, go-json-experiment's json.MarshalWrite with v1 options 5.7× (Marshal
// 10×), encoding/json's Encoder 7.5× (Marshal 8.3×), with 1 to 45 allocations. The
// libraries write the same bytes but for invalid UTF-8, which every go-json-experiment path
// writes as a raw U+FFFD where encoding/json writes \ufffd (TestBenchEncodersAgree).
// The raw JSON inside (Input, Output) is checked and compacted by internal/jsoncompact
// (appendRawJSON; its BenchmarkAppend).

import (
	"strconv"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// AppendJSON appends ev as one JSON object to dst and returns the extended slice: exactly
// the bytes that a json.Encoder with SetEscapeHTML(false) writes for ev (less its trailing
// newline), i.e. what the Client sends and `llmtrace map` prints. Keys in struct order
// (traceId, spanId, parentSpanId, threadId, name, type, input, output, startTime, endTime,
// durationMs, usage, model, provider, metadata, tags, status, error, userId, sessionId),
// optional fields omitted when empty; strings escaped as encoding/json does (invalid UTF-8 →
// U+FFFD, U+2028/U+2029 escaped, "<", ">" and "&" kept as they are); times as
// time.Time.MarshalJSON writes them (RFC 3339 with nanoseconds, in the time's location —
// UTC for mapped events); numbers as encoding/json formats them; Input, Output and
// json.RawMessage metadata values compacted; metadata keys sorted bytewise, each once
// (Metadata: written in its order when sorted, else from a normalized copy).
//
// It fails, appending nothing, exactly where json.Marshal fails: a time outside years
// 0–9999, Input / Output / a RawMessage that is not valid JSON, a json.Number that is not
// a number, a NaN or infinite float, or a metadata value encoding/json cannot encode (a
// channel, a func, a cycle). Such an event can never be sent (not retryable).
func (ev *TraceEvent) AppendJSON(dst []byte) ([]byte, error) {
	n0 := len(dst)
	out, err := ev.appendJSON(dst)
	if err != nil {
		return dst[:n0], err
	}
	return out, nil
}

// MarshalJSON implements json.Marshaler with AppendJSON. json.Marshal then HTML-escapes
// "<", ">" and "&" as it does for any value; a json.Encoder with SetEscapeHTML(false) keeps
// AppendJSON's bytes.
func (ev TraceEvent) MarshalJSON() ([]byte, error) {
	return ev.AppendJSON(make([]byte, 0, ev.sizeHint()))
}

// AppendJSON appends the request body {"traces":[…]} (docs/platform-api.md "Request") to dst:
// the events as TraceEvent.AppendJSON encodes them, "null" for nil Traces as json.Marshal
// writes it. It fails, appending nothing, on the first event that cannot be encoded.
func (b *Batch) AppendJSON(dst []byte) ([]byte, error) {
	n0 := len(dst)
	if b.Traces == nil {
		return append(dst, `{"traces":null}`...), nil
	}
	dst = append(dst, `{"traces":[`...)
	for i := range b.Traces {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = b.Traces[i].appendJSON(dst); err != nil {
			return dst[:n0], err
		}
	}
	return append(dst, "]}"...), nil
}

// sizeHint estimates the encoded size of ev, bytes (for buffer sizing only).
func (ev *TraceEvent) sizeHint() int {
	return 512 + len(ev.Input) + len(ev.Output) + 48*len(ev.Metadata)
}

func (ev *TraceEvent) appendJSON(dst []byte) ([]byte, error) {
	var err error
	dst = append(dst, `{"traceId":`...)
	dst = jsonesc.AppendString(dst, ev.TraceID)
	dst = append(dst, `,"spanId":`...)
	dst = jsonesc.AppendString(dst, ev.SpanID)
	if ev.ParentSpanID != "" {
		dst = append(dst, `,"parentSpanId":`...)
		dst = jsonesc.AppendString(dst, ev.ParentSpanID)
	}
	dst = append(dst, `,"threadId":`...)
	dst = jsonesc.AppendString(dst, ev.ThreadID)
	dst = append(dst, `,"name":`...)
	dst = jsonesc.AppendString(dst, ev.Name)
	dst = append(dst, `,"type":`...)
	dst = jsonesc.AppendString(dst, string(ev.Type))
	if len(ev.Input) > 0 {
		dst = append(dst, `,"input":`...)
		if dst, err = appendRawJSON(dst, ev.Input); err != nil {
			return dst, err
		}
	}
	if len(ev.Output) > 0 {
		dst = append(dst, `,"output":`...)
		if dst, err = appendRawJSON(dst, ev.Output); err != nil {
			return dst, err
		}
	}
	dst = append(dst, `,"startTime":`...)
	if dst, err = appendTimeJSON(dst, ev.StartTime); err != nil {
		return dst, err
	}
	if !ev.EndTime.IsZero() {
		dst = append(dst, `,"endTime":`...)
		if dst, err = appendTimeJSON(dst, ev.EndTime); err != nil {
			return dst, err
		}
	}
	if ev.DurationMs != 0 {
		dst = append(dst, `,"durationMs":`...)
		if dst, err = appendFloatJSON(dst, ev.DurationMs, 64); err != nil {
			return dst, err
		}
	}
	if u := ev.Usage; u != nil {
		dst = append(dst, `,"usage":`...)
		if dst, err = u.appendJSON(dst); err != nil {
			return dst, err
		}
	}
	if ev.Model != "" {
		dst = append(dst, `,"model":`...)
		dst = jsonesc.AppendString(dst, ev.Model)
	}
	if ev.Provider != "" {
		dst = append(dst, `,"provider":`...)
		dst = jsonesc.AppendString(dst, ev.Provider)
	}
	if len(ev.Metadata) > 0 {
		dst = append(dst, `,"metadata":`...)
		if dst, err = appendMetadata(dst, ev.Metadata, 0); err != nil {
			return dst, err
		}
	}
	if len(ev.Tags) > 0 {
		dst = append(dst, `,"tags":`...)
		dst = appendStrings(dst, ev.Tags)
	}
	if ev.Status != "" {
		dst = append(dst, `,"status":`...)
		dst = jsonesc.AppendString(dst, string(ev.Status))
	}
	if e := ev.Error; e != nil {
		dst = append(dst, `,"error":{"type":`...)
		dst = jsonesc.AppendString(dst, e.Type)
		dst = append(dst, `,"message":`...)
		dst = jsonesc.AppendString(dst, e.Message)
		dst = append(dst, '}')
	}
	if ev.UserID != "" {
		dst = append(dst, `,"userId":`...)
		dst = jsonesc.AppendString(dst, ev.UserID)
	}
	if ev.SessionID != "" {
		dst = append(dst, `,"sessionId":`...)
		dst = jsonesc.AppendString(dst, ev.SessionID)
	}
	return append(dst, '}'), nil
}

// appendJSON writes u as encoding/json does: zero counts and a zero cost omitted.
func (u *Usage) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	n0 := len(dst)
	field := func(key string) {
		if len(dst) > n0 {
			dst = append(dst, ',')
		}
		dst = append(dst, key...)
	}
	ints := [...]struct {
		key string
		v   int64
	}{
		{`"prompt_tokens":`, u.PromptTokens}, {`"completion_tokens":`, u.CompletionTokens},
		{`"total_tokens":`, u.TotalTokens}, {`"cached_tokens":`, u.CachedTokens},
		{`"reasoning_tokens":`, u.ReasoningTokens},
	}
	for _, f := range ints {
		if f.v != 0 {
			field(f.key)
			dst = strconv.AppendInt(dst, f.v, 10)
		}
	}
	if u.CostUSD != 0 {
		field(`"cost_usd":`)
		var err error
		if dst, err = appendFloatJSON(dst, u.CostUSD, 64); err != nil {
			return dst, err
		}
	}
	if u.ContextWindowTokens != 0 {
		field(`"context_window_tokens":`)
		dst = strconv.AppendInt(dst, u.ContextWindowTokens, 10)
	}
	if u.ContextUsedTokens != 0 {
		field(`"context_used_tokens":`)
		dst = strconv.AppendInt(dst, u.ContextUsedTokens, 10)
	}
	return append(dst, '}'), nil
}
