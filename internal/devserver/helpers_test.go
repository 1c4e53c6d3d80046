package devserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/llmtrace/llmtrace/platform"
)

const testKey = "dev-secret-key-123"

// newTestServer starts a Server on a real SQLite file in t.TempDir() behind an httptest
// server on loopback.
func newTestServer(t *testing.T, apiKey string) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := New(Config{DBPath: filepath.Join(t.TempDir(), "dev.db"), APIKey: apiKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv, ts
}

func newV7(t testing.TB) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// trace builds a three-span agent trace like the captures carry: a chat root, an llm call
// (42/17/59 tokens, as the fake provider answers) and a tool call under it.
type traceIDs struct{ trace, thread, root, llm, tool string }

func newTrace(t testing.TB, start time.Time, rootName string) (traceIDs, []platform.TraceEvent) {
	t.Helper()
	ids := traceIDs{trace: newV7(t), thread: newV7(t), root: newV7(t), llm: newV7(t), tool: newV7(t)}
	ms := func(n int) time.Time { return start.Add(time.Duration(n) * time.Millisecond) }
	evs := []platform.TraceEvent{
		{
			TraceID: ids.trace, SpanID: ids.root, ThreadID: ids.thread, Name: rootName,
			Type: platform.TypeChat, StartTime: ms(0), EndTime: ms(250), DurationMs: 250,
			Input:  json.RawMessage(`{"messages":[{"role":"user","content":"Weather in Paris?"}]}`),
			Output: json.RawMessage(`{"response":"Sunny, 21 °C"}`),
			Status: platform.StatusOK, SessionID: "sess-heldout-001", UserID: "user-heldout-42",
		},
		{
			TraceID: ids.trace, SpanID: ids.llm, ParentSpanID: ids.root, ThreadID: ids.thread,
			Name: "chat gpt-4o-mini", Type: platform.TypeLLM, StartTime: ms(10), EndTime: ms(110),
			DurationMs: 100, Model: "gpt-4o-mini-2024-07-18", Provider: "openai",
			Usage:  &platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5},
			Output: json.RawMessage(`{"tool_calls":[{"name":"get_weather","arguments":{"city":"Paris"}}]}`),
			Status: platform.StatusOK, Metadata: platform.MetadataFromMap(map[string]any{"otel.span_id": "0123456789abcdef"}),
		},
		{
			TraceID: ids.trace, SpanID: ids.tool, ParentSpanID: ids.llm, ThreadID: ids.thread,
			Name: "execute_tool get_weather", Type: platform.TypeTool, StartTime: ms(120), EndTime: ms(130),
			DurationMs: 10, Input: json.RawMessage(`{"city":"Paris"}`), Output: json.RawMessage(`"sunny"`),
		},
	}
	return ids, evs
}

func batchJSON(t testing.TB, evs []platform.TraceEvent) []byte {
	t.Helper()
	b, err := json.Marshal(platform.Batch{Traces: evs})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("reply %d is not JSON: %v: %q", r.status, err, r.body)
	}
	return m
}

// post sends body to POST /v1/traces. hdr adds or (with "") removes headers; by default
// Content-Type is application/json and Authorization carries testKey.
func post(t *testing.T, ts *httptest.Server, body io.Reader, hdr map[string]string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, ts.URL+"/v1/traces", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Idempotency-Key", uuid.NewString())
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("POST /v1/traces: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func get(t *testing.T, ts *httptest.Server, path string) reply {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

func count(t *testing.T, srv *Server) int {
	t.Helper()
	n, err := srv.Count(context.Background())
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	return n
}

// paddedBody returns a valid {"traces":[]} document of exactly n bytes (whitespace padding).
func paddedBody(n int) []byte {
	const open, close = `{"traces":[`, `]}`
	return []byte(open + strings.Repeat(" ", n-len(open)-len(close)) + close)
}

// mustGoodBatch posts a fresh valid trace and requires 200 {"accepted": 3}.
func mustGoodBatch(t *testing.T, ts *httptest.Server) {
	t.Helper()
	_, evs := newTrace(t, time.Now().UTC(), "good batch")
	r := post(t, ts, bytes.NewReader(batchJSON(t, evs)), nil)
	if r.status != http.StatusOK || r.json(t)["accepted"] != float64(3) {
		t.Fatalf("good batch after bad input: %d %s", r.status, r.body)
	}
}

// newHTTPTest serves srv on loopback; the caller owns srv.
func newHTTPTest(t testing.TB, srv *Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}
