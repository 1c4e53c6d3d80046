package otelbridge_test

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
)

// Issue 19's throttle in-process: one 429 with Retry-After: 4000, then 200. The export
// timeout (10 s) cannot hold a 66-minute wait and there is no queue that outlives it, so
// the events are dropped at once — never sent early against the Retry-After — and counted
// honestly (dropped, error.type throttled), with ForceFlush saying so; the next batch is
// sent. The same rule for the Exporter: its error names the Retry-After.
func TestLongRetryAfterIsCountedAsThrottled(t *testing.T) {
	t.Run("SpanProcessor", func(t *testing.T) {
		_ = captureOtelErrors(t)
		plat := platformtest.New(t)
		plat.ReplyTo(0, platformtest.RetryAfter(http.StatusTooManyRequests, "4000"))
		p, tp := newProc(t, plat.URL())
		endSpans(tp.Tracer("t"), 5, "chat")
		err := flush(t, p)
		if err == nil || !strings.Contains(err.Error(), "Retry-After 1h6m40s reaches past the export timeout") {
			t.Fatalf("ForceFlush = %v, want the throttle named", err)
		}
		st := p.Stats()
		if st.Sent != 0 || st.Rejected != 0 || !maps.Equal(st.EventsDroppedBy, map[string]int64{otelbridge.DropThrottled: 5}) || st.EventsDropped != 5 || st.Retries != 0 {
			t.Fatalf("Stats %+v; want the 5 events dropped as throttled, nothing else", st)
		}
		endSpans(tp.Tracer("t"), 3, "later")
		if err := flush(t, p); err != nil {
			t.Fatalf("ForceFlush of the next batch: %v", err)
		}
		if st := p.Stats(); st.Sent != 3 || len(plat.Stored()) != 3 || plat.RequestCount() != 2 {
			t.Fatalf("Stats %+v, stored %d, %d requests; want the next batch sent, the throttled one never re-sent", st, len(plat.Stored()), plat.RequestCount())
		}
	})
	t.Run("Exporter", func(t *testing.T) {
		plat := platformtest.New(t)
		plat.ReplyTo(0, platformtest.RetryAfter(http.StatusTooManyRequests, "4000"))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := newExporter(t, plat.URL()).ExportSpans(ctx, chatSpans())
		if err == nil || !strings.Contains(err.Error(), "1 events dropped: the platform's Retry-After 1h6m40s reaches past the export timeout") {
			t.Fatalf("ExportSpans = %v", err)
		}
		if plat.RequestCount() != 1 {
			t.Fatalf("%d requests, want 1", plat.RequestCount())
		}
	})
	t.Run("a Retry-After within the export timeout is waited", func(t *testing.T) {
		plat := platformtest.New(t)
		plat.ReplyTo(0, platformtest.RetryAfter(http.StatusTooManyRequests, "1"))
		p, tp := newProc(t, plat.URL())
		endSpans(tp.Tracer("t"), 2, "chat")
		if err := flush(t, p); err != nil {
			t.Fatal(err)
		}
		reqs := plat.Requests()
		if st := p.Stats(); st.Sent != 2 || st.Retries != 1 || st.EventsDropped != 0 || len(reqs) != 2 {
			t.Fatalf("Stats %+v, %d requests; want 2 sent after one retry", st, len(reqs))
		}
		if gap := reqs[1].Received.Sub(reqs[0].Received); gap < time.Second {
			t.Fatalf("retried after %v, sooner than Retry-After: 1", gap)
		}
	})
}

// Counters say what the platform said: a 200 {"accepted": 0} without a rejected list and a
// 413 on every request store nothing, and nothing is counted as sent; both are rejected,
// not retried.
func TestNothingStoredIsNeverSent(t *testing.T) {
	for name, reply := range map[string]platformtest.Reply{
		"200 accepted 0":    platformtest.Status(200, `{"accepted":0}`),
		"413 every request": platformtest.Status(http.StatusRequestEntityTooLarge, ``),
	} {
		t.Run(name, func(t *testing.T) {
			_ = captureOtelErrors(t)
			plat := platformtest.New(t)
			plat.SetReply(reply)
			p, tp := newProc(t, plat.URL())
			endSpans(tp.Tracer("t"), 4, "chat")
			err := flush(t, p)
			if err == nil || !strings.Contains(err.Error(), "4 events rejected, 0 dropped since the last flush") {
				t.Fatalf("ForceFlush = %v, want the 4 rejected events named", err)
			}
			if st := p.Stats(); st.Sent != 0 || st.Rejected != 4 || st.EventsDropped != 0 || st.Retries != 0 {
				t.Fatalf("Stats %+v; want 4 rejected, none sent", st)
			}
		})
	}
}

