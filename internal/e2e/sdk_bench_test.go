package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/llmtrace/llmtrace/otelbridge"
)

var sdkBenchResource = resource.NewSchemaless(attribute.String("service.name", "bench-app"))

// countingExporter counts what the BatchSpanProcessor hands its exporter.
type countingExporter struct {
	sdktrace.SpanExporter
	n atomic.Int64
}

func (c *countingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	c.n.Add(int64(len(spans)))
	return c.SpanExporter.ExportSpans(ctx, spans)
}

// sdkPipelines are the two ways an app ships its spans in the BenchmarkSpanEnd pair, both
// with their default queue (2048) and batch (512) sizes, to loopback sinks that answer at
// once: llmtrace is our SpanProcessor; bsp-otlphttp is the SDK's BatchSpanProcessor +
// otlptracehttp. shipped reports how many spans left the process.
var sdkPipelines = []struct {
	name string
	new  func(b *testing.B) (tp *sdktrace.TracerProvider, shipped func() int64)
}{
	{"llmtrace", func(b *testing.B) (*sdktrace.TracerProvider, func() int64) {
		sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			_, _ = w.Write([]byte(`{"accepted":0}`)) // the client counts from its own side
		}))
		b.Cleanup(sink.Close)
		p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(sink.URL))
		if err != nil {
			b.Fatal(err)
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithResource(sdkBenchResource))
		return tp, func() int64 { return p.Stats().Sent }
	}},
	{"bsp-otlphttp", func(b *testing.B) (*sdktrace.TracerProvider, func() int64) {
		sink := httptest.NewServer(&sdkOTLPSink{})
		b.Cleanup(sink.Close)
		otlp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(sink.URL+"/v1/traces"))
		if err != nil {
			b.Fatal(err)
		}
		exp := &countingExporter{SpanExporter: otlp}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(sdkBenchResource))
		return tp, exp.n.Load
	}},
}

// BenchmarkSpanEnd is the application's cost of starting and ending one typical gen_ai
// chat span (13 attributes, ~600 bytes of messages): every 500 spans (under one batch) the
// timer stops while the pipeline is flushed, so the timed part is the app's own work and
// never competes with the background mapping / encoding for the CPU. Nothing is dropped
// (shipped/op = 1).
func BenchmarkSpanEnd(b *testing.B) { benchSpanEnd(b, 500) }

// BenchmarkSpanEndSaturated ends spans back to back with no pause: the background work
// shares the two cores with the app, queues overflow and drops are counted (not
// waited on). ns/op is wall time per span under overload; B/op and allocs/op include the
// background's; shipped/op is the fraction that left the process.
func BenchmarkSpanEndSaturated(b *testing.B) {
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {})) // the expected drop reports
	defer otel.SetErrorHandler(prev)
	benchSpanEnd(b, 0)
}

// benchSpanEnd ends sdkChatSpan spans on every pipeline; with pauseEvery > 0 the timer
// stops every pauseEvery spans while the pipeline is flushed. It reports shipped/op.
func benchSpanEnd(b *testing.B, pauseEvery int) {
	for _, pl := range sdkPipelines {
		b.Run(pl.name, func(b *testing.B) {
			tp, shipped := pl.new(b)
			tr := tp.Tracer("bench")
			ctx := context.Background()
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				sdkChatSpan(ctx, tr, n)
				n++
				if pauseEvery > 0 && n%pauseEvery == 0 {
					b.StopTimer()
					if err := tp.ForceFlush(ctx); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			}
			b.StopTimer()
			_ = tp.Shutdown(ctx)
			b.ReportMetric(float64(shipped())/float64(n), "shipped/op")
		})
	}
}

// BenchmarkSpanProcessorThroughput measures sustained delivery through our processor into
// the real dev platform (SQLite, strict validation): spans are ended in rounds of 1 000 and
// flushed, and spans/s counts what the platform stored per second of wall time.
func BenchmarkSpanProcessorThroughput(b *testing.B) {
	dev, devsrv := sdkDevPlatform(b, "")
	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(devsrv.URL), otelbridge.WithMaxQueueSize(4096))
	if err != nil {
		b.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()),
		sdktrace.WithResource(sdkBenchResource))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tr := tp.Tracer("bench")
	ctx := context.Background()
	const round = 1000
	b.ReportAllocs()
	start := time.Now()
	spans := 0
	for b.Loop() {
		for i := range round {
			sdkChatSpan(ctx, tr, spans+i)
		}
		spans += round
		if err := p.ForceFlush(ctx); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	n, err := dev.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	st := p.Stats()
	if st.Dropped != 0 || st.EventsDropped != 0 || st.Rejected != 0 || n != spans {
		b.Fatalf("stored %d of %d; Stats %+v", n, spans, st)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "spans/s")
}
