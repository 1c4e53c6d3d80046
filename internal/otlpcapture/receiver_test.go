package otlpcapture

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The OTel Go SDK's OTLP/HTTP exporter (protobuf, gzip) lands in the file with its spans,
// attributes and parent links, in the JSON form ptrace reads back.
func TestRecordsTheOTelGoExporter(t *testing.T) {
	rcv := NewReceiver()
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(srv.URL+"/v1/traces"),
		otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	ctx, parent := tp.Tracer("t").Start(context.Background(), "parent")
	_, child := tp.Tracer("t").Start(ctx, "child")
	child.SetAttributes(attribute.String("genkit:name", "openai/gpt-4o-mini"), attribute.Int64("n", 42))
	child.End()
	parent.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rcv.Requests() != 2 || rcv.SpanCount() != 2 {
		t.Fatalf("%d requests, %d spans; want 2, 2", rcv.Requests(), rcv.SpanCount())
	}
	path := filepath.Join(t.TempDir(), "c.json")
	if err := WriteFile(path, rcv.Take()); err != nil {
		t.Fatal(err)
	}
	if rcv.SpanCount() != 0 {
		t.Errorf("Take left %d spans", rcv.SpanCount())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(raw)
	if err != nil {
		t.Fatal(err)
	}
	c := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	p := td.ResourceSpans().At(1).ScopeSpans().At(0).Spans().At(0)
	if c.Name() != "child" || c.ParentSpanID() != p.SpanID() || c.TraceID() != p.TraceID() {
		t.Errorf("child %s parent %s; want child of %s", c.Name(), c.ParentSpanID(), p.SpanID())
	}
	if v, _ := c.Attributes().Get("n"); v.Int() != 42 {
		t.Errorf("attribute n = %v", v.AsRaw())
	}
	if !bytes.Contains(raw, []byte(`"intValue":"42"`)) || !bytes.Contains(raw, []byte(`"traceId":"`+c.TraceID().String()+`"`)) {
		t.Errorf("not the canonical OTLP JSON form (hex IDs, int64 as strings): %.300s", raw)
	}
}

// A JSON export request (as OTel JS sends) is accepted and answered in JSON.
func TestRecordsJSON(t *testing.T) {
	rcv := NewReceiver()
	body := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"s"}]}]}]}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(body))
	_ = zw.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/public/otel/v1/traces", &gz)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	w := httptest.NewRecorder()
	rcv.ServeHTTP(w, req)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || rcv.SpanCount() != 1 {
		t.Fatalf("status %d type %q spans %d", w.Code, w.Header().Get("Content-Type"), rcv.SpanCount())
	}
}

// Bad requests get their status and leave what was recorded alone.
func TestRefusesBadRequests(t *testing.T) {
	rcv := NewReceiver()
	ok := httptest.NewRequest(http.MethodPost, "/v1/traces", bytes.NewBufferString(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"kept"}]}]}]}`))
	ok.Header.Set("Content-Type", "application/json")
	rcv.ServeHTTP(httptest.NewRecorder(), ok)
	for _, tc := range []struct {
		name, method, ctype, encoding, body string
		want                                int
	}{
		{"GET", http.MethodGet, "application/json", "", "", http.StatusMethodNotAllowed},
		{"text/plain", http.MethodPost, "text/plain", "", "x", http.StatusUnsupportedMediaType},
		{"br", http.MethodPost, "application/json", "br", "x", http.StatusUnsupportedMediaType},
		{"bad gzip", http.MethodPost, "application/json", "gzip", "not gzip", http.StatusBadRequest},
		{"bad JSON", http.MethodPost, "application/json", "", `{"resourceSpans":[`, http.StatusBadRequest},
		{"bad protobuf", http.MethodPost, "application/x-protobuf", "", "\xff\xff\xff", http.StatusBadRequest},
	} {
		req := httptest.NewRequest(tc.method, "/v1/traces", bytes.NewBufferString(tc.body))
		req.Header.Set("Content-Type", tc.ctype)
		if tc.encoding != "" {
			req.Header.Set("Content-Encoding", tc.encoding)
		}
		w := httptest.NewRecorder()
		rcv.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, w.Code, tc.want)
		}
	}
	if rcv.Requests() != 1 || rcv.SpanCount() != 1 {
		t.Errorf("after bad requests: %d requests, %d spans; want the 1 kept", rcv.Requests(), rcv.SpanCount())
	}
}