// The Idempotency-Key names the batch's events, not its bytes: an Exporter created anew
// (as after an app restart), whose mapper never saw the trace's root, maps the same spans
// into another body and sends it under the same key.
func TestIdempotencyKeySurvivesANewExporter(t *testing.T) {
	plat := platformtest.New(t)
	plat.ReplyTo(1, platformtest.Status(http.StatusServiceUnavailable, ""))
	spans := agentTurnSpans(t)
	var root, children []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Parent().IsValid() {
			children = append(children, s)
		} else {
			root = append(root, s)
		}
	}
	if len(root) != 1 || len(children) < 2 {
		t.Fatalf("%d roots, %d children", len(root), len(children))
	}
	noRetry := otelbridge.WithRetry(otelbridge.RetryConfig{Enabled: false})
	first := newExporter(t, plat.URL(), noRetry)
	if err := first.ExportSpans(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	if err := first.ExportSpans(context.Background(), children); err == nil {
		t.Fatal("the 503 went unreported")
	}
	if err := newExporter(t, plat.URL(), noRetry).ExportSpans(context.Background(), children); err != nil {
		t.Fatal(err)
	}
	reqs := plat.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	if bytes.Equal(reqs[1].Body, reqs[2].Body) {
		t.Fatal("both mappers produced the same body; the test needs a fresh mapper to differ")
	}
	if k1, k2 := reqs[1].Header.Get("Idempotency-Key"), reqs[2].Header.Get("Idempotency-Key"); k1 == "" || k1 != k2 {
		t.Fatalf("Idempotency-Key %q before, %q after the new exporter; want the same", k1, k2)
	}
}

// agentTurnSpans records one agent turn — a root carrying the conversation and the user,
// two chat children without them — and returns its ended spans.
func agentTurnSpans(t *testing.T) []sdktrace.ReadOnlySpan {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec), sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()))
	tr := tp.Tracer("t")
	ctx, root := tr.Start(context.Background(), "invoke_agent weather-bot", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "invoke_agent"),
		attribute.String("gen_ai.conversation.id", "conv-42"),
		attribute.String("user.id", "user-7")))
	for range 2 {
		_, c := tr.Start(ctx, "chat gpt-4o-mini", trace.WithAttributes(
			attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.request.model", "gpt-4o-mini")))
		c.End()
	}
	root.End()
	_ = tp.Shutdown(context.Background())
	return rec.Ended()
}

// Each way a retryable failure ends without delivery is counted under its own
// error.type and named in the error (processor_retry.go): the MaxElapsedTime budget
// spent, retries off, and a next wait that would end past the export timeout (dropped at
// once, not waited for); a Retry-After waited in full starts the budget afresh, so a
// 503 after it is still retried.
func TestRetryableFailureOutcomes(t *testing.T) {
	retry := func(initial, maxInterval, maxElapsed time.Duration) otelbridge.Option {
		return otelbridge.WithRetry(otelbridge.RetryConfig{Enabled: true, InitialInterval: initial, MaxInterval: maxInterval, MaxElapsedTime: maxElapsed})
	}
	for _, tc := range []struct {
		name     string
		opts     []otelbridge.Option
		replies  []platformtest.Reply // to the first requests; 503 to later ones unless accept
		accept   bool
		dropped  map[string]int64
		errText  string
		requests func(int) bool
		retries  func(int64) bool
	}{{
		name:     "max elapsed time spent",
		opts:     []otelbridge.Option{retry(10*time.Millisecond, 20*time.Millisecond, 150*time.Millisecond)},
		dropped:  map[string]int64{otelbridge.DropRetriesExhausted: 3},
		errText:  "of retries (max elapsed time 150ms)",
		requests: func(n int) bool { return n >= 3 },
		retries:  func(n int64) bool { return n >= 2 },
	}, {
		name:     "retries disabled",
		opts:     []otelbridge.Option{otelbridge.WithRetry(otelbridge.RetryConfig{Enabled: false})},
		dropped:  map[string]int64{otelbridge.DropRetriesDisabled: 3},
		errText:  "3 events dropped, retries are off",
		requests: func(n int) bool { return n == 1 },
		retries:  func(n int64) bool { return n == 0 },
	}, {
		name:     "next wait past the export timeout",
		opts:     []otelbridge.Option{retry(5*time.Second, 5*time.Second, time.Hour), otelbridge.WithExportTimeout(time.Second)},
		dropped:  map[string]int64{otelbridge.DropTimeout: 3},
		errText:  "would start after the export timeout",
		requests: func(n int) bool { return n == 1 },
		retries:  func(n int64) bool { return n == 0 },
	}, {
		name:     "a Retry-After starts the budget afresh",
		opts:     []otelbridge.Option{retry(10*time.Millisecond, 20*time.Millisecond, 300*time.Millisecond)},
		replies:  []platformtest.Reply{platformtest.RetryAfter(http.StatusTooManyRequests, "1"), platformtest.Status(http.StatusServiceUnavailable, "")},
		accept:   true,
		requests: func(n int) bool { return n == 3 },
		retries:  func(n int64) bool { return n == 2 },
	}} {
		t.Run(tc.name, func(t *testing.T) {
			_ = captureOtelErrors(t)
			plat := platformtest.New(t)
			if !tc.accept {
				plat.SetReply(platformtest.Status(http.StatusServiceUnavailable, ""))
			}
			for i, r := range tc.replies {
				plat.ReplyTo(i, r)
			}
			p, tp := newProc(t, plat.URL(), tc.opts...)
			endSpans(tp.Tracer("t"), 3, "chat")
			err := flush(t, p)
			if tc.errText == "" && err != nil || tc.errText != "" && (err == nil || !strings.Contains(err.Error(), tc.errText)) {
				t.Fatalf("ForceFlush = %v, want %q", err, tc.errText)
			}
			st := p.Stats()
			sent := int64(3)
			if len(tc.dropped) > 0 {
				sent = 0
			}
			if !maps.Equal(st.EventsDroppedBy, tc.dropped) || st.Sent != sent || !tc.requests(plat.RequestCount()) || !tc.retries(st.Retries) {
				t.Fatalf("Stats %+v after %d requests; want dropped %v, %d sent", st, plat.RequestCount(), tc.dropped, sent)
			}
		})
	}
}
