package otelbridge_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
)

func endSpans(tr trace.Tracer, n int, prefix string) {
	for i := range n {
		_, s := tr.Start(context.Background(), fmt.Sprintf("%s %d", prefix, i), trace.WithAttributes(
			attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.request.model", "gpt-4o-mini")))
		s.End()
	}
}

// assertNoKeyLeak fails if err or any error reported to otel.Handle holds newProc's API key.
func assertNoKeyLeak(t *testing.T, errs *procErrors, err error) {
	t.Helper()
	for _, e := range append(errs.all(), err) {
		if strings.Contains(e.Error(), "test-key-123") {
			t.Fatalf("error leaks the API key: %v", e)
		}
	}
}

// downListener is a platform host that is down: it accepts each connection and closes it
// at once (the client sees a transport error, as with a refused connection) until up is
// closed; then it hands connections to the platform. The address is held throughout, so
// the platform coming back never races another process for the port.
type downListener struct {
	net.Listener
	up chan struct{}
}

func (l *downListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case <-l.up:
			return c, nil
		default:
			_ = c.Close()
		}
	}
}

// The platform is down when the app starts and comes back 300 ms later: nothing within
// the queue bound is lost.
func TestPlatformDownAtStartThenBack(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := &downListener{Listener: l, up: make(chan struct{})}
	plat := platformtest.NewOnListener(t, down)

	p, tp := newProc(t, plat.URL(), otelbridge.WithMaxBatchSize(20), otelbridge.WithBatchTimeout(20*time.Millisecond))
	tr := tp.Tracer("t")
	endSpans(tr, 50, "before")

	time.Sleep(300 * time.Millisecond)
	endSpans(tr, 50, "during") // the sender is still retrying the first batch: these queue
	if st := p.Stats(); st.Sent != 0 || plat.RequestCount() != 0 {
		t.Fatalf("Stats %+v, %d requests reached the platform while it was down", st, plat.RequestCount())
	}
	close(down.up)

	if err := flush(t, p); err != nil {
		t.Fatalf("ForceFlush after the platform came back: %v", err)
	}
	st := p.Stats()
	if n := len(plat.Stored()); n != 100 || st.Sent != 100 || st.EventsDropped != 0 || st.Dropped != 0 || st.Retries == 0 {
		t.Fatalf("stored %d, Stats %+v; want all 100 delivered once the platform is back", n, st)
	}
}

// 429 with Retry-After: 1 — the processor waits at least a second, then succeeds.
func TestRetryAfterIsHonoured(t *testing.T) {
	plat := platformtest.New(t)
	plat.ReplyTo(0, platformtest.RetryAfter(http.StatusTooManyRequests, "1"))
	p, tp := newProc(t, plat.URL())
	endSpans(tp.Tracer("t"), 5, "chat")
	if err := flush(t, p); err != nil {
		t.Fatalf("ForceFlush: %v", err)
	}
	at := plat.Requests()
	if len(at) != 2 {
		t.Fatalf("%d requests, want 2 (429, then success)", len(at))
	}
	// The backoff alone would retry after ~10 ms; Retry-After says 1 s.
	if gap := at[1].Received.Sub(at[0].Received); gap < 950*time.Millisecond {
		t.Fatalf("retried after %v, before Retry-After (1 s)", gap)
	}
	if st := p.Stats(); st.Sent != 5 || st.EventsDropped != 0 {
		t.Fatalf("Stats = %+v, want 5 exported", st)
	}
}

// 400 is permanent: the batch is dropped and counted as rejected, never retried; the
// error (and the API key) handling is clear.
func TestBadRequestIsDroppedNotRetried(t *testing.T) {
	errs := captureOtelErrors(t)
	plat := platformtest.New(t)
	plat.SetReply(platformtest.Status(http.StatusBadRequest, `{"error":"malformed batch","details":["traces: expected array"]}`))
	p, tp := newProc(t, plat.URL())
	endSpans(tp.Tracer("t"), 4, "chat")
	err := flush(t, p)
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("ForceFlush = %v, want an error naming HTTP 400", err)
	}
	time.Sleep(100 * time.Millisecond) // would a retry come? (backoff is 10 ms)
	if n := plat.RequestCount(); n != 1 {
		t.Fatalf("%d requests, want 1: a 400 is not retried", n)
	}
	if st := p.Stats(); st.EventsDroppedBy["400"] != 4 || st.EventsDropped != 4 || st.Rejected != 0 || st.Sent != 0 {
		t.Fatalf("Stats = %+v, want 4 dropped (error.type 400)", st)
	}
	assertNoKeyLeak(t, errs, err)
}

