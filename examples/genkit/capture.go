package main

import (
	"io"
	"net/http"
	"os"
	"sync"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// maxCaptureRequestBytes bounds one export request the capture receiver reads (32 MiB).
const maxCaptureRequestBytes = 32 << 20

// captureReceiver is the loopback endpoint of -capture: it takes the OTLP/HTTP export
// requests of the program's own otlptracehttp exporter (protobuf, uncompressed: run.go
// configures it so) and keeps their resource spans in arrival order, for writeCapture. A
// body that is not an ExportTraceServiceRequest is answered 400 and changes nothing. Safe
// for concurrent use.
type captureReceiver struct {
	mu     sync.Mutex
	traces ptrace.Traces
}

func newCaptureReceiver() *captureReceiver { return &captureReceiver{traces: ptrace.NewTraces()} }

func (c *captureReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCaptureRequestBytes))
	if err != nil {
		http.Error(w, "reading the body: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(body); err != nil {
		http.Error(w, "decoding the export request: "+err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	req.Traces().ResourceSpans().MoveAndAppendTo(c.traces.ResourceSpans())
	c.mu.Unlock()
	resp, err := ptraceotlp.NewExportResponse().MarshalProto()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(resp)
}

// take returns the spans received so far and empties the receiver (one capture file per
// scenario group).
func (c *captureReceiver) take() ptrace.Traces {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.traces
	c.traces = ptrace.NewTraces()
	return t
}

// writeCapture writes t to path as one OTLP JSON document in the canonical protobuf-JSON
// form of ptrace.JSONMarshaler (hex IDs, int64 as strings): the format of the files in
// testdata/captures/.
func writeCapture(path string, t ptrace.Traces) error {
	b, err := (&ptrace.JSONMarshaler{}).MarshalTraces(t)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
