package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/platformtest/bodyenc"
)

// clientTestID returns a valid UUID v7 string, distinct for each (kind, n).
func clientTestID(kind, n int) string {
	return fmt.Sprintf("01932c4e-%04x-7000-8000-%012x", kind, n)
}

// clientTestEvent is an "llm" event shaped like the mapping of a chat span with a tool call
// (otel-contrib-openai-chat-tool capture): messages in and out, usage, model, metadata.
// About 1.3 KB serialized.
func clientTestEvent(i int) TraceEvent {
	start := time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)
	end := start.Add(843*time.Millisecond + 250*time.Microsecond)
	return TraceEvent{
		TraceID:      clientTestID(1, i/10),
		SpanID:       clientTestID(2, i),
		ParentSpanID: clientTestID(3, i/10),
		ThreadID:     clientTestID(4, i/10),
		Name:         "chat gpt-4o-mini",
		Type:         TypeLLM,
		Input: json.RawMessage(`[{"role":"system","content":"You are a helpful assistant. Use tools when needed."},` +
			`{"role":"user","content":"What is the weather like in Paris today? Answer in one sentence & cite <the> source."}]`),
		Output: json.RawMessage(`[{"role":"assistant","content":null,"tool_calls":[{"id":"call_` + fmt.Sprint(i) +
			`","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\",\"unit\":\"celsius\"}"}}],"finish_reason":"tool_calls"}]`),
		StartTime:  start,
		EndTime:    end,
		DurationMs: float64(end.Sub(start)) / float64(time.Millisecond),
		Usage:      &Usage{PromptTokens: 82, CompletionTokens: 18, TotalTokens: 100, CachedTokens: 64, CostUSD: 0.0000231},
		Model:      "gpt-4o-mini-2024-07-18",
		Provider:   "openai",
		Metadata: MetadataFromMap(map[string]any{
			"otel.trace_id":             fmt.Sprintf("%032x", i/10+1),
			"otel.span_id":              fmt.Sprintf("%016x", i+1),
			"otel.scope.name":           "@opentelemetry/instrumentation-openai",
			"gen_ai.operation.name":     "chat",
			"gen_ai.request.model":      "gpt-4o-mini",
			"gen_ai.response.id":        fmt.Sprintf("chatcmpl-%d", i),
			"gen_ai.request.max_tokens": 256,
		}),
		Tags:   []string{"env:test", "llmtrace"},
		Status: StatusOK,
	}
}

func clientTestEvents(n int) []TraceEvent {
	evs := make([]TraceEvent, n)
	for i := range evs {
		evs[i] = clientTestEvent(i)
	}
	return evs
}

// platformRequest is one request as the test platform saw it, body decompressed.
type platformRequest struct {
	header  http.Header
	rawLen  int    // body bytes on the wire
	body    []byte // decompressed
	spanIDs []string
}

// loopbackPlatform is a loopback platform: it decodes each request per Content-Encoding,
// decodes every event strictly (strictEvent), records it, and
// answers with reply (default: 200 {"accepted": n}).
type loopbackPlatform struct {
	t     testing.TB
	srv   *httptest.Server
	reply func(n int, rr platformRequest) (status int, header http.Header, body string)

	mu    sync.Mutex
	reqs  []platformRequest
	conns atomic.Int32 // connections accepted
}

func newLoopbackPlatform(t testing.TB, reply func(n int, rr platformRequest) (int, http.Header, string)) *loopbackPlatform {
	p := &loopbackPlatform{t: t, reply: reply}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	p.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			p.conns.Add(1)
		}
	}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

