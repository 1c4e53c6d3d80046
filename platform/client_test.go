package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestNewClientConfigurationErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cfg   ClientConfig
		field string
	}{
		{"missing endpoint", ClientConfig{}, "endpoint"},
		{"blank endpoint", ClientConfig{Endpoint: "  "}, "endpoint"},
		{"unparsable", ClientConfig{Endpoint: "http://[::1"}, "endpoint"},
		{"ftp scheme", ClientConfig{Endpoint: "ftp://example.com"}, "endpoint"},
		{"no scheme", ClientConfig{Endpoint: "example.com/v1"}, "endpoint"},
		{"host:port without scheme", ClientConfig{Endpoint: "localhost:8787"}, "endpoint"},
		{"no host", ClientConfig{Endpoint: "http://"}, "endpoint"},
		{"empty host", ClientConfig{Endpoint: "https:///v1/traces"}, "endpoint"},
		{"port only", ClientConfig{Endpoint: "http://:8080"}, "endpoint"},
		{"unknown compression", ClientConfig{Endpoint: "http://h", Compression: "brotli"}, "compression"},
		{"negative timeout", ClientConfig{Endpoint: "http://h", Timeout: -time.Second}, "timeout"},
		{"negative max events", ClientConfig{Endpoint: "http://h", MaxEventsPerRequest: -1}, "max_events_per_request"},
		{"max events over contract", ClientConfig{Endpoint: "http://h", MaxEventsPerRequest: MaxEventsPerRequest + 1}, "max_events_per_request"},
		{"negative max bytes", ClientConfig{Endpoint: "http://h", MaxRequestBytes: -1}, "max_request_bytes"},
		{"max bytes over contract", ClientConfig{Endpoint: "http://h", MaxRequestBytes: MaxRequestBytes + 1}, "max_request_bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.APIKey = "sk-secret-config-key"
			c, err := NewClient(tt.cfg)
			var ce *ConfigurationError
			if !errors.As(err, &ce) {
				t.Fatalf("NewClient = %v, %v; want a *ConfigurationError", c, err)
			}
			if ce.Field != tt.field || ce.Reason == "" {
				t.Errorf("ConfigurationError = %+v, want field %q with a reason", ce, tt.field)
			}
			if strings.Contains(err.Error(), "sk-secret-config-key") {
				t.Errorf("error reveals the API key: %v", err)
			}
		})
	}
}

func TestNewClientURLAndDefaults(t *testing.T) {
	for endpoint, want := range map[string]string{
		"http://localhost:8787":              "http://localhost:8787/v1/traces",
		"http://localhost:8787/":             "http://localhost:8787/v1/traces",
		" https://api.example.com/base// ":   "https://api.example.com/base/v1/traces",
		"https://api.example.com/v1/traces":  "https://api.example.com/v1/traces",
		"HTTPS://api.example.com/v1/traces/": "https://api.example.com/v1/traces",
		"http://[::1]:4318/ingest?tenant=a":  "http://[::1]:4318/ingest/v1/traces?tenant=a",
	} {
		c, err := NewClient(ClientConfig{Endpoint: endpoint, Compression: "ZSTD"})
		if err != nil {
			t.Errorf("NewClient(%q): %v", endpoint, err)
			continue
		}
		if c.URL() != want {
			t.Errorf("NewClient(%q).URL() = %q, want %q", endpoint, c.URL(), want)
		}
		if c.compression != CompressionZstd || c.maxEvents != MaxEventsPerRequest || c.maxBytes != MaxRequestBytes ||
			c.userAgent != "llmtrace-client/"+Version || c.httpClient.Timeout != DefaultTimeout {
			t.Errorf("defaults: compression %q maxEvents %d maxBytes %d UA %q timeout %v",
				c.compression, c.maxEvents, c.maxBytes, c.userAgent, c.httpClient.Timeout)
		}
	}
	c, _ := NewClient(ClientConfig{Endpoint: "http://h"})
	if c.compression != CompressionGzip {
		t.Errorf("default compression = %q, want gzip", c.compression)
	}
}

