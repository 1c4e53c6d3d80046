package collectorexporter

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmtrace/llmtrace/collectorexporter/internal/metadata"
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

// BenchmarkGzipRequestBody compresses one request body of the platform, the events the
// exporter makes of every span in ../testdata/captures (106 spans, ~180 KB of JSON), with
// the gzip the platform client uses (klauspost/compress at level 1, platform/client_body.go)
// and with the standard library's, which confighttp's compression uses, at level 1 and at
// its default level. Reports the compressed size; SetBytes is the uncompressed body.
//
//	go test -run '^$' -bench GzipRequestBody -benchmem ./collectorexporter
func BenchmarkGzipRequestBody(b *testing.B) {
	body := capturesRequestBody(b)
	for _, c := range []struct {
		name string
		w    interface {
			io.WriteCloser
			Reset(io.Writer)
		}
	}{
		{"klauspost-1", must(kgzip.NewWriterLevel(nil, kgzip.BestSpeed))},
		{"stdlib-1", must(gzip.NewWriterLevel(nil, gzip.BestSpeed))},
		{"stdlib-default", must(gzip.NewWriterLevel(nil, gzip.DefaultCompression))},
	} {
		b.Run(c.name, func(b *testing.B) {
			var out bytes.Buffer
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				c.w.Reset(&out)
				if _, err := c.w.Write(body); err != nil {
					b.Fatal(err)
				}
				if err := c.w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(out.Len()), "gzip-B")
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// capturesRequestBody is the uncompressed body the exporter sends for the spans of
// ../testdata/captures (all of them in one ConsumeTraces, one request).
func capturesRequestBody(tb testing.TB) []byte {
	var bodies [][]byte
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		bodies = append(bodies, data)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"accepted":%d}`, bytes.Count(data, []byte(`"spanId"`)))
	}))
	defer sink.Close()
	files, err := filepath.Glob("../testdata/captures/*.json")
	require.NoError(tb, err)
	td := ptrace.NewTraces()
	var u ptrace.JSONUnmarshaler
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(tb, err)
		one, err := u.UnmarshalTraces(data)
		require.NoError(tb, err)
		one.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	}
	cfg := testConfig(sink.URL)
	cfg.ClientConfig.Compression = compressionNone
	exp := startExporter(tb, cfg, exportertest.NewNopSettings(metadata.Type))
	require.NoError(tb, exp.ConsumeTraces(context.Background(), td))
	require.Len(tb, bodies, 1)
	return bodies[0]
}
