package otelbridge_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// logMetrics collects reader once and returns the LogProcessor's data points: instrument →
// outcome attribute ("" for the instruments without one) → value. Every point must carry
// otel.component.type = llmtrace_log_processor, and the dropped counter error.type =
// queue_full.
func logMetrics(t *testing.T, reader *sdkmetric.ManualReader) map[string]map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "github.com/llmtrace/llmtrace/otelbridge" {
			continue
		}
		for _, m := range sm.Metrics {
			if !strings.HasPrefix(m.Name, "llmtrace.processor.log_records") {
				continue
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				t.Fatalf("%s: %T, want an int64 sum", m.Name, m.Data)
			}
			if m.Unit != "{record}" {
				t.Errorf("%s: unit %q", m.Name, m.Unit)
			}
			if want := m.Name != otelbridge.MetricLogRecordsHeld; sum.IsMonotonic != want {
				t.Errorf("%s: monotonic %v, want %v", m.Name, sum.IsMonotonic, want)
			}
			for _, dp := range sum.DataPoints {
				if v, _ := dp.Attributes.Value("otel.component.type"); v.AsString() != "llmtrace_log_processor" {
					t.Errorf("%s: otel.component.type %q", m.Name, v.AsString())
				}
				if m.Name == otelbridge.MetricLogRecordsDropped {
					if v, _ := dp.Attributes.Value("error.type"); v.AsString() != "queue_full" {
						t.Errorf("%s: error.type %q, want queue_full", m.Name, v.AsString())
					}
				}
				outcome, _ := dp.Attributes.Value(otelbridge.AttrLogRecordOutcome)
				if got[m.Name] == nil {
					got[m.Name] = map[string]int64{}
				}
				got[m.Name][outcome.AsString()] += dp.Value
			}
		}
	}
	return got
}

// wantLogMetrics is what logMetrics must read for st.
func wantLogMetrics(st otelbridge.LogProcessorStats) map[string]map[string]int64 {
	return map[string]map[string]int64{
		otelbridge.MetricLogRecords: {
			otelbridge.LogOutcomeJoined: st.Joined, otelbridge.LogOutcomeLate: st.Late, otelbridge.LogOutcomeAlone: st.Alone,
			otelbridge.LogOutcomeIgnored: st.Skipped, otelbridge.LogOutcomeForgotten: st.Forgotten,
		},
		otelbridge.MetricLogRecordsHeld:     {"": st.Waiting},
		otelbridge.MetricLogRecordsReceived: {"": st.Received},
		otelbridge.MetricLogRecordsDropped:  {"": st.Dropped},
		otelbridge.MetricLogRecordsOverflow: {"": st.Overflow},
	}
}

func checkLogMetrics(t *testing.T, reader *sdkmetric.ManualReader, want otelbridge.LogProcessorStats) {
	t.Helper()
	got := logMetrics(t, reader)
	for name, byOutcome := range wantLogMetrics(want) {
		for outcome, v := range byOutcome {
			if g, ok := got[name][outcome]; !ok || g != v {
				t.Errorf("metric %s{%s} = %d (present %v), want %d", name, outcome, g, ok, v)
			}
		}
	}
}

// emitRecord emits one gen_ai record of @opentelemetry/instrumentation-openai's shape in
// ctx's span (none: a record naming no span).
func emitRecord(ctx context.Context, lg otellog.Logger, name string, body attribute.Value) {
	var r otellog.Record
	r.SetTimestamp(time.Now())
	r.AddAttributes(attribute.String("event.name", name), attribute.String("gen_ai.system", "openai"))
	r.SetBody(body)
	lg.Emit(ctx, r)
}