func TestSendCompressionAndHeaders(t *testing.T) {
	for _, tt := range []struct{ compression, wantEncoding string }{
		{"", "gzip"}, {"gzip", "gzip"}, {"zstd", "zstd"}, {"none", ""},
	} {
		t.Run("compression="+tt.compression, func(t *testing.T) {
			p := newLoopbackPlatform(t, nil)
			c := newLoopbackClient(t, p, ClientConfig{APIKey: "sk-test-123", Compression: tt.compression})
			events := clientTestEvents(5)
			res, err := c.Send(context.Background(), events)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			checkSendResult(t, len(events), res)
			if res.Accepted != 5 {
				t.Errorf("Accepted = %d, want 5", res.Accepted)
			}
			reqs := p.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			h := reqs[0].header
			for k, want := range map[string]string{
				"Content-Encoding": tt.wantEncoding,
				"Content-Type":     "application/json",
				"Authorization":    "Bearer sk-test-123",
				"User-Agent":       "llmtrace-client/0.1.0",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if tt.wantEncoding != "" && reqs[0].rawLen >= len(reqs[0].body) {
				t.Errorf("%s body is %d bytes for %d decompressed", tt.wantEncoding, reqs[0].rawLen, len(reqs[0].body))
			}
			if !slices.Equal(reqs[0].spanIDs, spanIDsAt(events, 0, 1, 2, 3, 4)) {
				t.Errorf("spanIds = %v", reqs[0].spanIDs)
			}
			// The body is exactly the events as encoding/json writes them, in order.
			var batch struct{ Traces []TraceEvent }
			if err := json.Unmarshal(reqs[0].body, &batch); err != nil || len(batch.Traces) != 5 {
				t.Fatalf("decoding body: %v", err)
			}
			if batch.Traces[3].Usage.TotalTokens != 100 || !batch.Traces[3].StartTime.Equal(events[3].StartTime) ||
				string(batch.Traces[3].Input) != string(events[3].Input) {
				t.Errorf("event 3 round trip: %+v", batch.Traces[3])
			}
		})
	}
}

func TestSendIdempotencyKeyAndUserAgent(t *testing.T) {
	p := newLoopbackPlatform(t, nil)
	c := newLoopbackClient(t, p, ClientConfig{UserAgent: "llmtrace-collectorexporter/0.1.0"})
	events := clientTestEvents(4)
	for _, evs := range [][]TraceEvent{events, events, events[1:]} {
		if _, err := c.Send(context.Background(), evs); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	reqs := p.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	keys := make([]string, 3)
	for i, r := range reqs {
		keys[i] = r.header.Get("Idempotency-Key")
		u, err := uuid.Parse(keys[i])
		if err != nil || u.Version() != 8 || u.Variant() != uuid.RFC4122 {
			t.Errorf("Idempotency-Key %q: %v, version %d, variant %v; want a UUID v8", keys[i], err, u.Version(), u.Variant())
		}
		if ua := r.header.Get("User-Agent"); ua != "llmtrace-collectorexporter/0.1.0" {
			t.Errorf("User-Agent = %q", ua)
		}
		if a, ok := r.header["Authorization"]; ok {
			t.Errorf("Authorization sent without an API key: %q", a)
		}
	}
	if keys[0] != keys[1] {
		t.Errorf("same events, different keys: %s %s", keys[0], keys[1])
	}
	if keys[0] == keys[2] {
		t.Errorf("different events, same key %s", keys[0])
	}
	// The same events get the same key whatever the compression.
	z := newLoopbackClient(t, p, ClientConfig{Compression: "zstd"})
	if _, err := z.Send(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	if k := p.requests()[3].header.Get("Idempotency-Key"); k != keys[0] {
		t.Errorf("zstd request key %s, gzip key %s", k, keys[0])
	}
}

func TestSendSplitsByCount(t *testing.T) {
	p := newLoopbackPlatform(t, nil)
	c := newLoopbackClient(t, p, ClientConfig{MaxEventsPerRequest: 4})
	events := clientTestEvents(10)
	res, err := c.Send(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	checkSendResult(t, 10, res)
	reqs := p.requests()
	want := [][]int{indexRange(0, 4), indexRange(4, 8), indexRange(8, 10)}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if !slices.Equal(r.spanIDs, spanIDsAt(events, want[i]...)) {
			t.Errorf("request %d carries %v, want events %v", i, r.spanIDs, want[i])
		}
	}
}

func TestSendSplitsByBytes(t *testing.T) {
	// Events of varied sizes (≈1.3 KB plus 0–3 KB of input).
	events := clientTestEvents(40)
	for i := range events {
		events[i].Metadata.Set("padding", strings.Repeat("x", (i*737)%3000))
	}
	const limit = 8 << 10
	p := newLoopbackPlatform(t, nil)
	c := newLoopbackClient(t, p, ClientConfig{MaxRequestBytes: limit, Compression: "zstd"})
	res, err := c.Send(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	checkSendResult(t, len(events), res)
	if res.Accepted != len(events) {
		t.Fatalf("Accepted = %d", res.Accepted)
	}
	reqs := p.requests()
	if len(reqs) < 8 {
		t.Fatalf("only %d requests for ~%d KB under an 8 KiB limit", len(reqs), 40*2800/1024)
	}
	next := 0
	for i, r := range reqs {
		if len(r.body) > limit {
			t.Errorf("request %d: %d bytes decompressed, over %d", i, len(r.body), limit)
		}
		if !slices.Equal(r.spanIDs, spanIDsAt(events, indexRange(next, next+len(r.spanIDs))...)) {
			t.Fatalf("request %d out of order", i)
		}
		next += len(r.spanIDs)
		// Packing is greedy: the next event would not have fit.
		if next < len(events) {
			nextJSON, _ := json.Marshal(events[next])
			if len(r.body)+1+len(nextJSON) <= limit {
				t.Errorf("request %d: %d bytes, the next event (%d bytes) would have fit", i, len(r.body), len(nextJSON))
			}
		}
	}
	if next != len(events) {
		t.Errorf("requests carried %d events, want %d", next, len(events))
	}
}

func TestSendPartialRejectionAcrossChunks(t *testing.T) {
	// Each request has its second event (request index 1) rejected by the platform.
	p := newLoopbackPlatform(t, func(n int, rr platformRequest) (int, http.Header, string) {
		return 200, nil, fmt.Sprintf(`{"accepted":%d,"rejected":[{"index":1,"error":"usage.cost_usd: too precise"},{"index":99,"error":"not in this request"}]}`, len(rr.spanIDs)-1)
	})
	c := newLoopbackClient(t, p, ClientConfig{MaxEventsPerRequest: 3})
	events := clientTestEvents(9)
	events[2].Type = "agent" // invalid: rejected locally, never sent
	res, err := c.Send(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	checkSendResult(t, len(events), res)
	// Sent: [0 1 3] [4 5 6] [7 8] → platform rejects 1, 5, 8; locally rejected 2.
	var got []int
	for _, r := range res.Rejected {
		got = append(got, r.Index)
	}
	if !slices.Equal(got, []int{1, 2, 5, 8}) {
		t.Fatalf("Rejected indices = %v, want [1 2 5 8]", got)
	}
	if res.Accepted != 5 {
		t.Errorf("Accepted = %d, want 5", res.Accepted)
	}
	if r := res.Rejected[2]; r.Error != "llmtrace: event #5 rejected by the platform: usage.cost_usd: too precise" {
		t.Errorf("platform rejection text: %q", r.Error)
	}
	if r := res.Rejected[1]; !containsAllOf(r.Error, "invalid event #2", `"agent"`, "type") {
		t.Errorf("local rejection text: %q", r.Error)
	}
}

func TestSendInvalidEventsRejectedLocally(t *testing.T) {
	p := newLoopbackPlatform(t, nil)
	c := newLoopbackClient(t, p, ClientConfig{})
	events := clientTestEvents(6)
	events[0].TraceID = "not-a-uuid"
	events[2].Input = json.RawMessage(`"` + strings.Repeat("a", MaxEventBytes) + `"`)
	events[3].Metadata.Set("bad", func() {}) // encoding/json cannot serialize it
	events[5].Usage.PromptTokens = -1
	res, err := c.Send(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	checkSendResult(t, len(events), res)
	want := map[int][]string{
		0: {"invalid event #0", "traceId", "not a UUID v7"},
		2: {"invalid event #2", "over the 1048576 byte limit"},
		3: {"invalid event #3", "cannot be serialized"},
		5: {"invalid event #5", "usage.prompt_tokens", "negative"},
	}
	if len(res.Rejected) != len(want) {
		t.Fatalf("Rejected = %+v", res.Rejected)
	}
	for _, r := range res.Rejected {
		if !containsAllOf(r.Error, want[r.Index]...) {
			t.Errorf("Rejected #%d: %q, want %q", r.Index, r.Error, want[r.Index])
		}
	}
	reqs := p.requests()
	if len(reqs) != 1 || !slices.Equal(reqs[0].spanIDs, spanIDsAt(events, 1, 4)) {
		t.Fatalf("platform got %d requests %v; want one with events 1 and 4", len(reqs), reqs)
	}

	// Nothing valid: no request at all.
	res, err = c.Send(context.Background(), events[:1])
	if err != nil || len(res.Rejected) != 1 || len(p.requests()) != 1 {
		t.Errorf("all-invalid Send: %+v, %v, %d requests", res, err, len(p.requests()))
	}
	res, err = c.Send(context.Background(), nil)
	if err != nil || res.Accepted != 0 || len(p.requests()) != 1 {
		t.Errorf("empty Send: %+v, %v", res, err)
	}
}

func TestSendEventLargerThanConfiguredRequest(t *testing.T) {
	p := newLoopbackPlatform(t, nil)
	c := newLoopbackClient(t, p, ClientConfig{MaxRequestBytes: 2000})
	events := clientTestEvents(3)
	events[1].Metadata.Set("padding", strings.Repeat("x", 2000))
	res, err := c.Send(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	checkSendResult(t, 3, res)
	if len(res.Rejected) != 1 || res.Rejected[0].Index != 1 || !strings.Contains(res.Rejected[0].Error, "max_request_bytes 2000") {
		t.Errorf("Rejected = %+v", res.Rejected)
	}
	if n := len(p.requests()); n != 2 {
		t.Errorf("%d requests, want 2 (one event each under 2000 bytes)", n)
	}
}

func TestSend413HalvesDownToOneEvent(t *testing.T) {
	events := clientTestEvents(8)
	big := events[5].SpanID
	// The platform refuses any request carrying event 5.
	p := newLoopbackPlatform(t, func(n int, rr platformRequest) (int, http.Header, string) {
		if slices.Contains(rr.spanIDs, big) {
			return http.StatusRequestEntityTooLarge, nil, `{"error":"payload too large"}`
		}
		return 200, nil, fmt.Sprintf(`{"accepted":%d}`, len(rr.spanIDs))
	})
	c := newLoopbackClient(t, p, ClientConfig{})
	res, err := c.Send(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	checkSendResult(t, len(events), res)
	if res.Accepted != 7 || len(res.Rejected) != 1 || res.Rejected[0].Index != 5 ||
		!containsAllOf(res.Rejected[0].Error, "#5", "too large for the platform", "413") {
		t.Fatalf("result = %+v", res)
	}
	want := [][]int{indexRange(0, 8), indexRange(0, 4), indexRange(4, 8), indexRange(4, 6), {4}, {5}, {6, 7}}
	reqs := p.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if !slices.Equal(r.spanIDs, spanIDsAt(events, want[i]...)) {
			t.Errorf("request %d: %d events, want events %v", i, len(r.spanIDs), want[i])
		}
	}
}

func TestSendStopsAtFailureAndReportsUndelivered(t *testing.T) {
	t.Run("second chunk 503", func(t *testing.T) {
		p := newLoopbackPlatform(t, func(n int, rr platformRequest) (int, http.Header, string) {
			if n == 1 {
				return 503, http.Header{"Retry-After": {"7"}}, `{"error":"overloaded"}`
			}
			return 200, nil, fmt.Sprintf(`{"accepted":%d}`, len(rr.spanIDs))
		})
		c := newLoopbackClient(t, p, ClientConfig{MaxEventsPerRequest: 3})
		events := clientTestEvents(9)
		events[4].Name = "" // rejected locally, inside the failing chunk's range
		res, err := c.Send(context.Background(), events)
		checkSendResult(t, len(events), res)
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.StatusCode != 503 || !ne.Retryable || ne.RetryAfter != 7*time.Second {
			t.Fatalf("err = %v, want a retryable 503 with Retry-After 7s", err)
		}
		if d, ok := RetryDelay(err); !ok || d != 7*time.Second {
			t.Errorf("RetryDelay = %v, %v", d, ok)
		}
		// Sent [0 1 2] ok, [3 5 6] 503; [7 8] never sent.
		if res.Accepted != 3 || !slices.Equal(res.Undelivered, []int{3, 5, 6, 7, 8}) || len(res.Rejected) != 1 || res.Rejected[0].Index != 4 {
			t.Errorf("result = %+v", res)
		}
		if n := len(p.requests()); n != 2 {
			t.Errorf("%d requests, want 2 (Send stops at the failure)", n)
		}
	})
	t.Run("413 then 500 in the second half", func(t *testing.T) {
		p := newLoopbackPlatform(t, func(n int, rr platformRequest) (int, http.Header, string) {
			switch {
			case len(rr.spanIDs) > 4:
				return 413, nil, ""
			case n == 2:
				return 500, nil, ""
			}
			return 200, nil, ""
		})
		c := newLoopbackClient(t, p, ClientConfig{MaxEventsPerRequest: 8})
		events := clientTestEvents(12)
		res, err := c.Send(context.Background(), events)
		checkSendResult(t, len(events), res)
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.StatusCode != 500 || !ne.Retryable {
			t.Fatalf("err = %v", err)
		}
		// [0..7] 413 → [0..3] ok, [4..7] 500; [8..11] never sent.
		if res.Accepted != 4 || !slices.Equal(res.Undelivered, indexRange(4, 12)) {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("400 permanent", func(t *testing.T) {
		p := newLoopbackPlatform(t, func(int, platformRequest) (int, http.Header, string) {
			return 400, nil, `{"error":"invalid batch","details":["traces[0].spanId: duplicate"]}`
		})
		c := newLoopbackClient(t, p, ClientConfig{})
		res, err := c.Send(context.Background(), clientTestEvents(3))
		checkSendResult(t, 3, res)
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.Retryable || !containsAllOf(ne.Message, "invalid batch", "traces[0].spanId: duplicate") {
			t.Fatalf("err = %v", err)
		}
		if _, ok := RetryDelay(err); ok || !slices.Equal(res.Undelivered, []int{0, 1, 2}) {
			t.Errorf("RetryDelay retryable or Undelivered %v", res.Undelivered)
		}
	})
}

// TestSendReplyTable drives every row of the contract's Response table through a real
// loopback server.
func TestSendReplyTable(t *testing.T) {
	for _, tt := range []struct {
		status     int
		header     http.Header
		body       string
		retryable  bool
		retryAfter time.Duration
		ok         bool
	}{
		{status: 200, body: `{"accepted":2}`, ok: true},
		{status: 202, body: `{"accepted":2}`, ok: true},
		{status: 400, body: `{"error":"bad","details":[]}`},
		{status: 401, body: `{"error":"no key"}`},
		{status: 403, body: `{"error":"forbidden"}`},
		{status: 404},
		{status: 408, retryable: true},
		{status: 429, header: http.Header{"Retry-After": {"3"}}, retryable: true, retryAfter: 3 * time.Second},
		{status: 502, retryable: true},
		{status: 503, header: http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}, retryable: true, retryAfter: time.Hour},
		{status: 504, retryable: true},
		{status: 500, retryable: true},
		{status: 507, retryable: true},
	} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			p := newLoopbackPlatform(t, func(int, platformRequest) (int, http.Header, string) { return tt.status, tt.header, tt.body })
			c := newLoopbackClient(t, p, ClientConfig{APIKey: "k"})
			res, err := c.Send(context.Background(), clientTestEvents(2))
			checkSendResult(t, 2, res)
			if tt.ok {
				if err != nil || res.Accepted != 2 {
					t.Fatalf("Send = %+v, %v", res, err)
				}
				return
			}
			var ne *NetworkError
			if !errors.As(err, &ne) || ne.StatusCode != tt.status || ne.Retryable != tt.retryable || ne.Err != nil {
				t.Fatalf("err = %#v", err)
			}
			// An HTTP date is whole seconds: allow the rounding.
			if d := tt.retryAfter - ne.RetryAfter; d < 0 || d > 2*time.Second {
				t.Errorf("RetryAfter = %v, want ≈ %v", ne.RetryAfter, tt.retryAfter)
			}
			if !slices.Equal(res.Undelivered, []int{0, 1}) {
				t.Errorf("Undelivered = %v", res.Undelivered)
			}
		})
	}
}

func TestSendConnectionReset(t *testing.T) {
	p := newLoopbackPlatform(t, nil)
	p.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		_ = conn.Close()
	})
	c := newLoopbackClient(t, p, ClientConfig{})
	res, err := c.Send(context.Background(), clientTestEvents(3))
	checkSendResult(t, 3, res)
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.StatusCode != 0 || !ne.Retryable || ne.Err == nil {
		t.Fatalf("err = %#v, want a retryable transport *NetworkError", err)
	}
	if !slices.Equal(res.Undelivered, []int{0, 1, 2}) {
		t.Errorf("Undelivered = %v", res.Undelivered)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	p := newLoopbackPlatform(t, nil)
	c := newLoopbackClient(t, p, ClientConfig{})
	p.srv.Close()
	_, err := c.Send(context.Background(), clientTestEvents(1))
	if d, ok := RetryDelay(err); !ok || d != 0 || !strings.Contains(err.Error(), "refused") {
		t.Errorf("err = %v (retryable %v)", err, ok)
	}
}

// TestSendServerNeverAnswers: the context deadline ends the request, the error is
// retryable and wraps context.DeadlineExceeded, the connection is closed (the handler
// sees it), and no client goroutine is left behind.
func TestSendServerNeverAnswers(t *testing.T) {
	handlerDone := make(chan struct{}, 4)
	release := make(chan struct{})
	p := newLoopbackPlatform(t, nil)
	p.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { handlerDone <- struct{}{} }()
		_, _ = io.Copy(io.Discard, r.Body) // then the server watches the connection
		select {
		case <-r.Context().Done(): // the client went away
		case <-release:
		}
	})
	defer close(release)
	before := runtime.NumGoroutine()

	for _, tt := range []struct {
		name string
		cfg  ClientConfig
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"context deadline", ClientConfig{}, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 150*time.Millisecond)
		}},
		{"client timeout", ClientConfig{Timeout: 150 * time.Millisecond}, func() (context.Context, context.CancelFunc) {
			return context.Background(), func() {}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newLoopbackClient(t, p, tt.cfg)
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			res, err := c.Send(ctx, clientTestEvents(2))
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("Send took %v", el)
			}
			checkSendResult(t, 2, res)
			var ne *NetworkError
			if !errors.As(err, &ne) || ne.StatusCode != 0 || !ne.Retryable || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want a retryable transport error wrapping context.DeadlineExceeded", err)
			}
			select {
			case <-handlerDone:
			case <-time.After(5 * time.Second):
				t.Fatal("the server never saw the client go away")
			}
			c.httpClient.CloseIdleConnections()
		})
	}
	// Goroutines settle back (transport read/write loops gone).
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// TestSendKeepsConnectionAlive: replies with bodies (success, rejection, errors) are
// drained and closed, so every request reuses the one connection.
func TestSendKeepsConnectionAlive(t *testing.T) {
	big := strings.Repeat("x", 40<<10)
	p := newLoopbackPlatform(t, func(n int, rr platformRequest) (int, http.Header, string) {
		switch n % 4 {
		case 1:
			return 503, nil, `{"error":"` + big + `"}`
		case 2:
			return 200, nil, `{"accepted":0,"rejected":[{"index":0,"error":"` + big + `"}]}`
		case 3:
			return 400, nil, strings.Repeat("y", 100<<10) // over the 64 KiB read: drained

		}
		return 200, nil, `{"accepted":1}`
	})
	c := newLoopbackClient(t, p, ClientConfig{})
	for i := 0; i < 12; i++ {
		_, _ = c.Send(context.Background(), clientTestEvents(1))
	}
	if n := len(p.requests()); n != 12 {
		t.Fatalf("%d requests", n)
	}
	if n := p.conns.Load(); n != 1 {
		t.Errorf("%d connections for 12 requests, want 1", n)
	}
}

