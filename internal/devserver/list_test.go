package devserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

func listTraces(t *testing.T, tsURL func(string) reply, query url.Values) []traceSummary {
	t.Helper()
	r := tsURL("/v1/traces?" + query.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("GET /v1/traces?%s: %d %s", query.Encode(), r.status, r.body)
	}
	var l traceList
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatal(err)
	}
	return l.Traces
}

func TestListTraces(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	g := func(p string) reply { return get(t, ts, p) }

	// Three traces, oldest first: A (thread A, session 1, user u1), B (session 1, user u2,
	// failed tool), C (session 2, user u1).
	a, evA := newTrace(t, t0, "trace A")
	b, evB := newTrace(t, t0.Add(time.Minute), "trace B")
	c, evC := newTrace(t, t0.Add(2*time.Minute), "trace C")
	for i := range evA {
		evA[i].SessionID, evA[i].UserID = "", "" // only the root carries them
	}
	evA[0].SessionID, evA[0].UserID = "sess-1", "u1"
	for i := range evB {
		evB[i].SessionID, evB[i].UserID = "", ""
	}
	evB[0].SessionID, evB[0].UserID = "sess-1", "u2"
	evB[2].Status = platform.StatusError
	evB[2].Error = &platform.EventError{Type: "TimeoutError", Message: "weather API timed out"}
	for i := range evC {
		evC[i].SessionID, evC[i].UserID = "", ""
	}
	evC[0].SessionID, evC[0].UserID = "sess-2", "u1"
	// Send the child spans first to check the root is found by parentSpanId, not order.
	all := append(append(append([]platform.TraceEvent{}, evA[1:]...), evA[0]), append(evB, evC...)...)
	if r := post(t, ts, bytes.NewReader(batchJSON(t, all)), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}

	got := listTraces(t, g, nil)
	if len(got) != 3 || got[0].TraceID != c.trace || got[1].TraceID != b.trace || got[2].TraceID != a.trace {
		t.Fatalf("want C, B, A newest first, got %+v", got)
	}
	sa := got[2]
	if sa.Name != "trace A" || sa.Type != platform.TypeChat || sa.SpanCount != 3 || sa.DurationMs != 250 ||
		!sa.StartTime.Equal(t0) || sa.ThreadID != a.thread || sa.SessionID != "sess-1" || sa.UserID != "u1" || sa.Error {
		t.Fatalf("summary of A: %+v", sa)
	}
	if sa.Usage.PromptTokens != 42 || sa.Usage.CompletionTokens != 17 || sa.Usage.TotalTokens != 59 {
		t.Fatalf("usage of A: %+v", sa.Usage)
	}
	if !got[1].Error || got[0].Error {
		t.Fatalf("error flags: B %v, C %v", got[1].Error, got[0].Error)
	}
	// B's tool failed under a root that reports ok: the trace's status is the root's,
	// and the failure is counted beside it.
	if sb := got[1]; sb.Status != platform.StatusOK || sb.ErrorCount != 1 || got[0].ErrorCount != 0 {
		t.Fatalf("B: status %q with %d failed events (C: %d), want ok with 1 (C: 0)", sb.Status, sb.ErrorCount, got[0].ErrorCount)
	}

	for _, tc := range []struct {
		q    url.Values
		want []string
	}{
		{url.Values{"threadId": {a.thread}}, []string{a.trace}},
		{url.Values{"sessionId": {"sess-1"}}, []string{b.trace, a.trace}},
		{url.Values{"userId": {"u1"}}, []string{c.trace, a.trace}},
		{url.Values{"sessionId": {"sess-1"}, "userId": {"u1"}}, []string{a.trace}},
		{url.Values{"userId": {"nobody"}}, nil},
		{url.Values{"limit": {"2"}}, []string{c.trace, b.trace}},
	} {
		got := listTraces(t, g, tc.q)
		var ids []string
		for _, s := range got {
			ids = append(ids, s.TraceID)
		}
		if len(ids) != len(tc.want) || (len(ids) > 0 && !equalStrings(ids, tc.want)) {
			t.Errorf("%s: got %v, want %v", tc.q.Encode(), ids, tc.want)
		}
		// A filter selects traces, but the summary still counts all their spans.
		for _, s := range got {
			if s.SpanCount != 3 {
				t.Errorf("%s: span count %d, want 3", tc.q.Encode(), s.SpanCount)
			}
		}
	}

	r := g("/v1/traces?userId=nobody")
	if string(bytes.TrimSpace(r.body)) != `{"traces":[]}` {
		t.Fatalf("empty list is %s, want {\"traces\":[]}", r.body)
	}
	for _, bad := range []string{"0", "-1", "abc", "1001"} {
		if r := g("/v1/traces?limit=" + bad); r.status != http.StatusBadRequest || r.json(t)["error"] == nil {
			t.Errorf("limit=%s: %d %s", bad, r.status, r.body)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
