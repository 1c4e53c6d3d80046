package otlpcapture

import (
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"sync"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// MaxRequestBytes bounds one request body after decompression, bytes (32 MiB).
const MaxRequestBytes = 32 << 20

// Receiver collects the resource spans of every OTLP/HTTP export request it accepts. It is
// safe for concurrent use.
type Receiver struct {
	mu       sync.Mutex
	traces   ptrace.Traces
	requests int
}

// NewReceiver returns an empty Receiver.
func NewReceiver() *Receiver { return &Receiver{traces: ptrace.NewTraces()} }

// ServeHTTP accepts one export request (see the package doc for the replies).
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "only POST", http.StatusMethodNotAllowed)
		return
	}
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || (mt != "application/x-protobuf" && mt != "application/json") {
		http.Error(w, fmt.Sprintf("unsupported content type %q", req.Header.Get("Content-Type")), http.StatusUnsupportedMediaType)
		return
	}
	var body io.Reader = req.Body
	switch req.Header.Get("Content-Encoding") {
	case "", "identity":
	case "gzip":
		gz, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, "bad gzip stream: "+err.Error(), http.StatusBadRequest)
			return
		}
		defer gz.Close()
		body = gz
	default:
		http.Error(w, "unsupported content encoding", http.StatusUnsupportedMediaType)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(body, MaxRequestBytes+1))
	if err != nil {
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(raw) > MaxRequestBytes {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	er := ptraceotlp.NewExportRequest()
	if mt == "application/json" {
		err = er.UnmarshalJSON(raw)
	} else {
		err = er.UnmarshalProto(raw)
	}
	if err != nil {
		http.Error(w, "decoding the export request: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	er.Traces().ResourceSpans().MoveAndAppendTo(r.traces.ResourceSpans())
	r.requests++
	r.mu.Unlock()

	resp := ptraceotlp.NewExportResponse()
	var out []byte
	if mt == "application/json" {
		out, err = resp.MarshalJSON()
	} else {
		out, err = resp.MarshalProto()
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", mt)
	_, _ = w.Write(out)
}

// Requests is the number of export requests accepted so far.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// SpanCount is the number of spans recorded so far.
func (r *Receiver) SpanCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.traces.SpanCount()
}

// Take returns everything recorded so far and empties the Receiver, so one run can write
// several capture files.
func (r *Receiver) Take() ptrace.Traces {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.traces
	r.traces = ptrace.NewTraces()
	return t
}

// Marshal renders traces as the OTLP JSON document of testdata/captures/.
func Marshal(t ptrace.Traces) ([]byte, error) {
	return (&ptrace.JSONMarshaler{}).MarshalTraces(t)
}

// WriteFile writes traces to path as Marshal renders them (mode 0644), replacing the file.
func WriteFile(path string, t ptrace.Traces) error {
	b, err := Marshal(t)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