// TestSendNeverRevealsAPIKey collects every error and rejection text of Sends against a
// platform that quotes the Authorization header back in every kind of reply.
func TestSendNeverRevealsAPIKey(t *testing.T) {
	const key = "sk-live-4f9a2c7e1b8d"
	var texts []string
	for _, status := range []int{200, 400, 401, 403, 404, 413, 429, 500, 503} {
		p := newLoopbackPlatform(t, func(n int, rr platformRequest) (int, http.Header, string) {
			auth := rr.header.Get("Authorization")
			if status == 200 {
				return 200, nil, `{"accepted":0,"rejected":[{"index":0,"error":"key ` + auth + ` may not write"}]}`
			}
			return status, nil, `{"error":"refused ` + auth + `","details":["key=` + key + `"]}`
		})
		c := newLoopbackClient(t, p, ClientConfig{APIKey: key})
		res, err := c.Send(context.Background(), clientTestEvents(1))
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
		}
		for _, r := range res.Rejected {
			texts = append(texts, r.Error)
		}
	}
	p := newLoopbackPlatform(t, nil)
	p.srv.Close()
	c := newLoopbackClient(t, p, ClientConfig{APIKey: key})
	if _, err := c.Send(context.Background(), clientTestEvents(1)); err != nil {
		texts = append(texts, err.Error())
	}
	if len(texts) < 10 {
		t.Fatalf("only %d error texts collected", len(texts))
	}
	for _, s := range texts {
		if strings.Contains(s, key) || strings.Contains(s, key[3:]) {
			t.Errorf("API key in error text: %s", s)
		}
	}
	if !strings.Contains(strings.Join(texts, "\n"), "[REDACTED]") {
		t.Error("the platform's quoted key was not redacted")
	}
}

