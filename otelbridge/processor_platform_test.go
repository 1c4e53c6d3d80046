package otelbridge_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/otelbridge"
)

// procPlatform is a loopback stand-in for the platform: it decodes each POST /v1/traces
// (gzip or identity), reads every event strictly with otelbridge.DecodeEvent (the
// contract's reading), stores valid ones by spanId and answers per the contract. A reply
// hook can override the answer of a request (faults).
type procPlatform struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	events   map[string]otelbridge.TraceEvent // by spanId
	requests int
	auth     []string
	// reply, when set, may answer a request itself (return true) instead of storing it.
	reply func(n int, w http.ResponseWriter, events []otelbridge.TraceEvent) bool
}

func newProcPlatform(t *testing.T) *procPlatform {
	t.Helper()
	p := &procPlatform{t: t, events: map[string]otelbridge.TraceEvent{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *procPlatform) URL() string { return p.srv.URL }

func (p *procPlatform) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, `{"error":"bad gzip"}`, http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, `{"error":"read"}`, http.StatusBadRequest)
		return
	}
	var batch struct {
		Traces []json.RawMessage `json:"traces"`
	}
	if err := json.Unmarshal(raw, &batch); err != nil {
		http.Error(w, `{"error":"malformed batch"}`, http.StatusBadRequest)
		return
	}
	events := make([]otelbridge.TraceEvent, 0, len(batch.Traces))
	type rejection struct {
		Index int    `json:"index"`
		Error string `json:"error"`
	}
	var rejected []rejection
	for i, rawEv := range batch.Traces {
		ev, err := otelbridge.DecodeEvent(bytes.TrimSpace(rawEv))
		if err != nil {
			rejected = append(rejected, rejection{i, err.Error()})
			continue
		}
		events = append(events, ev)
	}
	p.mu.Lock()
	p.requests++
	n := p.requests
	p.auth = append(p.auth, r.Header.Get("Authorization"))
	hook := p.reply
	p.mu.Unlock()
	if hook != nil && hook(n, w, events) {
		return
	}
	p.mu.Lock()
	for _, ev := range events {
		p.events[ev.SpanID] = ev
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"accepted": len(events), "rejected": rejected})
}

func (p *procPlatform) setReply(f func(n int, w http.ResponseWriter, events []otelbridge.TraceEvent) bool) {
	p.mu.Lock()
	p.reply = f
	p.mu.Unlock()
}

// stored returns a copy of the stored events by spanId.
func (p *procPlatform) stored() map[string]otelbridge.TraceEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]otelbridge.TraceEvent, len(p.events))
	for k, v := range p.events {
		out[k] = v
	}
	return out
}

func (p *procPlatform) requestCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// waitFor polls cond every 5 ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
