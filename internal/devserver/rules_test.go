package devserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// eventJSON is the wire JSON of one event of a fresh trace (the llm call of newTrace).
func eventJSON(t *testing.T, mutate func(m map[string]any)) (map[string]any, []byte) {
	t.Helper()
	_, evs := newTrace(t, time.Now().UTC(), "rules")
	b, err := json.Marshal(evs[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(m)
	}
	b, err = json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, b
}

// ingestReplyOf posts a {"traces":[...]} body built from raw event texts and decodes the
// 200 reply.
func ingestReplyOf(t *testing.T, r reply) ingestReply {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var rep ingestReply
	if err := json.Unmarshal(r.body, &rep); err != nil {
		t.Fatalf("reply %s: %v", r.body, err)
	}
	return rep
}

func rawBatch(events ...[]byte) []byte {
	return []byte(`{"traces":[` + string(bytes.Join(events, []byte(","))) + `]}`)
}

// An event nested beyond encoding/json's depth limit (10 000) is rejected alone by index;
// its neighbours are stored. At 9 998 levels the whole body was once over the limit while
// the event alone is not: that event is now stored too.
func TestDeeplyNestedEventRejectedAlone(t *testing.T) {
	for _, depth := range []int{9998, 20000, 400000} {
		t.Run(strconv.Itoa(depth), func(t *testing.T) {
			srv, ts := newTestServer(t, testKey)
			_, a := eventJSON(t, nil)
			_, c := eventJSON(t, nil)
			_, b := eventJSON(t, func(m map[string]any) { m["input"] = json.RawMessage("null") })
			nested := strings.Repeat("[", depth) + strings.Repeat("]", depth)
			b = bytes.Replace(b, []byte(`"input":null`), []byte(`"input":`+nested), 1)
			rep := ingestReplyOf(t, post(t, ts, bytes.NewReader(rawBatch(a, b, c)), nil))
			switch {
			case depth < 10000:
				if rep.Accepted != 3 || len(rep.Rejected) != 0 {
					t.Fatalf("depth %d: reply %+v, want all 3 accepted", depth, rep)
				}
			default:
				if rep.Accepted != 2 || len(rep.Rejected) != 1 || rep.Rejected[0].Index != 1 ||
					!strings.Contains(rep.Rejected[0].Error, "depth") {
					t.Fatalf("depth %d: reply %+v, want index 1 rejected for its depth", depth, rep)
				}
			}
			if want := 3 - len(rep.Rejected); count(t, srv) != want {
				t.Fatalf("stored %d events, want %d", count(t, srv), want)
			}
			// The stored deep event does not break the read API (SQLite's JSON functions
			// refuse JSON nested past 1000 levels: no query may run them over stored events).
			if r := get(t, ts, "/v1/traces"); r.status != http.StatusOK {
				t.Fatalf("list after the deep event: %d %s", r.status, r.body)
			}
		})
	}
}

// A syntax error inside one event (the array's structure intact) rejects that event only.
func TestEventSyntaxErrorRejectedAlone(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	_, a := eventJSON(t, nil)
	rep := ingestReplyOf(t, post(t, ts, bytes.NewReader(rawBatch([]byte(`{"traceId": tru}`), a, []byte(`42`))), nil))
	if rep.Accepted != 1 || len(rep.Rejected) != 2 || rep.Rejected[0].Index != 0 || rep.Rejected[1].Index != 2 {
		t.Fatalf("reply %+v, want index 0 and 2 rejected", rep)
	}
	if count(t, srv) != 1 {
		t.Fatalf("stored %d events, want 1", count(t, srv))
	}
}

// The same event sent with upper-case and then lower-case UUIDs is one row, stored and
// served in lower case; GET accepts the trace ID in either case.
func TestUUIDsNormalisedToLowercase(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	m, lower := eventJSON(t, nil)
	_, upper := eventJSON(t, func(u map[string]any) {
		for k, v := range m {
			u[k] = v
		}
		for _, k := range []string{"traceId", "spanId", "parentSpanId", "threadId"} {
			u[k] = strings.ToUpper(m[k].(string))
		}
	})
	for _, body := range [][]byte{upper, lower, upper} {
		rep := ingestReplyOf(t, post(t, ts, bytes.NewReader(rawBatch(body)), nil))
		if rep.Accepted != 1 {
			t.Fatalf("reply %+v", rep)
		}
	}
	if n := count(t, srv); n != 1 {
		t.Fatalf("stored %d rows for one event sent in two cases, want 1", n)
	}
	for _, id := range []string{m["traceId"].(string), strings.ToUpper(m["traceId"].(string))} {
		g := get(t, ts, "/v1/traces/"+id)
		var got struct{ Events []map[string]any }
		if err := json.Unmarshal(g.body, &got); err != nil || g.status != http.StatusOK || len(got.Events) != 1 {
			t.Fatalf("GET %s: %d %s", id, g.status, g.body)
		}
		for _, k := range []string{"traceId", "spanId", "parentSpanId", "threadId"} {
			if got.Events[0][k] != m[k] {
				t.Errorf("%s served as %v, want %v", k, got.Events[0][k], m[k])
			}
		}
		if got.Events[0]["name"] != m["name"] || got.Events[0]["model"] != m["model"] {
			t.Errorf("other fields changed: %v", got.Events[0])
		}
	}
}

// Invalid UTF-8 anywhere in an event rejects that event (index and byte offset named); the
// others are stored and everything served back is valid JSON.
func TestInvalidUTF8RejectsEvent(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	_, good := eventJSON(t, nil)
	_, bad := eventJSON(t, func(m map[string]any) { m["name"] = "caf\u00e9 MARK" })
	bad = bytes.Replace(bad, []byte("MARK"), []byte{0xff, 0xfe}, 1)
	_, badMeta := eventJSON(t, func(m map[string]any) { m["metadata"] = map[string]any{"k": "MARK"} })
	badMeta = bytes.Replace(badMeta, []byte("MARK"), []byte{0xc3, 0x28}, 1) // truncated 2-byte sequence
	rep := ingestReplyOf(t, post(t, ts, bytes.NewReader(rawBatch(bad, good, badMeta)), nil))
	if rep.Accepted != 1 || len(rep.Rejected) != 2 || rep.Rejected[0].Index != 0 || rep.Rejected[1].Index != 2 {
		t.Fatalf("reply %+v, want index 0 and 2 rejected", rep)
	}
	for _, r := range rep.Rejected {
		if !strings.Contains(r.Error, "invalid UTF-8 at byte") {
			t.Errorf("rejection %q does not name invalid UTF-8", r.Error)
		}
	}
	if count(t, srv) != 1 {
		t.Fatalf("stored %d, want 1", count(t, srv))
	}
	var m map[string]any
	json.Unmarshal(good, &m)
	g := get(t, ts, "/v1/traces/"+m["traceId"].(string))
	if !json.Valid(g.body) {
		t.Fatalf("served invalid JSON: %q", g.body)
	}
}

// The contract's times are UTC: a non-zero offset on startTime or endTime rejects the
// event, naming the field and the offset; "Z" and "+00:00" are accepted.
func TestNonUTCOffsetsRejected(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	at := func(field, v string) []byte {
		_, b := eventJSON(t, func(m map[string]any) {
			m[field] = v
			if field == "startTime" {
				m["endTime"] = "2026-03-01T23:00:00Z"
			}
		})
		return b
	}
	batch := rawBatch(
		at("startTime", "2026-03-01T14:00:00+02:00"),
		at("endTime", "2027-01-01T00:00:00.9-05:30"),
		at("startTime", "2026-03-01T12:00:00Z"),
		at("startTime", "2026-03-01T12:00:00+00:00"),
	)
	rep := ingestReplyOf(t, post(t, ts, bytes.NewReader(batch), nil))
	if rep.Accepted != 2 || len(rep.Rejected) != 2 {
		t.Fatalf("reply %+v, want 2 accepted, 2 rejected", rep)
	}
	for i, want := range []string{"startTime: offset +02:00 is not UTC", "endTime: offset -05:30 is not UTC"} {
		if rep.Rejected[i].Index != i || !strings.HasPrefix(rep.Rejected[i].Error, want) {
			t.Errorf("rejected[%d] = %+v, want index %d %q", i, rep.Rejected[i], i, want)
		}
	}
	if count(t, srv) != 2 {
		t.Fatalf("stored %d, want 2", count(t, srv))
	}
}