func TestSendUnauthorizedWithoutKey(t *testing.T) {
	p := newLoopbackPlatform(t, func(int, platformRequest) (int, http.Header, string) {
		return 401, nil, `{"error":"missing bearer token"}`
	})
	c := newLoopbackClient(t, p, ClientConfig{})
	_, err := c.Send(context.Background(), clientTestEvents(1))
	if err == nil || !containsAllOf(err.Error(), "no API key is configured", "APIKey", "missing bearer token", "permanent") {
		t.Errorf("err = %v", err)
	}
}

// TestSendConcurrent: one Client, many goroutines (the processor's and the exporter's
// use); the pooled buffers never mix requests.
func TestSendConcurrent(t *testing.T) {
	var total atomic.Int64
	p := newLoopbackPlatform(t, func(n int, rr platformRequest) (int, http.Header, string) {
		total.Add(int64(len(rr.spanIDs)))
		// Each request carries consecutive events of one Send.
		for k := 1; k < len(rr.spanIDs); k++ {
			var a, b int
			fmt.Sscanf(rr.spanIDs[k-1][24:], "%x", &a)
			fmt.Sscanf(rr.spanIDs[k][24:], "%x", &b)
			if b != a+1 {
				t.Errorf("request %d mixes events: %v", n, rr.spanIDs)
			}
		}
		if n%3 == 0 {
			return 413, nil, "" // early reply: the transport may still hold the body
		}
		return 200, nil, ""
	})
	c := newLoopbackClient(t, p, ClientConfig{MaxEventsPerRequest: 7})
	done := make(chan SendResult)
	for g := 0; g < 8; g++ {
		go func() {
			events := make([]TraceEvent, 30)
			for k := range events {
				events[k] = clientTestEvent(g*1000 + k)
			}
			res, _ := c.Send(context.Background(), events)
			done <- res
		}()
	}
	for g := 0; g < 8; g++ {
		res := <-done
		checkSendResult(t, 30, res)
	}
	if total.Load() < 8*30 {
		t.Errorf("the platform saw %d events, want ≥ %d", total.Load(), 8*30)
	}
}