// 401 whose body echoes the key: dropped, and the key is never in an error.
func TestUnauthorizedNeverLeaksTheKey(t *testing.T) {
	errs := captureOtelErrors(t)
	plat := platformtest.New(t)
	plat.SetReply(platformtest.Status(http.StatusUnauthorized, `{"error":"invalid key test-key-123"}`))
	p, tp := newProc(t, plat.URL())
	endSpans(tp.Tracer("t"), 2, "chat")
	err := flush(t, p)
	if err == nil {
		t.Fatal("ForceFlush = nil, want the 401")
	}
	assertNoKeyLeak(t, errs, err)
	if st := p.Stats(); st.EventsDroppedBy["401"] != 2 || st.EventsDropped != 2 {
		t.Fatalf("Stats = %+v, want 2 dropped (error.type 401)", st)
	}
}

// Retries stop at the retry budget and the events count as failed.
func TestRetriesGiveUpAndCountFailed(t *testing.T) {
	plat := platformtest.New(t)
	plat.SetReply(platformtest.Status(http.StatusServiceUnavailable, ""))
	p, tp := newProc(t, plat.URL(), otelbridge.WithRetry(otelbridge.RetryConfig{
		Enabled: true, InitialInterval: 10 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxElapsedTime: time.Second,
	}))
	endSpans(tp.Tracer("t"), 3, "chat")
	err := flush(t, p)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("ForceFlush = %v, want the 503 failure", err)
	}
	if n := plat.RequestCount(); n < 3 {
		t.Fatalf("%d requests, want several retries of a 503", n)
	}
	if st := p.Stats(); st.EventsDropped != 3 || st.Sent != 0 {
		t.Fatalf("Stats = %+v, want 3 failed", st)
	}
}

// A burst against a platform that does not answer: the queue overflows, drops are
// counted, and span.End() never waits (its latency is measured and logged, not asserted).
func TestQueueOverflowDropsAndNeverBlocks(t *testing.T) {
	_ = captureOtelErrors(t) // the drop report
	plat := platformtest.New(t)
	release := make(chan struct{})
	plat.SetReply(platformtest.Hang(release))
	p, tp := newProc(t, plat.URL(), otelbridge.WithMaxQueueSize(64), otelbridge.WithMaxBatchSize(16))
	tr := tp.Tracer("t")

	const burst = 10_000
	lat := make([]time.Duration, 0, burst)
	for i := range burst {
		_, s := tr.Start(context.Background(), "chat", trace.WithAttributes(attribute.Int("i", i)))
		t0 := time.Now()
		s.End()
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	t.Logf("span.End() with a stuck platform, %d spans: p50 %v p99 %v max %v", burst, lat[burst/2], lat[burst*99/100], lat[burst-1])

	st := p.Stats()
	if st.Received != burst || st.Dropped == 0 {
		t.Fatalf("Stats = %+v, want %d received and drops", st, burst)
	}
	// Bound: the queue, the batch being filled and the one in flight.
	if kept := st.Received - st.Dropped; kept > 64+16+16 {
		t.Fatalf("%d spans kept with a stuck platform, over the bound 96", kept)
	}
	close(release)
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	st = p.Stats()
	if st.Sent+st.Dropped != burst || st.EventsDropped != 0 {
		t.Fatalf("Stats = %+v: exported + dropped must account for all %d", st, burst)
	}
	if n := int64(len(plat.Stored())); n != st.Sent {
		t.Fatalf("platform stored %d, Stats.Sent %d", n, st.Sent)
	}
}
