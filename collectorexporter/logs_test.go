package collectorexporter

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/llmtrace/llmtrace/collectorexporter/internal/metadata"
	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// readDoc reads a document holding resourceSpans and resourceLogs (testdata/logs: records
// in the shapes of @opentelemetry/instrumentation-openai 0.21.0's
// build/src/instrumentation.js, built by internal/pdataview/logs_test.go).
func readDoc(t *testing.T, name string) (ptrace.Traces, plog.Logs) {
	t.Helper()
	b, err := os.ReadFile("../testdata/logs/" + name)
	require.NoError(t, err)
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
	require.NoError(t, err)
	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(b)
	require.NoError(t, err)
	require.NotZero(t, td.SpanCount())
	require.NotZero(t, ld.LogRecordCount())
	return td, ld
}

// oneShot is what `llmtrace map` makes of the document (cmd/llmtrace/input.go mapOTLP):
// records, then spans, then leftovers, in one Mapper.
func oneShot(t *testing.T, td ptrace.Traces, ld plog.Logs) map[string]string {
	m := tracestate.New(tracestate.Options{Map: mapping.MapOptions{}})
	evs := m.MapLogs(pdataview.Logs(ld)).Events
	evs = append(evs, m.Map(pdataview.Spans(td))...)
	evs = append(evs, m.FlushLogs()...)
	return eventsByID(t, evs)
}

func stored(t *testing.T, p *platformtest.Platform) map[string]string {
	var evs []platform.TraceEvent
	for _, ev := range p.Stored() {
		evs = append(evs, ev)
	}
	return eventsByID(t, evs)
}

// startPipelines starts the traces and logs exporters of one component (one Mapper) with a
// fast retry, no queue, and no telemetry.
func startPipelines(t *testing.T, url, name string, hold time.Duration) (exporter.Traces, exporter.Logs) {
	return startPipelinesWith(t, url, name, hold, componenttest.NewNopTelemetrySettings())
}

// startPipelinesWith is startPipelines with the exporters' telemetry settings.
func startPipelinesWith(t *testing.T, url, name string, hold time.Duration, tel component.TelemetrySettings) (exporter.Traces, exporter.Logs) {
	cfg := testConfig(url)
	cfg.RetryConfig.Enabled = true
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 40 * time.Millisecond
	cfg.RetryConfig.MaxElapsedTime = 2 * time.Minute
	cfg.LogHold = hold
	require.NoError(t, cfg.Validate())
	set := exportertest.NewNopSettings(metadata.Type)
	set.ID = component.MustNewIDWithName("llmtrace", name)
	set.TelemetrySettings = tel
	f := NewFactory()
	te, err := f.CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	le, err := f.CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	for _, c := range []component.Component{te, le} {
		require.NoError(t, c.Start(context.Background(), componenttest.NewNopHost()))
	}
	t.Cleanup(func() {
		require.NoError(t, le.Shutdown(context.Background()))
		require.NoError(t, te.Shutdown(context.Background()))
		sharedExporters.mu.Lock()
		defer sharedExporters.mu.Unlock()
		assert.Nil(t, sharedExporters.m[set.ID], "the last shutdown forgets the shared exporter")
	})
	return te, le
}

// TestLogsThenTraces: the records come first; ConsumeLogs does not return (the retry
// keeps them) until the span's event carrying them is accepted; the platform then stores
// what `llmtrace map` makes of the same document.
func TestLogsThenTraces(t *testing.T) {
	for _, doc := range []string{"openai-chat.json", "openai-responses.json"} {
		t.Run(doc, func(t *testing.T) {
			td, ld := readDoc(t, doc)
			p := platformtest.New(t)
			te, le := startPipelines(t, p.URL(), "logsfirst", time.Minute)
			done := make(chan error, 1)
			go func() { done <- le.ConsumeLogs(context.Background(), ld) }()
			select {
			case err := <-done:
				t.Fatalf("ConsumeLogs returned (%v) before the span came: its records were acknowledged while only in memory", err)
			case <-time.After(100 * time.Millisecond):
			}
			require.NoError(t, te.ConsumeTraces(context.Background(), td))
			require.NoError(t, <-done)
			assert.Equal(t, oneShot(t, td, ld), stored(t, p))
		})
	}
}