// TestSendEarlyReplyKeepsBodyIntact: the platform answers 413 before reading a large
// body, so the transport may still be writing it after Do returns; the pooled buffer must
// not be reused until the transport closes it (TestRequestBodyRelease proves the order;
// here the race detector and the platform's strict decoding watch concurrent Sends).
func TestSendEarlyReplyKeepsBodyIntact(t *testing.T) {
	if testing.Short() {
		t.Skip("sends ~5 MB")
	}
	p := newLoopbackPlatform(t, nil)
	var accepted atomic.Int64
	p.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > 900<<10 {
			w.WriteHeader(http.StatusRequestEntityTooLarge) // without reading the body
			return
		}
		var batch struct{ Traces []json.RawMessage }
		if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
			t.Errorf("corrupt body: %v", err)
		}
		for _, e := range batch.Traces {
			if _, err := strictEvent(e); err != nil {
				t.Errorf("corrupt event: %v", err)
			}
		}
		accepted.Add(int64(len(batch.Traces)))
		fmt.Fprintf(w, `{"accepted":%d}`, len(batch.Traces))
	})
	c := newLoopbackClient(t, p, ClientConfig{Compression: "none"})
	const goroutines, perSend = 2, 4
	done := make(chan SendResult)
	for g := 0; g < goroutines; g++ {
		go func() {
			events := make([]TraceEvent, perSend)
			for k := range events {
				events[k] = clientTestEvent(g*100 + k)
				events[k].Metadata.Set("padding", strings.Repeat(string(rune('a'+g)), 400<<10))
			}
			res, err := c.Send(context.Background(), events)
			if err != nil {
				t.Errorf("Send: %v", err)
			}
			done <- res
		}()
	}
	for g := 0; g < goroutines; g++ {
		res := <-done
		checkSendResult(t, perSend, res)
		if res.Accepted != perSend {
			t.Errorf("Accepted = %d, want %d (split down to requests under 900 KiB)", res.Accepted, perSend)
		}
	}
	if n := accepted.Load(); n != goroutines*perSend {
		t.Errorf("the platform accepted %d events, want %d", n, goroutines*perSend)
	}
}

