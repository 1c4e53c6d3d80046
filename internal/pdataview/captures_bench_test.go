package pdataview

import (
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmtrace/llmtrace/internal/tracestate"
)

// captureTraces is every span of ../../testdata/captures (real instrumentation libraries'
// OTLP JSON) in one ptrace.Traces.
func captureTraces(tb testing.TB) ptrace.Traces {
	files, err := filepath.Glob("../../testdata/captures/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no captures: %v", err)
	}
	all := ptrace.NewTraces()
	var u ptrace.JSONUnmarshaler
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		td, err := u.UnmarshalTraces(raw)
		if err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		td.ResourceSpans().MoveAndAppendTo(all.ResourceSpans())
	}
	return all
}

// BenchmarkMapCaptures maps every span of ../../testdata/captures as one batch through a
// tracestate.State (as the collector's exporter maps a batch) and JSON-encodes each event
// (TraceEvent.AppendJSON, as Client.Send does): the whole per-span path on real spans of
// many dialects. Its anchor is BenchmarkProtoMarshalCaptures, the same batch as the
// otlphttp exporter encodes it.
func BenchmarkMapCaptures(b *testing.B) {
	all := captureTraces(b)
	m := tracestate.New(tracestate.Options{})
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		evs := m.Map(Spans(all))
		for i := range evs {
			var err error
			if buf, err = evs[i].AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(all.SpanCount()), "spans")
}

// BenchmarkProtoMarshalCaptures encodes the batch of BenchmarkMapCaptures as OTLP protobuf.
func BenchmarkProtoMarshalCaptures(b *testing.B) {
	all := captureTraces(b)
	var mar ptrace.ProtoMarshaler
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mar.MarshalTraces(all); err != nil {
			b.Fatal(err)
		}
	}
}
