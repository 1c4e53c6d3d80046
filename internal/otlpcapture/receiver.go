package otlpcapture

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"sync"

	"strings"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// MaxRequestBytes bounds one request body after decompression, bytes (32 MiB).
const MaxRequestBytes = 32 << 20

// Receiver collects the resource spans and resource logs of every OTLP/HTTP export request
// it accepts. It is safe for concurrent use.
type Receiver struct {
	mu       sync.Mutex
	traces   ptrace.Traces
	logs     plog.Logs
	requests int
}

// NewReceiver returns an empty Receiver.
func NewReceiver() *Receiver { return &Receiver{traces: ptrace.NewTraces(), logs: plog.NewLogs()} }

// signal is what one export request carries, told by its URL path.
type signal int

const (
	signalTraces signal = iota
	signalLogs
	signalMetrics
)

// signalOf reads the signal from the path: OTLP/HTTP's /v1/logs and /v1/metrics (under any
// prefix); every other path is a trace export, as OTLP/HTTP's /v1/traces or an SDK's own
// path (Langfuse's /api/public/otel/v1/traces).
func signalOf(path string) signal {
	p := strings.TrimSuffix(path, "/")
	switch {
	case strings.HasSuffix(p, "/v1/logs"):
		return signalLogs
	case strings.HasSuffix(p, "/v1/metrics"):
		return signalMetrics
	}
	return signalTraces
}

// exchange decodes one export request body and encodes its (empty) response.
type exchange interface {
	UnmarshalJSON([]byte) error
	UnmarshalProto([]byte) error
}

// ServeHTTP accepts one export request (see the package doc for the replies).
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "only POST", http.StatusMethodNotAllowed)
		return
	}
	sig := signalOf(req.URL.Path)
	if sig == signalMetrics {
		http.Error(w, "metrics are not recorded (only traces and logs)", http.StatusNotFound)
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
	var (
		ter  ptraceotlp.ExportRequest
		ler  plogotlp.ExportRequest
		dec  exchange
		resp interface {
			MarshalJSON() ([]byte, error)
			MarshalProto() ([]byte, error)
		}
	)
	if sig == signalLogs {
		ler = plogotlp.NewExportRequest()
		dec, resp = &ler, plogotlp.NewExportResponse()
	} else {
		ter = ptraceotlp.NewExportRequest()
		dec, resp = &ter, ptraceotlp.NewExportResponse()
	}
	if mt == "application/json" {
		err = dec.UnmarshalJSON(raw)
	} else {
		err = dec.UnmarshalProto(raw)
	}
	if err != nil {
		http.Error(w, "decoding the export request: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	if sig == signalLogs {
		ler.Logs().ResourceLogs().MoveAndAppendTo(r.logs.ResourceLogs())
	} else {
		ter.Traces().ResourceSpans().MoveAndAppendTo(r.traces.ResourceSpans())
	}
	r.requests++
	r.mu.Unlock()

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

// LogRecordCount is the number of log records recorded so far.
func (r *Receiver) LogRecordCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.LogRecordCount()
}

// Take returns the spans recorded so far and forgets them (the logs stay; TakeAll takes
// both), so one run can write several capture files.
func (r *Receiver) Take() ptrace.Traces {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.traces
	r.traces = ptrace.NewTraces()
	return t
}

// TakeAll returns the spans and the log records recorded so far and empties the Receiver.
func (r *Receiver) TakeAll() (ptrace.Traces, plog.Logs) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, l := r.traces, r.logs
	r.traces, r.logs = ptrace.NewTraces(), plog.NewLogs()
	return t, l
}

// Marshal renders traces as the OTLP JSON document of testdata/captures/.
func Marshal(t ptrace.Traces) ([]byte, error) {
	return (&ptrace.JSONMarshaler{}).MarshalTraces(t)
}

// MarshalDocument renders spans and log records as one OTLP JSON document
// {"resourceSpans": [...], "resourceLogs": [...]}: each array exactly as
// ptrace.JSONMarshaler and plog.JSONMarshaler write it. A side with nothing recorded is left
// out, so with no log record the document is byte for byte Marshal's.
func MarshalDocument(t ptrace.Traces, l plog.Logs) ([]byte, error) {
	if l.ResourceLogs().Len() == 0 {
		return Marshal(t)
	}
	lb, err := (&plog.JSONMarshaler{}).MarshalLogs(l)
	if err != nil {
		return nil, err
	}
	logs, err := field(lb, "resourceLogs")
	if err != nil {
		return nil, err
	}
	var doc bytes.Buffer
	doc.WriteByte('{')
	if t.ResourceSpans().Len() > 0 {
		tb, err := Marshal(t)
		if err != nil {
			return nil, err
		}
		spans, err := field(tb, "resourceSpans")
		if err != nil {
			return nil, err
		}
		doc.WriteString(`"resourceSpans":`)
		doc.Write(spans)
		doc.WriteByte(',')
	}
	doc.WriteString(`"resourceLogs":`)
	doc.Write(logs)
	doc.WriteByte('}')
	return doc.Bytes(), nil
}

// field is the raw value of key in the JSON object b, as b spells it.
func field(b []byte, key string) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	v, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("otlpcapture: no %q in the marshalled document", key)
	}
	return v, nil
}

// WriteFile writes traces to path as Marshal renders them (mode 0644), replacing the file.
func WriteFile(path string, t ptrace.Traces) error {
	b, err := Marshal(t)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// WriteDocument writes spans and log records to path as MarshalDocument renders them (mode
// 0644), replacing the file.
func WriteDocument(path string, t ptrace.Traces, l plog.Logs) error {
	b, err := MarshalDocument(t, l)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
