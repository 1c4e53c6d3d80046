package otelbridge_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
)

// assertSameRequest fails unless retry re-sends exactly the failed request: the same
// Idempotency-Key (docs/platform-api.md "Request": a retried request carries the key of
// the attempt it repeats, so the platform can drop the duplicate) and the same events in
// the same order, byte for byte.
func assertSameRequest(t *testing.T, failed, retry *platformtest.Request) {
	t.Helper()
	fk, rk := failed.Header.Get("Idempotency-Key"), retry.Header.Get("Idempotency-Key")
	if fk == "" || fk != rk {
		t.Errorf("Idempotency-Key %q on the failed attempt, %q on its retry; want the same", fk, rk)
	}
	if f, r := spanIDs(failed), spanIDs(retry); !slices.Equal(f, r) {
		t.Errorf("events of the failed attempt %v, of its retry %v; want the same, in the same order", f, r)
	}
	if !bytes.Equal(failed.Body, retry.Body) {
		t.Errorf("the retry's body differs from the failed attempt's:\n failed: %.300s\n retry:  %.300s", failed.Body, retry.Body)
	}
}

func spanIDs(r *platformtest.Request) []string {
	out := make([]string, len(r.Events))
	for i, ev := range r.Events {
		out[i] = ev.SpanID
	}
	return out
}

// A batch answered 503 is retried as the same request: same Idempotency-Key, same events
// in the same order. Cases: the batch's only request fails; the second of two requests
// fails (1 100 events: 1 000, the contract's per-request cap, then 100), and only it is
// re-sent.
func TestSpanProcessorRetryKeepsIdempotencyKeyAndOrder(t *testing.T) {
	for _, tc := range []struct {
		name      string
		spans     int
		failing   int // the request answered 503
		wantCount int // requests in all
	}{
		{"whole batch", 5, 0, 2},
		{"second request of a batch", 1100, 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plat := platformtest.New(t)
			plat.ReplyTo(tc.failing, platformtest.Status(http.StatusServiceUnavailable, `{"error":"maintenance"}`))
			p, tp := newProc(t, plat.URL(), otelbridge.WithMaxBatchSize(2048))
			endSpans(tp.Tracer("t"), tc.spans, "chat")
			if err := flush(t, p); err != nil {
				t.Fatalf("ForceFlush: %v", err)
			}
			reqs := plat.Requests()
			if len(reqs) != tc.wantCount {
				t.Fatalf("%d requests, want %d", len(reqs), tc.wantCount)
			}
			if len(reqs[tc.failing].Events) < 2 {
				t.Fatalf("the failed request holds %d events; the order check needs several", len(reqs[tc.failing].Events))
			}
			assertSameRequest(t, reqs[tc.failing], reqs[tc.failing+1])
			if st := p.Stats(); st.Sent != int64(tc.spans) || len(plat.Stored()) != tc.spans {
				t.Fatalf("Stats %+v, stored %d; want all %d delivered", st, len(plat.Stored()), tc.spans)
			}
		})
	}
}

// The Exporter (behind the SDK's batcher) retries the same way: same key, same order.
func TestExporterRetryKeepsIdempotencyKeyAndOrder(t *testing.T) {
	plat := platformtest.New(t)
	plat.ReplyTo(0, platformtest.Status(http.StatusServiceUnavailable, ""))
	exp := newExporter(t, plat.URL())
	var stubs tracetest.SpanStubs
	for i := range 3 {
		stubs = append(stubs, tracetest.SpanStub{
			Name: fmt.Sprintf("chat gpt-4o %d", i),
			SpanContext: trace.NewSpanContext(trace.SpanContextConfig{
				TraceID: trace.TraceID{0x01, 0x9a, 0xa6, 0x4c, 0x20, 0x00, 0x70, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 1},
				SpanID:  trace.SpanID{0, 0, 0, 0, 0, 0, 0x10, byte(i + 1)}, TraceFlags: trace.FlagsSampled,
			}),
			StartTime: time.Unix(1_800_000_000, 0), EndTime: time.Unix(1_800_000_001, 0),
			Attributes: []attribute.KeyValue{attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.request.model", "gpt-4o")},
		})
	}
	spans := stubs.Snapshots()
	if err := exp.ExportSpans(context.Background(), spans); err != nil {
		t.Fatalf("ExportSpans: %v", err)
	}
	reqs := plat.Requests()
	if len(reqs) != 2 || len(reqs[0].Events) != 3 {
		t.Fatalf("%d requests (first with %d events), want 2: 503, then the retry of 3 events", len(reqs), len(reqs[0].Events))
	}
	assertSameRequest(t, reqs[0], reqs[1])
}
