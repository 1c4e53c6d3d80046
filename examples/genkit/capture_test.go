package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// A body that is not an ExportTraceServiceRequest is refused with 400 and loses nothing
// already received; a valid request after it is recorded.
func TestCaptureReceiverRefusesGarbage(t *testing.T) {
	rcv := newCaptureReceiver()
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	post := func(body []byte) int {
		resp, err := http.Post(srv.URL+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("first")
	valid, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	if code := post(valid); code != http.StatusOK {
		t.Fatalf("valid request: %d", code)
	}
	if code := post([]byte{0xff, 0xff, 0xff}); code != http.StatusBadRequest {
		t.Errorf("garbage: %d, want 400", code)
	}
	got := rcv.take()
	if got.SpanCount() != 1 || got.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Name() != "first" {
		t.Errorf("recorded %d spans", got.SpanCount())
	}
	if rcv.take().SpanCount() != 0 {
		t.Error("take did not empty the receiver")
	}
}