// TestLogProcessorMetrics drives log records through a real sdklog LoggerProvider beside a
// real sdktrace TracerProvider and reads the LogProcessor's counts with the SDK's
// ManualReader: records that wait and then join their span, records that come after their
// span's event was accepted, application logs and a record naming no span (ignored), and a
// record larger than the hold's byte bound (shipped on its own at once).
func TestLogProcessorMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithMeterProvider(mp))
	lp, lg := newLogs(t, p)
	tr := tp.Tracer("t")
	ctx := context.Background()

	// Records before their span: they wait, then join it.
	ctxA, spanA := chatCall(ctx, tr)
	emitChatRecords(ctxA, lg) // an application log + 2 gen_ai records
	if err := lp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	checkLogMetrics(t, reader, otelbridge.LogProcessorStats{Received: 3, Skipped: 1, Waiting: 2})
	spanA.End()
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	checkLogMetrics(t, reader, otelbridge.LogProcessorStats{Received: 3, Skipped: 1, Joined: 2})

	// Records after their span's event was accepted: it is sent again with them.
	ctxB, spanB := chatCall(ctx, tr)
	spanB.End()
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	emitChatRecords(ctxB, lg)
	// A gen_ai record naming no span is ignored, as application logs are.
	emitRecord(ctx, lg, "gen_ai.user.message", attribute.MapValue(attribute.String("content", "orphan")))
	if err := lp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	checkLogMetrics(t, reader, otelbridge.LogProcessorStats{Received: 7, Skipped: 3, Joined: 2, Late: 2})

	// A record past the hold's byte bound (tracestate.DefaultLogHoldBytes) does not wait: it is
	// shipped on its own at once, a child event of its span, content capped.
	ctxC, spanC := chatCall(ctx, tr) // never ends
	emitRecord(ctxC, lg, "gen_ai.user.message", attribute.MapValue(attribute.String("content", strings.Repeat("x", tracestate.DefaultLogHoldBytes))))
	if err := lp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	want := otelbridge.LogProcessorStats{Received: 8, Skipped: 3, Joined: 2, Late: 2, Alone: 1, Overflow: 1}
	if st := lp.Stats(); st != want {
		t.Fatalf("Stats = %+v, want %+v", st, want)
	}
	checkLogMetrics(t, reader, want)
	sc := spanC.SpanContext()
	alone := 0
	for _, ev := range plat.Stored() {
		if ev.ParentSpanID == mapping.SpanUUID(sc.TraceID(), sc.SpanID()) {
			alone++
			if ev.Type != platform.TypeCustom || ev.Usage != nil || ev.Metadata.Get("kind") != "gen_ai.user.message" {
				t.Errorf("the overflowing record's event: type %s usage %v kind %v", ev.Type, ev.Usage, ev.Metadata.Get("kind"))
			}
		}
	}
	if alone != 1 {
		t.Errorf("%d events stored under the span the overflowing record names, want 1", alone)
	}
	if n := len(plat.Stored()); n != 3 {
		t.Errorf("%d events stored, want spans A and B and the overflowing record", n)
	}
}

// TestLogProcessorMetricsRecordAloneAfterHold: a gen_ai record whose span never comes is
// shipped on its own once WithLogHold has passed, and the counts say so (held, then alone).
func TestLogProcessorMetricsRecordAloneAfterHold(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithMeterProvider(mp), otelbridge.WithLogHold(50*time.Millisecond))
	lp, lg := newLogs(t, p)
	ctx, span := chatCall(context.Background(), tp.Tracer("t")) // sampled out upstream, say: never ends
	emitRecord(ctx, lg, "gen_ai.user.message", attribute.MapValue(attribute.String("content", "Weather in Lyon?")))
	// ForceFlush ships the records past the hold; poll until the hold has passed.
	waitFor(t, 10*time.Second, "the record to be shipped on its own", func() bool {
		if err := lp.ForceFlush(context.Background()); err != nil {
			t.Fatal(err)
		}
		return lp.Stats().Alone == 1
	})
	want := otelbridge.LogProcessorStats{Received: 1, Alone: 1}
	if st := lp.Stats(); st != want {
		t.Fatalf("Stats = %+v, want %+v", st, want)
	}
	checkLogMetrics(t, reader, want)
	evs := plat.Stored()
	if len(evs) != 1 {
		t.Fatalf("%d events stored, want the record's", len(evs))
	}
	sc := span.SpanContext()
	for _, ev := range evs {
		if ev.ParentSpanID != mapping.SpanUUID(sc.TraceID(), sc.SpanID()) || ev.Type != platform.TypeCustom ||
			ev.Usage != nil || !strings.Contains(string(ev.Input), "Weather in Lyon?") {
			t.Errorf("event %s: parent %s type %s usage %v input %s", ev.Name, ev.ParentSpanID, ev.Type, ev.Usage, ev.Input)
		}
	}
	if p.Stats().Sent != 1 {
		t.Errorf("span processor Stats %+v: the record's event is delivered through it", p.Stats())
	}
}

// TestLogProcessorMetricsQueueFull: while the background goroutine is stuck delivering (a
// hanging platform), OnEmit does not block: the record past the queue's capacity is
// dropped and counted (error.type=queue_full).
func TestLogProcessorMetricsQueueFull(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithMeterProvider(mp), otelbridge.WithMaxQueueSize(1), otelbridge.WithMaxBatchSize(1))
	lp, lg := newLogs(t, p)
	tr := tp.Tracer("t")
	ctxA, spanA := chatCall(context.Background(), tr)
	spanA.End()
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	plat.SetReply(platformtest.Hang(release))
	// A late record: its span's event is sent again, and the platform hangs.
	emitRecord(ctxA, lg, "gen_ai.user.message", attribute.MapValue(attribute.String("content", "first")))
	waitFor(t, 10*time.Second, "the re-send to reach the hanging platform", func() bool { return plat.RequestCount() == 2 })
	ctxB, _ := chatCall(context.Background(), tr)
	emitRecord(ctxB, lg, "gen_ai.user.message", attribute.MapValue(attribute.String("content", "queued")))
	emitRecord(ctxB, lg, "gen_ai.user.message", attribute.MapValue(attribute.String("content", "dropped")))
	checkLogMetrics(t, reader, otelbridge.LogProcessorStats{Received: 3, Dropped: 1})
	close(release)
	plat.SetReply(nil)
	if err := lp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkLogMetrics(t, reader, otelbridge.LogProcessorStats{Received: 3, Dropped: 1, Late: 1, Waiting: 1})
}
