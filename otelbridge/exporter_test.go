package otelbridge_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
)

var fastRetry = otelbridge.WithRetry(otelbridge.RetryConfig{Enabled: true, InitialInterval: 10 * time.Millisecond,
	MaxInterval: 50 * time.Millisecond, MaxElapsedTime: 10 * time.Second})

func newExporter(t *testing.T, url string, opts ...otelbridge.Option) *otelbridge.Exporter {
	t.Helper()
	exp, err := otelbridge.NewExporter(append([]otelbridge.Option{otelbridge.WithEndpoint(url), fastRetry}, opts...)...)
	if err != nil {
		t.Fatalf("NewExporter: %v", err)
	}
	return exp
}

// The Exporter behind the SDK's own batcher sends the same events, byte for byte, as the
// SpanProcessor sees for the same spans.
func TestExporterWithBatcherMatchesSpanProcessor(t *testing.T) {
	viaProc, viaExp := platformtest.New(t), platformtest.New(t)
	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(viaProc.URL()), otelbridge.WithBatchTimeout(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(p),
		sdktrace.WithBatcher(newExporter(t, viaExp.URL())),
		sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "weather-app"))),
	)
	for i := range 3 {
		emitAgentTurn(context.Background(), tp.Tracer("t"), i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	want, got := viaProc.Stored(), viaExp.Stored()
	if len(want) != 9 || len(got) != len(want) {
		t.Fatalf("processor path stored %d events, exporter path %d; want 9 each", len(want), len(got))
	}
	for k, w := range want {
		wj, _ := json.Marshal(w)
		gj, _ := json.Marshal(got[k])
		if string(wj) != string(gj) {
			t.Errorf("event %v differs:\n processor: %s\n exporter:  %s", k, wj, gj)
		}
	}
}

func chatSpans() []sdktrace.ReadOnlySpan {
	stub := tracetest.SpanStub{Name: "chat gpt-4o", StartTime: time.Unix(1_800_000_000, 0), EndTime: time.Unix(1_800_000_001, 0),
		Attributes: []attribute.KeyValue{attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.request.model", "gpt-4o")}}
	return tracetest.SpanStubs{stub}.Snapshots()
}

// A retryable reply (503 with Retry-After) is retried within ExportSpans; the second
// attempt's acceptance makes it succeed.
func TestExporterRetriesRetryableReply(t *testing.T) {
	plat := platformtest.New(t)
	plat.ReplyTo(0, platformtest.RetryAfter(503, "0"))
	exp := newExporter(t, plat.URL())
	if err := exp.ExportSpans(context.Background(), chatSpans()); err != nil {
		t.Fatalf("ExportSpans: %v", err)
	}
	if n := plat.RequestCount(); n != 2 {
		t.Fatalf("%d requests, want 2 (503, then accepted)", n)
	}
	if len(plat.Stored()) != 1 {
		t.Fatalf("stored %d events, want 1", len(plat.Stored()))
	}
}

// A permanent reply (400) is not retried and ExportSpans says how many events were lost.
func TestExporterPermanentReplyNotRetried(t *testing.T) {
	plat := platformtest.New(t)
	plat.SetReply(platformtest.Status(400, `{"error":"malformed"}`))
	err := newExporter(t, plat.URL()).ExportSpans(context.Background(), chatSpans())
	if err == nil || !strings.Contains(err.Error(), "1 events dropped, not retried") {
		t.Fatalf("ExportSpans error %v, want 1 event not retried", err)
	}
	if n := plat.RequestCount(); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

// The batcher's deadline ends the retries: a platform answering 503 with a Retry-After
// past the ctx ExportSpans was given costs nothing more: the event is dropped at once,
// saying why.
func TestExporterStopsAtContextDeadline(t *testing.T) {
	plat := platformtest.New(t)
	plat.SetReply(platformtest.RetryAfter(503, "1"))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := newExporter(t, plat.URL()).ExportSpans(ctx, chatSpans())
	if err == nil || !strings.Contains(err.Error(), "1 events dropped: the platform's Retry-After 1s reaches past the export timeout") {
		t.Fatalf("ExportSpans error %v, want 1 event dropped, throttled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("ExportSpans took %v past a 300 ms deadline", d)
	}
}

// After Shutdown, ExportSpans sends nothing and says so.
func TestExporterShutdown(t *testing.T) {
	plat := platformtest.New(t)
	exp := newExporter(t, plat.URL())
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := exp.ExportSpans(context.Background(), chatSpans()); err == nil {
		t.Fatal("ExportSpans after Shutdown returned nil")
	}
	if n := plat.RequestCount(); n != 0 {
		t.Fatalf("%d requests after Shutdown, want 0", n)
	}
}

// A configuration error comes back from NewExporter, typed.
func TestNewExporterConfigurationError(t *testing.T) {
	t.Setenv(otelbridge.EnvEndpoint, "")
	if _, err := otelbridge.NewExporter(); err == nil || !strings.Contains(err.Error(), "endpoint") {
		t.Fatalf("NewExporter without endpoint: %v", err)
	}
}