// A 2xx reply whose "accepted" falls short of the events it did not list as rejected is a
// failure of the difference (Unaccounted), never counted as accepted and never an error
// that would retry the request; an "accepted" above the request's events counts no more
// than it carried. Local refusals are marked Local, the platform's are not.
func TestSendAcceptedComparedWithWhatWasSent(t *testing.T) {
	for _, tc := range []struct {
		name                string
		body                string
		accepted, unaccount int
		rejected            []int
	}{
		{"accepted 0, no list", `{"accepted":0}`, 0, 5, nil},
		{"accepted 2, one rejected", `{"accepted":2,"rejected":[{"index":1,"error":"bad"}]}`, 2, 2, []int{1}},
		{"accepted too many", `{"accepted":99}`, 5, 0, nil},
		{"accepted negative", `{"accepted":-3}`, 0, 5, nil},
		{"accepted fractional", `{"accepted":4.7}`, 4, 1, nil},
		{"all accepted", `{"accepted":5}`, 5, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newLoopbackPlatform(t, func(int, platformRequest) (int, http.Header, string) { return 200, nil, tc.body })
			c := newLoopbackClient(t, p, ClientConfig{})
			res, err := c.Send(context.Background(), clientTestEvents(5))
			if err != nil {
				t.Fatalf("Send: %v (a 2xx with the contract's reply is never an error to retry)", err)
			}
			checkSendResult(t, 5, res)
			if res.Accepted != tc.accepted || res.Unaccounted != tc.unaccount || len(res.Undelivered) != 0 {
				t.Errorf("Accepted %d, Unaccounted %d, Undelivered %v; want %d, %d, none", res.Accepted, res.Unaccounted, res.Undelivered, tc.accepted, tc.unaccount)
			}
			var got []int
			for _, r := range res.Rejected {
				got = append(got, r.Index)
				if r.Local {
					t.Errorf("rejection %+v marked Local; the platform refused it", r)
				}
			}
			if !slices.Equal(got, tc.rejected) {
				t.Errorf("Rejected %v, want %v", got, tc.rejected)
			}
			if len(p.requests()) != 1 {
				t.Errorf("%d requests, want 1: nothing is re-sent", len(p.requests()))
			}
		})
	}
	t.Run("local refusal", func(t *testing.T) {
		p := newLoopbackPlatform(t, func(_ int, rr platformRequest) (int, http.Header, string) {
			return 200, nil, fmt.Sprintf(`{"accepted":%d}`, len(rr.spanIDs))
		})
		c := newLoopbackClient(t, p, ClientConfig{})
		events := clientTestEvents(3)
		events[1].Type = "agent"
		res, err := c.Send(context.Background(), events)
		if err != nil || len(res.Rejected) != 1 || !res.Rejected[0].Local || res.Accepted != 2 || res.Unaccounted != 0 {
			t.Fatalf("res %+v, err %v; want event 1 refused locally, 2 accepted", res, err)
		}
	})
}

