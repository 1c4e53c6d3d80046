package otelbridge_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/otelbridge"
)

// BenchmarkHeldBytesHangingPlatform is the evidence for SpanProcessor's own queue
// (package doc, "Why SpanProcessor keeps its own queue"): 1 000 spans of 100 KiB of input
// each end while the platform never answers. Reported per run:
//
//   - heap-MiB: HeapInuse growth after the last End() (after a GC);
//   - dropped: spans the processor refused at End().
//
// Sub-benchmarks, same run: llmtrace-processor is NewSpanProcessor with a 16 MiB byte bound
// (WithMaxQueueBytes) and its span bound raised out of the way; bsp-exporter (the anchor)
// is the SDK's BatchSpanProcessor (sdktrace.WithBatcher, its defaults: 2 048 spans queued,
// batches of 512) feeding NewExporter — it bounds spans only, so it holds all 1 000.
// Run with: go test ./otelbridge -run '^$' -bench HeldBytes -benchtime 1x
func BenchmarkHeldBytesHangingPlatform(b *testing.B) {
	const spans, size, bound = 1000, 100 << 10, 16 << 20
	run := func(b *testing.B, provider func(url string) (*sdktrace.TracerProvider, func() int64)) {
		prev := otel.GetErrorHandler()
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {}))
		defer otel.SetErrorHandler(prev)
		for b.Loop() {
			release := make(chan struct{})
			hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select { // never answers, keeps nothing
				case <-release:
				case <-r.Context().Done():
				}
			}))
			tp, dropped := provider(hang.URL)
			tr := tp.Tracer("bench")
			before := heapInuse()
			for i := range spans {
				big := strings.Repeat(string(rune('a'+i%26)), size) // a new string per span
				_, s := tr.Start(context.Background(), "chat", trace.WithAttributes(
					attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.input.messages", big)))
				s.End()
			}
			grew := int64(heapInuse()) - int64(before)
			b.ReportMetric(float64(grew)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(dropped()), "dropped")
			close(release)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			_ = tp.Shutdown(ctx) // the platform never answered: what is held is dropped here
			cancel()
			hang.Close()
		}
	}
	b.Run("llmtrace-processor", func(b *testing.B) {
		run(b, func(url string) (*sdktrace.TracerProvider, func() int64) {
			p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(url), otelbridge.WithBatchTimeout(time.Hour),
				otelbridge.WithMaxQueueBytes(bound), otelbridge.WithMaxQueueSize(100_000), otelbridge.WithMaxBatchSize(64))
			if err != nil {
				b.Fatal(err)
			}
			return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p)), func() int64 { return p.Stats().Dropped }
		})
	})
	b.Run("bsp-exporter", func(b *testing.B) {
		run(b, func(url string) (*sdktrace.TracerProvider, func() int64) {
			exp, err := otelbridge.NewExporter(otelbridge.WithEndpoint(url))
			if err != nil {
				b.Fatal(err)
			}
			// The BatchSpanProcessor counts no drops that its user can read (its queue is
			// not full here: 1 000 < 2 048).
			return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp)), func() int64 { return 0 }
		})
	})
}

func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