// TestTracesThenLogs: the span's event is accepted first; the records re-send it with the
// content (an upsert), and ConsumeLogs returns once that is accepted.
func TestTracesThenLogs(t *testing.T) {
	for _, doc := range []string{"openai-chat.json", "openai-responses.json"} {
		t.Run(doc, func(t *testing.T) {
			td, ld := readDoc(t, doc)
			p := platformtest.New(t)
			te, le := startPipelines(t, p.URL(), "spansfirst", time.Minute)
			require.NoError(t, te.ConsumeTraces(context.Background(), td))
			n := p.RequestCount()
			require.NoError(t, le.ConsumeLogs(context.Background(), ld))
			assert.Equal(t, n+1, p.RequestCount(), "one request re-sends the span's event")
			assert.Equal(t, oneShot(t, td, ld), stored(t, p))
		})
	}
}

// TestLogsWithoutSpan: records whose span never comes are shipped on their own after the
// hold (children of the span, no usage), and only then acknowledged.
func TestLogsWithoutSpan(t *testing.T) {
	td, ld := readDoc(t, "openai-responses.json")
	p := platformtest.New(t)
	_, le := startPipelines(t, p.URL(), "nospan", 50*time.Millisecond)
	require.NoError(t, le.ConsumeLogs(context.Background(), ld))
	evs := p.Stored()
	require.Len(t, evs, 2, "one event per record")
	var parent string
	for _, v := range pdataview.Spans(td) {
		if v.ParentSpanID() != [8]byte{} || len(pdataview.Spans(td)) == 1 {
			parent = mapping.SpanUUID(v.TraceID(), v.SpanID())
		}
	}
	for _, ev := range evs {
		assert.Equal(t, parent, ev.ParentSpanID)
		assert.Equal(t, platform.TypeCustom, ev.Type)
		assert.Nil(t, ev.Usage, "usage is the span's, never a record's")
		assert.Equal(t, "gen_ai.client.inference.operation.details", ev.Metadata.Get("kind"))
	}
}

// TestLogJoinMetrics: the log join's outcomes are counted in the collector's own telemetry
// (otelcol_llmtrace_exporter_log_records by llmtrace.log_record.outcome, and the records
// held now): records that came before their span are "joined" once its event is accepted;
// application logs are "ignored".
func TestLogJoinMetrics(t *testing.T) {
	td, ld := readDoc(t, "openai-chat.json")
	genAI := 0
	for _, r := range pdataview.Logs(ld) {
		if r.EventName != "" {
			genAI++
		}
	}
	require.NotZero(t, genAI)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p := platformtest.New(t)
	te, le := startPipelinesWith(t, p.URL(), "metrics", time.Minute, tel.NewTelemetrySettings())
	done := make(chan error, 1)
	go func() { done <- le.ConsumeLogs(context.Background(), ld) }()
	require.Eventually(t, func() bool {
		m, err := tel.GetMetric("otelcol_llmtrace_exporter_log_records_held")
		if err != nil {
			return false
		}
		g, ok := m.Data.(metricdata.Gauge[int64])
		return ok && len(g.DataPoints) == 1 && g.DataPoints[0].Value == int64(genAI)
	}, 5*time.Second, 10*time.Millisecond, "the records wait for their span, counted as held")
	require.NoError(t, te.ConsumeTraces(context.Background(), td))
	require.NoError(t, <-done)
	by := countsBy(t, tel, "otelcol_llmtrace_exporter_log_records", "llmtrace.log_record.outcome")
	want := map[string]int64{"joined": int64(genAI)}
	if other := ld.LogRecordCount() - genAI; other > 0 {
		want["ignored"] = int64(other) // the document's application logs
	}
	assert.Equal(t, want, by)
}