// TestSendRequestBodiesAreTheirBatches checks each request of a Send split by count and by
// bytes, every compression, byte for byte against Batch.AppendJSON of its events: the event
// that opens the next request is carried over within one buffer (Send), which must leave
// no byte of the request before it behind.
func TestSendRequestBodiesAreTheirBatches(t *testing.T) {
	events := clientTestEvents(23)
	for i := range events {
		events[i].Metadata.Set("padding", strings.Repeat("y", (i*911)%2500))
	}
	for _, compression := range []string{CompressionGzip, CompressionZstd, CompressionNone} {
		for _, cfg := range []ClientConfig{{MaxEventsPerRequest: 5}, {MaxRequestBytes: 9 << 10}} {
			cfg.Compression = compression
			p := newLoopbackPlatform(t, nil)
			c := newLoopbackClient(t, p, cfg)
			res, err := c.Send(context.Background(), events)
			if err != nil {
				t.Fatal(err)
			}
			if res.Accepted != len(events) {
				t.Fatalf("%s %+v: Accepted = %d", compression, cfg, res.Accepted)
			}
			reqs := p.requests()
			if len(reqs) < 3 {
				t.Fatalf("%s %+v: %d requests, want several", compression, cfg, len(reqs))
			}
			next := 0
			for i, r := range reqs {
				n := len(r.spanIDs)
				want, err := (&Batch{Traces: events[next : next+n]}).AppendJSON(nil)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(r.body, want) {
					t.Errorf("%s %+v: request %d body differs from its batch's AppendJSON", compression, cfg, i)
				}
				next += n
			}
			if next != len(events) {
				t.Errorf("%s %+v: requests carried %d events, want %d", compression, cfg, next, len(events))
			}
		}
	}
}
