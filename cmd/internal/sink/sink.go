package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// maxBody bounds one request body after decompression (the platform's own limit is 5 MiB,
// docs/platform-api.md "Limits"; OTLP/HTTP sets none, collectors commonly allow tens of MiB).
const maxBody = 64 << 20

// Stats are the sink's counts since it started, as GET /stats returns them.
type Stats struct {
	// Requests counts POST /v1/traces answered 2xx.
	Requests int64 `json:"requests"`
	// BadRequests counts requests answered 4xx (undecodable body, unknown Content-Type or
	// Content-Encoding); nothing of them is counted elsewhere.
	BadRequests int64 `json:"bad_requests"`
	// Events counts the platform's TraceEvents received and accepted, re-sends included.
	Events int64 `json:"events"`
	// EventsDistinct counts distinct (traceId, spanId) pairs among Events: what a platform,
	// which upserts by that pair, would hold.
	EventsDistinct int64 `json:"events_distinct"`
	// EventsRejected counts events answered in "rejected" (not an object, or traceId /
	// spanId missing or not a UUID).
	EventsRejected int64 `json:"events_rejected"`
	// Spans counts OTLP spans received.
	Spans int64 `json:"spans"`
	// Bytes sums the request bodies after decompression.
	Bytes int64 `json:"bytes"`
}

// Sink counts what it is sent; see the package doc. The zero value is not usable: NewSink.
type Sink struct {
	requests, badRequests, events, eventsRejected, spans, bytes atomic.Int64

	mu   sync.Mutex
	seen map[[32]byte]struct{} // traceId ‖ spanId of every accepted event

	zstd *zstd.Decoder // DecodeAll is safe for concurrent use
	gzip sync.Pool     // *gzip.Reader
}

// NewSink returns a Sink with all counts at zero.
func NewSink() *Sink {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
	if err != nil {
		panic(err) // only on invalid options
	}
	return &Sink{seen: make(map[[32]byte]struct{}), zstd: d}
}

// Stats returns the counts so far.
func (s *Sink) Stats() Stats {
	s.mu.Lock()
	distinct := int64(len(s.seen))
	s.mu.Unlock()
	return Stats{
		Requests: s.requests.Load(), BadRequests: s.badRequests.Load(),
		Events: s.events.Load(), EventsDistinct: distinct, EventsRejected: s.eventsRejected.Load(),
		Spans: s.spans.Load(), Bytes: s.bytes.Load(),
	}
}

// Handler serves POST /v1/traces and GET /stats.
func (s *Sink) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", s.traces)
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Stats())
	})
	return mux
}

func (s *Sink) traces(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, http.StatusBadRequest, err)
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-protobuf":
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalProto(body); err != nil {
			s.fail(w, http.StatusBadRequest, fmt.Errorf("OTLP protobuf: %w", err))
			return
		}
		s.countSpans(len(body), req)
		resp, _ := ptraceotlp.NewExportResponse().MarshalProto()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(resp)
	case "application/json":
		b, err := parseBatch(body)
		if errors.Is(err, errOTLP) {
			req := ptraceotlp.NewExportRequest()
			if err := req.UnmarshalJSON(body); err != nil {
				s.fail(w, http.StatusBadRequest, fmt.Errorf("OTLP JSON: %w", err))
				return
			}
			s.countSpans(len(body), req)
			resp, _ := ptraceotlp.NewExportResponse().MarshalJSON()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(resp)
			return
		}
		if err != nil {
			s.fail(w, http.StatusBadRequest, err)
			return
		}
		s.countEvents(len(body), b)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(b.reply())
	default:
		s.fail(w, http.StatusUnsupportedMediaType, fmt.Errorf("Content-Type %q is neither application/json nor application/x-protobuf", ct))
	}
}

func (s *Sink) countSpans(n int, req ptraceotlp.ExportRequest) {
	s.requests.Add(1)
	s.bytes.Add(int64(n))
	s.spans.Add(int64(req.Traces().SpanCount()))
}

func (s *Sink) countEvents(n int, b batch) {
	s.requests.Add(1)
	s.bytes.Add(int64(n))
	s.events.Add(int64(len(b.keys)))
	s.eventsRejected.Add(int64(len(b.rejected)))
	s.mu.Lock()
	for _, k := range b.keys {
		s.seen[k] = struct{}{}
	}
	s.mu.Unlock()
}

func (s *Sink) fail(w http.ResponseWriter, status int, err error) {
	s.badRequests.Add(1)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

// readBody reads the request body, decompressed per its Content-Encoding (gzip, zstd or
// identity), up to maxBody bytes.
func (s *Sink) readBody(r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	var body []byte
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
		body = raw
	case "gzip":
		zr, _ := s.gzip.Get().(*gzip.Reader)
		if zr == nil {
			zr = new(gzip.Reader)
		}
		defer s.gzip.Put(zr)
		if err := zr.Reset(bytes.NewReader(raw)); err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		if body, err = io.ReadAll(io.LimitReader(zr, maxBody+1)); err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
	case "zstd":
		if body, err = s.zstd.DecodeAll(raw, nil); err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
	default:
		return nil, fmt.Errorf("Content-Encoding %q is not gzip, zstd or identity", enc)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("body over %d bytes", maxBody)
	}
	return body, nil
}

// eventKey is an event's traceId ‖ spanId, the pair the platform upserts by.
func eventKey(traceID, spanID string) ([32]byte, error) {
	var k [32]byte
	t, err := uuid.Parse(traceID)
	if err != nil {
		return k, fmt.Errorf("traceId: %w", err)
	}
	sp, err := uuid.Parse(spanID)
	if err != nil {
		return k, fmt.Errorf("spanId: %w", err)
	}
	copy(k[:16], t[:])
	copy(k[16:], sp[:])
	return k, nil
}
