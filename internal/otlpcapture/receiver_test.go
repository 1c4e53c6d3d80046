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

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
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

// postLogs sends an ExportLogsServiceRequest of one record (trace and span IDs set, event
// name and body as the OTel JS GenAI instrumentations write them) to path, encoded as ctype.
func postLogs(t *testing.T, rcv *Receiver, path, ctype string) *httptest.ResponseRecorder {
	t.Helper()
	l := plog.NewLogs()
	rl := l.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "svc")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	lr.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	lr.SetEventName("gen_ai.client.inference.operation.details")
	lr.Attributes().PutStr("event.name", "gen_ai.user.message")
	lr.Body().SetEmptyMap().PutStr("content", "What is the weather in Paris?")
	er := plogotlp.NewExportRequestFromLogs(l)
	var body []byte
	var err error
	if ctype == "application/json" {
		body, err = er.MarshalJSON()
	} else {
		body, err = er.MarshalProto()
	}
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	w := httptest.NewRecorder()
	rcv.ServeHTTP(w, req)
	return w
}

// Log export requests (protobuf and JSON) are kept apart from the spans and written beside
// them in one document; each side reads back with its pdata unmarshaler, and the reply is
// an ExportLogsServiceResponse in the request's encoding.
func TestRecordsLogsBesideSpans(t *testing.T) {
	rcv := NewReceiver()
	span := httptest.NewRequest(http.MethodPost, "/v1/traces", bytes.NewBufferString(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"chat gpt-4o-mini"}]}]}]}`))
	span.Header.Set("Content-Type", "application/json")
	rcv.ServeHTTP(httptest.NewRecorder(), span)
	for _, ctype := range []string{"application/x-protobuf", "application/json"} {
		w := postLogs(t, rcv, "/v1/logs", ctype)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != ctype {
			t.Fatalf("%s: status %d type %q: %s", ctype, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
		resp := plogotlp.NewExportResponse()
		if ctype == "application/json" {
			err := resp.UnmarshalJSON(w.Body.Bytes())
			if err != nil {
				t.Fatalf("reply is not an ExportLogsServiceResponse: %v", err)
			}
		}
	}
	if rcv.SpanCount() != 1 || rcv.LogRecordCount() != 2 || rcv.Requests() != 3 {
		t.Fatalf("%d spans, %d log records, %d requests; want 1, 2, 3", rcv.SpanCount(), rcv.LogRecordCount(), rcv.Requests())
	}
	path := filepath.Join(t.TempDir(), "c.json")
	tr, lg := rcv.TakeAll()
	if err := WriteDocument(path, tr, lg); err != nil {
		t.Fatal(err)
	}
	if rcv.SpanCount() != 0 || rcv.LogRecordCount() != 0 {
		t.Errorf("TakeAll left %d spans, %d log records", rcv.SpanCount(), rcv.LogRecordCount())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte(`{"resourceSpans":[`)) || !bytes.Contains(raw, []byte(`],"resourceLogs":[`)) {
		t.Errorf("not one document with both arrays: %.200s", raw)
	}
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(raw)
	if err != nil || td.SpanCount() != 1 {
		t.Fatalf("spans read back: %v, %d", err, td.SpanCount())
	}
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(raw)
	if err != nil || ld.LogRecordCount() != 2 {
		t.Fatalf("logs read back: %v, %d", err, ld.LogRecordCount())
	}
	lr := ld.ResourceLogs().At(1).ScopeLogs().At(0).LogRecords().At(0)
	if lr.SpanID().String() != "0102030405060708" || lr.EventName() != "gen_ai.client.inference.operation.details" ||
		lr.Body().Map().AsRaw()["content"] != "What is the weather in Paris?" {
		t.Errorf("record read back as span %s event %q body %v", lr.SpanID(), lr.EventName(), lr.Body().AsRaw())
	}
	if !bytes.Contains(raw, []byte(`"spanId":"0102030405060708"`)) {
		t.Errorf("log record IDs not in hex: %.400s", raw)
	}
}

// With no log record the document is exactly what Marshal writes for the spans, so
// re-recording a spans-only capture gives the same file as before logs were accepted.
func TestDocumentWithoutLogsIsMarshal(t *testing.T) {
	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName("a <b> & c")
	s.Attributes().PutInt("n", 42)
	want, err := Marshal(td)
	if err != nil {
		t.Fatal(err)
	}
	got, err := MarshalDocument(td, plog.NewLogs())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("MarshalDocument without logs:\n%s\nwant\n%s", got, want)
	}
}

// Metrics are refused (404) and a malformed log request is 400; neither changes what was
// recorded.
func TestRefusesMetricsAndBadLogs(t *testing.T) {
	rcv := NewReceiver()
	postLogs(t, rcv, "/v1/logs", "application/json")
	for _, tc := range []struct {
		path, body string
		want       int
	}{
		{"/v1/metrics", `{"resourceMetrics":[]}`, http.StatusNotFound},
		{"/v1/logs", `{"resourceLogs":[{`, http.StatusBadRequest},
		{"/otel/v1/logs/", `{"resourceLogs":"x"}`, http.StatusBadRequest},
	} {
		req := httptest.NewRequest(http.MethodPost, tc.path, bytes.NewBufferString(tc.body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		rcv.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("%s %s: status %d, want %d", tc.path, tc.body, w.Code, tc.want)
		}
	}
	if rcv.Requests() != 1 || rcv.LogRecordCount() != 1 || rcv.SpanCount() != 0 {
		t.Errorf("after bad requests: %d requests, %d log records, %d spans; want 1, 1, 0", rcv.Requests(), rcv.LogRecordCount(), rcv.SpanCount())
	}
}