func (p *loopbackPlatform) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" {
		p.t.Errorf("platform: got %s %s, want POST /v1/traces", r.Method, r.URL.Path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		p.t.Errorf("platform: reading body: %v", err)
		return
	}
	body, err := bodyenc.Decode(r.Header.Get("Content-Encoding"), raw)
	if err != nil {
		p.t.Errorf("platform: %v", err)
		http.Error(w, `{"error":"bad encoding"}`, http.StatusBadRequest)
		return
	}
	var batch struct {
		Traces []json.RawMessage `json:"traces"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&batch); err != nil {
		p.t.Errorf("platform: body is not {\"traces\":[…]}: %v", err)
		http.Error(w, `{"error":"malformed"}`, http.StatusBadRequest)
		return
	}
	rr := platformRequest{header: r.Header.Clone(), rawLen: len(raw), body: body}
	for i, e := range batch.Traces {
		ev, err := strictEvent(e)
		if err != nil {
			p.t.Errorf("platform: event %d of request is invalid: %v", i, err)
		}
		rr.spanIDs = append(rr.spanIDs, ev.SpanID)
	}
	p.mu.Lock()
	n := len(p.reqs)
	p.reqs = append(p.reqs, rr)
	p.mu.Unlock()

	status, header, reply := http.StatusOK, http.Header(nil), fmt.Sprintf(`{"accepted":%d}`, len(batch.Traces))
	if p.reply != nil {
		status, header, reply = p.reply(n, rr)
		if status >= 200 && status <= 299 && reply == "" {
			reply = fmt.Sprintf(`{"accepted":%d}`, len(batch.Traces)) // the contract's success body
		}
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	if reply != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, reply)
}

func (p *loopbackPlatform) requests() []platformRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]platformRequest(nil), p.reqs...)
}

// newLoopbackClient builds a Client for p with cfg's other fields.
func newLoopbackClient(t testing.TB, p *loopbackPlatform, cfg ClientConfig) *Client {
	t.Helper()
	cfg.Endpoint = p.srv.URL
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.httpClient.CloseIdleConnections)
	return c
}

// checkSendResult asserts SendResult's invariant: each of the n indices is accounted for
// exactly once across Accepted + Unaccounted, Rejected and Undelivered, and the lists are
// sorted; AcceptedEvents says which are in neither list.
func checkSendResult(t *testing.T, n int, res SendResult) {
	t.Helper()
	seen := make([]int, n)
	for k, r := range res.Rejected {
		if r.Index < 0 || r.Index >= n {
			t.Fatalf("Rejected[%d].Index = %d, out of range", k, r.Index)
		}
		if k > 0 && res.Rejected[k-1].Index > r.Index {
			t.Errorf("Rejected not sorted: %v", res.Rejected)
		}
		seen[r.Index]++
	}
	for k, i := range res.Undelivered {
		if i < 0 || i >= n {
			t.Fatalf("Undelivered[%d] = %d, out of range", k, i)
		}
		if k > 0 && res.Undelivered[k-1] >= i {
			t.Errorf("Undelivered not sorted/unique: %v", res.Undelivered)
		}
		seen[i]++
	}
	rest := 0
	for i, c := range seen {
		switch c {
		case 0:
			rest++
		case 1:
		default:
			t.Errorf("index %d appears %d times across Rejected and Undelivered", i, c)
		}
	}
	if res.Accepted+res.Unaccounted != rest || res.Unaccounted < 0 {
		t.Errorf("Accepted %d + Unaccounted %d, want %d (n %d − %d rejected − %d undelivered)", res.Accepted, res.Unaccounted, rest, n, len(res.Rejected), len(res.Undelivered))
	}
	// AcceptedEvents: exactly the indices in neither list.
	for i, a := range res.AcceptedEvents(n) {
		if a != (seen[i] == 0) {
			t.Errorf("AcceptedEvents[%d] = %v, but the index is listed %d times", i, a, seen[i])
		}
	}
}

// spanIDsAt returns the spanIds of events[idx…].
func spanIDsAt(events []TraceEvent, idx ...int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = events[i].SpanID
	}
	return out
}

func indexRange(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func containsAllOf(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// strictEvent reads one event as the platform does, short of the required-key check
// (internal/contract.DecodeEvent, which imports this package, is the full reading): no
// unknown key, well-typed values, then Validate.
func strictEvent(raw []byte) (TraceEvent, error) {
	var ev TraceEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return ev, err
	}
	return ev, ev.Validate()
}
