package devserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/contract"
	"github.com/llmtrace/llmtrace/platform"
)

// acceptEvent decides one raw event of a batch. On top of contract.DecodeEvent (the one
// definition of a valid event) the dev platform applies the contract's rules that a
// decoded time.Time or Go string no longer shows:
//
//   - the event's text must be valid UTF-8 (JSON text is UTF-8, RFC 8259 §8.1): otherwise
//     "(event): invalid UTF-8 at byte N" — encoding/json would silently turn the bad
//     bytes into U+FFFD while json.Compact kept them, and the stored event would be served
//     back as invalid JSON;
//   - startTime and endTime must be UTC (docs/platform-api.md: "RFC 3339 UTC"): "Z" or a zero
//     offset; "+02:00" is rejected naming the field and its offset;
//   - the UUIDs (traceId, spanId, parentSpanId, threadId) are stored in lower case, in the
//     columns and in the stored JSON, so the upsert by (traceId, spanId) treats "ABC…" and
//     "abc…" as the same event (UUIDs compare case-insensitively, RFC 9562 §4).
//
// It returns the event and its compacted JSON, or the "field: reason" for the rejected list.
func acceptEvent(raw []byte) (storedEvent, string) {
	if !utf8.Valid(raw) {
		return storedEvent{}, fmt.Sprintf("(event): invalid UTF-8 at byte %d of the event", invalidUTF8At(raw))
	}
	ev, err := contract.DecodeEvent(raw)
	if err != nil {
		return storedEvent{}, describe(err)
	}
	if reason := checkUTC("startTime", ev.StartTime); reason != "" {
		return storedEvent{}, reason
	}
	if reason := checkUTC("endTime", ev.EndTime); reason != "" {
		return storedEvent{}, reason
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil { // cannot fail after DecodeEvent
		return storedEvent{}, "(event): " + err.Error()
	}
	out := buf.Bytes()
	if lowerIDs(&ev) {
		if out, err = rewriteIDs(out, &ev); err != nil {
			return storedEvent{}, "(event): " + err.Error()
		}
	}
	return storedEvent{ev: ev, raw: out}, ""
}

// invalidUTF8At is the offset of the first byte that is not part of valid UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// checkUTC rejects a time whose RFC 3339 offset is not zero; the zero time (an absent
// endTime) passes.
func checkUTC(field string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if _, off := t.Zone(); off != 0 {
		return fmt.Sprintf("%s: offset %s is not UTC: send the time in UTC with \"Z\" (%s)",
			field, t.Format("-07:00"), t.UTC().Format(time.RFC3339Nano))
	}
	return ""
}

// lowerIDs lower-cases the event's UUIDs in place and reports whether any changed.
func lowerIDs(ev *platform.TraceEvent) bool {
	changed := false
	for _, p := range []*string{&ev.TraceID, &ev.SpanID, &ev.ParentSpanID, &ev.ThreadID} {
		if l := strings.ToLower(*p); l != *p {
			*p, changed = l, true
		}
	}
	return changed
}

// rewriteIDs re-writes the top-level traceId, spanId, parentSpanId and threadId values of a
// compacted event object with ev's (lower-cased) IDs, keeping every other key and value
// byte for byte and in order.
func rewriteIDs(compact []byte, ev *platform.TraceEvent) ([]byte, error) {
	ids := map[string]string{"traceId": ev.TraceID, "spanId": ev.SpanID,
		"parentSpanId": ev.ParentSpanID, "threadId": ev.ThreadID}
	return rewriteMembers(compact, func(key string, _ json.RawMessage) (json.RawMessage, bool) {
		if id, ok := idFor(ids, key); ok {
			vb, _ := json.Marshal(id)
			return vb, true
		}
		return nil, false
	})
}

// rewriteMembers re-writes the members of a compacted JSON object: replace returns a new
// value for a key, or false to keep the value byte for byte. Keys keep their order.
func rewriteMembers(compact []byte, replace func(key string, val json.RawMessage) (json.RawMessage, bool)) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(compact))
	if _, err := dec.Token(); err != nil { // '{'
		return nil, err
	}
	out := make([]byte, 0, len(compact))
	out = append(out, '{')
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ',')
		}
		kb, _ := json.Marshal(key)
		out = append(out, kb...)
		out = append(out, ':')
		if nv, ok := replace(key, val); ok {
			out = append(out, nv...)
		} else {
			out = append(out, val...)
		}
	}
	return append(out, '}'), nil
}

// idFor finds key in ids the way encoding/json matches keys to fields (case-insensitively).
func idFor(ids map[string]string, key string) (string, bool) {
	for k, v := range ids {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}
