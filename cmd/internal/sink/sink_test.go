package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

const capture = "../../../testdata/captures/otel-contrib-openai-chat-tool.json"

func readCapture(t *testing.T) ([]byte, ptrace.Traces) {
	t.Helper()
	b, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
	if err != nil {
		t.Fatal(err)
	}
	return b, td
}

// The platform's own client sends the capture's events (mapped by the mapping core) twice,
// gzip then zstd: the sink accepts every one, counts both sends and one distinct set.
func TestPlatformEventsCountedAndAccepted(t *testing.T) {
	_, td := readCapture(t)
	events := mapping.NewMapper(mapping.MapOptions{}).Map(pdataview.Spans(td))
	if len(events) == 0 {
		t.Fatal("the capture mapped onto no events")
	}
	s := NewSink()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, comp := range []string{"gzip", "zstd"} {
		c, err := platform.NewClient(platform.ClientConfig{Endpoint: srv.URL, Compression: comp})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Send(context.Background(), events)
		if err != nil {
			t.Fatalf("%s: %v", comp, err)
		}
		if res.Accepted != len(events) || res.Unaccounted != 0 || len(res.Rejected) != 0 {
			t.Fatalf("%s: %+v, want all %d accepted", comp, res, len(events))
		}
	}
	got := s.Stats()
	want := Stats{Requests: 2, Events: int64(2 * len(events)), EventsDistinct: int64(len(events)), Bytes: got.Bytes}
	if got != want || got.Bytes == 0 {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// An event that is not an object or lacks UUID IDs is rejected alone, by index, as the
// platform does (docs/platform-api.md "Response").
func TestPlatformEventWithoutIDsRejected(t *testing.T) {
	s := NewSink()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	body := `{"traces": [
		{"traceId": "not-a-uuid", "spanId": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"},
		{"name": "x", "traceId": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "input": {"traceId": 1, "spanId": [2]},
		 "spanId": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", "metadata": {"a": [1, "]}"]}},
		5
	]}`
	resp, err := http.Post(srv.URL+"/v1/traces", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply struct {
		Accepted int `json:"accepted"`
		Rejected []struct {
			Index int    `json:"index"`
			Error string `json:"error"`
		} `json:"rejected"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || resp.StatusCode != 200 {
		t.Fatalf("HTTP %d, %v", resp.StatusCode, err)
	}
	if reply.Accepted != 1 || len(reply.Rejected) != 2 || reply.Rejected[0].Index != 0 || reply.Rejected[1].Index != 2 ||
		!strings.Contains(reply.Rejected[0].Error, "traceId") {
		t.Errorf("reply %+v, want 1 accepted, events 0 (traceId) and 2 rejected", reply)
	}
	if st := s.Stats(); st.Events != 1 || st.EventsDistinct != 1 || st.EventsRejected != 2 {
		t.Errorf("stats %+v", st)
	}
}

// OTLP/HTTP, protobuf with gzip as otlphttp sends it, and JSON as is: spans counted, an
// empty ExportTraceServiceResponse in the request's encoding.
func TestOTLPSpansCounted(t *testing.T) {
	raw, td := readCapture(t)
	s := NewSink()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	pb, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(pb)
	_ = zw.Close()

	for _, c := range []struct {
		ct, enc string
		body    []byte
	}{
		{"application/x-protobuf", "gzip", gz.Bytes()},
		{"application/json", "", raw},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/traces", bytes.NewReader(c.body))
		req.Header.Set("Content-Type", c.ct)
		if c.enc != "" {
			req.Header.Set("Content-Encoding", c.enc)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.ct {
			t.Fatalf("%s: HTTP %d %q: %s", c.ct, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
		er := ptraceotlp.NewExportResponse()
		if c.ct == "application/json" {
			err = er.UnmarshalJSON(b)
		} else {
			err = er.UnmarshalProto(b)
		}
		if err != nil || er.PartialSuccess().RejectedSpans() != 0 {
			t.Fatalf("%s: reply %q: %v", c.ct, b, err)
		}
	}
	if st := s.Stats(); st.Spans != int64(2*td.SpanCount()) || st.Requests != 2 || st.Events != 0 {
		t.Errorf("stats %+v, want %d spans in 2 requests", st, 2*td.SpanCount())
	}
}

// Bad input: a 4xx saying why, counted as a bad request and nothing else.
func TestBadRequestsCountNothing(t *testing.T) {
	_, td := readCapture(t)
	pb, _ := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	s := NewSink()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, c := range []struct {
		ct, enc, body string
		status        int
		says          string
	}{
		{"application/x-protobuf", "", string(pb[:len(pb)/2]), 400, "OTLP protobuf"},
		{"application/json", "", `{"traces": [{"traceId": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"`, 400, "traces"},
		{"application/json", "", `{"resourceSpans": [{]}`, 400, "OTLP JSON"},
		{"application/json", "", `[]`, 400, "not a JSON object"},
		{"application/json", "gzip", `{"traces": []}`, 400, "gzip"},
		{"application/json", "br", `{"traces": []}`, 400, "Content-Encoding"},
		{"text/plain", "", `{"traces": []}`, 415, "Content-Type"},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/traces", strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ct)
		if c.enc != "" {
			req.Header.Set("Content-Encoding", c.enc)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.says) {
			t.Errorf("%s %q: HTTP %d %s, want %d saying %q", c.ct, c.body, resp.StatusCode, b, c.status, c.says)
		}
	}
	if st := s.Stats(); st != (Stats{BadRequests: 7}) {
		t.Errorf("stats %+v, want only 7 bad requests", st)
	}
}
