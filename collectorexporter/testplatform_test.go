package collectorexporter

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/llmtrace/llmtrace/otelbridge"
)

// platformRequest is one POST /v1/traces as the platform saw it.
type platformRequest struct {
	Header http.Header
	// Body is the request body after undoing exactly the one Content-Encoding layer.
	Body   []byte
	Events []otelbridge.TraceEvent
}

// testPlatform is a loopback stand-in for the platform: it decodes every request (one
// Content-Encoding layer), records it, and answers with reply(n, req) for the n-th request
// (0-based); a nil reply answers 200 {"accepted": len(events)}.
type testPlatform struct {
	t     testing.TB
	srv   *httptest.Server
	reply func(n int, req *platformRequest, w http.ResponseWriter)

	mu   sync.Mutex
	reqs []*platformRequest
}

func newTestPlatform(t testing.TB, reply func(n int, req *platformRequest, w http.ResponseWriter)) *testPlatform {
	p := &testPlatform{t: t, reply: reply}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testPlatform) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, `{"error":"read"}`, http.StatusBadRequest)
		return
	}
	body := raw
	switch r.Header.Get("Content-Encoding") {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			http.Error(w, `{"error":"invalid gzip"}`, http.StatusBadRequest)
			return
		}
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(raw))
		if err == nil {
			body, err = io.ReadAll(zr)
			zr.Close()
		}
		if err != nil {
			http.Error(w, `{"error":"invalid zstd"}`, http.StatusBadRequest)
			return
		}
	case "":
	default:
		http.Error(w, `{"error":"unsupported Content-Encoding"}`, http.StatusBadRequest)
		return
	}
	var batch otelbridge.Batch
	if err := json.Unmarshal(body, &batch); err != nil {
		http.Error(w, `{"error":"malformed JSON","details":["`+err.Error()+`"]}`, http.StatusBadRequest)
		return
	}
	req := &platformRequest{Header: r.Header.Clone(), Body: body, Events: batch.Traces}
	p.mu.Lock()
	n := len(p.reqs)
	p.reqs = append(p.reqs, req)
	p.mu.Unlock()
	if p.reply != nil {
		p.reply(n, req, w)
		return
	}
	accept(w, len(req.Events))
}

func accept(w http.ResponseWriter, n int) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]int{"accepted": n})
}

func (p *testPlatform) requests() []*platformRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*platformRequest(nil), p.reqs...)
}

// events returns every event received, in arrival order.
func (p *testPlatform) events() []otelbridge.TraceEvent {
	var out []otelbridge.TraceEvent
	for _, r := range p.requests() {
		out = append(out, r.Events...)
	}
	return out
}
