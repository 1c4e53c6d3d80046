package collectorexporter

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
)

// BenchmarkConsumeTraces compares the llmtrace exporter's ConsumeTraces with the core
// otlphttp exporter's on the same batch of typical gen_ai spans (20 traces × 5 spans,
// ~1 KB of messages per chat span), both gzip-compressed, queue and retry off, against the
// same loopback sink that drains the body and answers 200. Reports spans/s and allocs/span.
//
//	go test -run '^$' -bench ConsumeTraces -benchmem ./collectorexporter
func BenchmarkConsumeTraces(b *testing.B) {
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/v1/traces" && r.Header.Get("Content-Type") == "application/json" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"accepted":100}`))
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	defer sink.Close()
	td := genAITraces(9, 20, 5)
	spans := td.SpanCount()

	run := func(b *testing.B, f exporter.Factory, cfg component.Config) {
		exp, err := f.CreateTraces(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
		require.NoError(b, err)
		require.NoError(b, exp.Start(context.Background(), componenttest.NewNopHost()))
		defer func() { require.NoError(b, exp.Shutdown(context.Background())) }()
		b.ReportAllocs()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n := 0
		for b.Loop() {
			if err := exp.ConsumeTraces(context.Background(), td); err != nil {
				b.Fatal(err)
			}
			n++
		}
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(spans)*float64(n)/b.Elapsed().Seconds(), "spans/s")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n*spans), "allocs/span")
	}

	b.Run("llmtrace", func(b *testing.B) {
		cfg := testConfig(sink.URL)
		run(b, NewFactory(), cfg)
	})
	b.Run("otlphttp", func(b *testing.B) {
		f := otlphttpexporter.NewFactory()
		cfg := f.CreateDefaultConfig().(*otlphttpexporter.Config)
		cfg.ClientConfig.Endpoint = sink.URL
		cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
		cfg.RetryConfig.Enabled = false
		run(b, f, cfg)
	})
}
