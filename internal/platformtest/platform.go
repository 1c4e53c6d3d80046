package platformtest

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/contract"
	"github.com/llmtrace/llmtrace/internal/platformtest/bodyenc"
	"github.com/llmtrace/llmtrace/platform"
)

// Request is one POST /v1/traces as the platform read it.
type Request struct {
	Header http.Header
	// WireBytes is the body size on the wire, in bytes (before decompression).
	WireBytes int
	// Body is the request body after undoing exactly one Content-Encoding layer.
	Body []byte
	// Events are the events that passed contract.DecodeEvent, in batch order.
	Events []platform.TraceEvent
	// Rejected lists the events that did not, by index in the batch.
	Rejected []Rejection
	// Received is when the platform finished reading the request.
	Received time.Time

	ctx context.Context
}

// Context is the request's context: done when the client gives up or the connection closes.
func (r *Request) Context() context.Context { return r.ctx }

// Rejection is one entry of a 200 reply's "rejected" list (docs/platform-api.md, Response).
type Rejection struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// Key identifies a stored event: the platform's (traceId, spanId).
type Key struct{ TraceID, SpanID string }

// Reply may answer request n (0-based, in arrival order) itself and return true; returning
// false lets the platform store the request's events and answer 200 as usual.
type Reply func(n int, req *Request, w http.ResponseWriter) (handled bool)

// Platform is a loopback platform; see the package doc. Safe for concurrent use.
type Platform struct {
	srv *httptest.Server

	mu       sync.Mutex
	reply    Reply
	replyTo  map[int]Reply
	requests []*Request
	stored   map[Key]platform.TraceEvent
}

// New starts a Platform on a free loopback port; it is closed when the test ends.
func New(t testing.TB) *Platform {
	t.Helper()
	return start(t, nil)
}

// NewOnListener starts a Platform serving l (e.g. an address a client was already given
// while nothing listened there); it is closed when the test ends.
func NewOnListener(t testing.TB, l net.Listener) *Platform {
	t.Helper()
	return start(t, l)
}

func start(t testing.TB, l net.Listener) *Platform {
	p := &Platform{replyTo: map[int]Reply{}, stored: map[Key]platform.TraceEvent{}}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	if l != nil {
		_ = p.srv.Listener.Close()
		p.srv.Listener = l
	}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the platform's base URL (http://127.0.0.1:port), the endpoint a shipper is given.
func (p *Platform) URL() string { return p.srv.URL }

// Close stops the platform now; later requests fail to connect.
func (p *Platform) Close() { p.srv.Close() }

// SetReply answers every request with r (nil: the default answer).
func (p *Platform) SetReply(r Reply) {
	p.mu.Lock()
	p.reply = r
	p.mu.Unlock()
}

// ReplyTo answers request n (0-based) with r, ahead of SetReply's reply.
func (p *Platform) ReplyTo(n int, r Reply) {
	p.mu.Lock()
	p.replyTo[n] = r
	p.mu.Unlock()
}

// Requests returns the requests read so far, in arrival order.
func (p *Platform) Requests() []*Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*Request(nil), p.requests...)
}

// RequestCount is len(Requests()).
func (p *Platform) RequestCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.requests)
}

// Events returns the valid events of every request, in arrival order, whatever the reply
// (an event sent again after a failed request appears twice).
func (p *Platform) Events() []platform.TraceEvent {
	var out []platform.TraceEvent
	for _, r := range p.Requests() {
		out = append(out, r.Events...)
	}
	return out
}

// Stored returns a copy of the events the platform accepted (default answer), by key.
func (p *Platform) Stored() map[Key]platform.TraceEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Key]platform.TraceEvent, len(p.stored))
	for k, v := range p.stored {
		out[k] = v
	}
	return out
}

func (p *Platform) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" {
		writeError(w, r.Header, http.StatusNotFound, "not found", nil)
		return
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, r.Header, http.StatusBadRequest, "read", nil)
		return
	}
	body, err := DecodeBody(r.Header.Get("Content-Encoding"), raw)
	if err != nil {
		writeError(w, r.Header, http.StatusBadRequest, "bad Content-Encoding", []string{err.Error()})
		return
	}
	var batch struct {
		Traces []json.RawMessage `json:"traces"`
	}
	if err := json.Unmarshal(body, &batch); err != nil {
		writeError(w, r.Header, http.StatusBadRequest, "malformed batch", []string{err.Error()})
		return
	}
	req := &Request{Header: r.Header.Clone(), WireBytes: len(raw), Body: body, ctx: r.Context()}
	for i, e := range batch.Traces {
		ev, err := contract.DecodeEvent(e)
		if err != nil {
			req.Rejected = append(req.Rejected, Rejection{Index: i, Error: err.Error()})
			continue
		}
		req.Events = append(req.Events, ev)
	}
	req.Received = time.Now()

	p.mu.Lock()
	n := len(p.requests)
	p.requests = append(p.requests, req)
	reply := p.reply
	if r, ok := p.replyTo[n]; ok {
		reply = r
	}
	p.mu.Unlock()
	if reply != nil && reply(n, req, w) {
		return
	}
	p.mu.Lock()
	for _, ev := range req.Events {
		p.stored[Key{ev.TraceID, ev.SpanID}] = ev
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"accepted": len(req.Events), "rejected": req.Rejected})
}

// DecodeBody undoes exactly one Content-Encoding layer ("", "gzip" or "zstd"); see
// bodyenc.Decode, which tests inside package platform use directly.
func DecodeBody(encoding string, raw []byte) ([]byte, error) { return bodyenc.Decode(encoding, raw) }

// Accept writes the contract's success reply: 200 {"accepted": n}.
func Accept(w http.ResponseWriter, n int) {
	writeJSON(w, http.StatusOK, map[string]int{"accepted": n})
}

// writeError writes the contract's error body {"error": msg, "details": [...]} quoting the
// request's Authorization header (EchoAuthorization).
func writeError(w http.ResponseWriter, h http.Header, status int, msg string, details []string) {
	b, _ := json.Marshal(map[string]any{"error": msg, "details": details})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, EchoAuthorization(string(b), h))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
