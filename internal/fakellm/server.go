package fakellm

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer: a status, headers and either a JSON body or SSE events.
type Reply struct {
	Status int
	Header http.Header
	Body   string        // the body as sent (JSON replies)
	Events []Event       // SSE events, each flushed on its own (stream replies)
	Delay  time.Duration // before each SSE event
	// Hold, when set, is waited for after the first SSE event is flushed (a test reads that
	// event while the rest of the stream is still unsent).
	Hold <-chan struct{}
}

// Event is one Server-Sent Event: its optional event name and its data line.
type Event struct {
	Name string
	Data string
}

// WithHeader returns r with header k: v added.
func (r Reply) WithHeader(k, v string) Reply {
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Add(k, v)
	r.Header = h
	return r
}

// Request is what the server was sent.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Server is a loopback fake provider (an httptest server on 127.0.0.1).
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	queue    []Reply
	def      *Reply
	requests []Request
}

// New starts a Server, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{t: t}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// Enqueue adds replies, served one per request in order.
func (s *Server) Enqueue(rs ...Reply) {
	s.mu.Lock()
	s.queue = append(s.queue, rs...)
	s.mu.Unlock()
}

// SetDefault sets the reply served when the queue is empty (without one, such a request is
// a test failure and is answered 500).
func (s *Server) SetDefault(r Reply) {
	s.mu.Lock()
	s.def = &r
	s.mu.Unlock()
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	var rep Reply
	switch {
	case len(s.queue) > 0:
		rep, s.queue = s.queue[0], s.queue[1:]
	case s.def != nil:
		rep = *s.def
	default:
		s.mu.Unlock()
		s.t.Errorf("fakellm: unexpected request %s %s", r.Method, r.URL.Path)
		http.Error(w, "fakellm: no reply queued", http.StatusInternalServerError)
		return
	}
	s.mu.Unlock()
	write(w, rep)
}

func write(w http.ResponseWriter, rep Reply) {
	for k, vs := range rep.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	if rep.Events == nil {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, rep.Body)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	fl, _ := w.(http.Flusher)
	for i, ev := range rep.Events {
		if i == 1 && rep.Hold != nil {
			<-rep.Hold
		}
		if rep.Delay > 0 {
			time.Sleep(rep.Delay)
		}
		if ev.Name != "" {
			io.WriteString(w, "event: "+ev.Name+"\n")
		}
		io.WriteString(w, "data: "+ev.Data+"\n\n")
		if fl != nil {
			fl.Flush()
		}
	}
}
