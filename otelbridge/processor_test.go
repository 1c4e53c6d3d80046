package otelbridge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// emitAgentTurn emits one agent turn as an instrumented app would (OTel gen_ai semconv):
// invoke_agent → chat (llm, with usage and messages) → execute_tool. It returns the
// trace ID.
func emitAgentTurn(ctx context.Context, tr trace.Tracer, i int) trace.TraceID {
	ctx, agent := tr.Start(ctx, "invoke_agent weather-bot", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "invoke_agent"),
		attribute.String("gen_ai.agent.name", "weather-bot"),
		attribute.String("gen_ai.provider.name", "openai"),
	))
	_, llm := tr.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.String("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
		attribute.String("gen_ai.response.id", fmt.Sprintf("chatcmpl-%d", i)),
		attribute.Int64("gen_ai.usage.input_tokens", 82),
		attribute.Int64("gen_ai.usage.output_tokens", 18),
		attribute.StringSlice("gen_ai.response.finish_reasons", []string{"tool_calls"}),
		attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`),
		attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`),
	))
	llm.End()
	_, tool := tr.Start(ctx, "execute_tool get_weather", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "execute_tool"),
		attribute.String("gen_ai.tool.name", "get_weather"),
		attribute.String("gen_ai.tool.call.id", "call_1"),
		attribute.String("gen_ai.tool.call.arguments", `{"location":"Paris"}`),
		attribute.String("gen_ai.tool.call.result", `{"temperature_c":18,"sky":"clear"}`),
	))
	tool.SetStatus(codes.Ok, "")
	tool.End()
	agent.End()
	return agent.SpanContext().TraceID()
}

// newProc builds a processor against url with test-friendly defaults (no timer flushes,
// fast retries) plus opts, and a TracerProvider using it.
func newProc(t *testing.T, url string, opts ...otelbridge.Option) (*otelbridge.SpanProcessor, *sdktrace.TracerProvider) {
	t.Helper()
	base := []otelbridge.Option{
		otelbridge.WithEndpoint(url),
		otelbridge.WithAPIKey("test-key-123"),
		otelbridge.WithBatchTimeout(time.Hour),
		otelbridge.WithRetry(otelbridge.RetryConfig{Enabled: true, InitialInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxElapsedTime: 10 * time.Second}),
		otelbridge.WithExportTimeout(10 * time.Second),
	}
	p, err := otelbridge.NewSpanProcessor(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewSpanProcessor: %v", err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(p),
		sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "weather-app"))),
	)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tp.Shutdown(ctx)
	})
	return p, tp
}

// waitFor polls cond every 5 ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func flush(t *testing.T, p *otelbridge.SpanProcessor) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return p.ForceFlush(ctx)
}

func TestSpanProcessorShipsAgentTurns(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithTags("env:test"), otelbridge.WithMetadata(map[string]any{"deployment": "ci"}))
	tr := tp.Tracer("weather-app")

	ctx := otelbridge.ContextWithUser(otelbridge.ContextWithSession(context.Background(), "sess-3"), "user-7")
	var traces []trace.TraceID
	for i := range 3 {
		traces = append(traces, emitAgentTurn(otelbridge.ContextWithConversation(ctx, fmt.Sprintf("conv-%d", i)), tr, i))
	}
	if err := flush(t, p); err != nil {
		t.Fatalf("ForceFlush: %v", err)
	}

	got := plat.Stored()
	st := p.Stats()
	if st.Received != 9 || st.Sent != 9 || st.Dropped+st.Rejected+st.EventsDropped+st.Filtered+st.Panics != 0 {
		t.Fatalf("Stats = %+v, want 9 received and exported, nothing else", st)
	}
	if len(got) != 9 {
		t.Fatalf("platform stored %d events, want 9", len(got))
	}
	byTrace := map[string][]platform.TraceEvent{}
	for _, ev := range got {
		byTrace[ev.TraceID] = append(byTrace[ev.TraceID], ev)
		if ev.UserID != "user-7" || ev.SessionID != "sess-3" {
			t.Errorf("%s: userId %q sessionId %q, want user-7 / sess-3 stamped from the context", ev.Name, ev.UserID, ev.SessionID)
		}
		if !strings.Contains(strings.Join(ev.Tags, ","), "env:test") {
			t.Errorf("%s: tags %v lack env:test", ev.Name, ev.Tags)
		}
		if ev.Metadata.Get("deployment") != "ci" {
			t.Errorf("%s: metadata.deployment = %v, want ci", ev.Name, ev.Metadata.Get("deployment"))
		}
	}
	for _, tid := range traces {
		// NewIDGenerator: the platform's traceId is the OTel trace ID itself.
		evs := byTrace[mapping.TraceUUID(tid)]
		if len(evs) != 3 {
			t.Fatalf("trace %s: %d events, want 3", tid, len(evs))
		}
		types := map[platform.Type]int{}
		threads := map[string]bool{}
		for _, ev := range evs {
			types[ev.Type]++
			threads[ev.ThreadID] = true
		}
		if types[platform.TypeLLM] != 1 || types[platform.TypeTool] != 1 {
			t.Errorf("trace %s types %v, want one llm and one tool", tid, types)
		}
		if len(threads) != 1 {
			t.Errorf("trace %s: %d threadIds, want one conversation", tid, len(threads))
		}
	}
	for _, r := range plat.Requests() {
		if a := r.Header.Get("Authorization"); a != "Bearer test-key-123" {
			t.Errorf("Authorization = %q", a)
		}
	}
}

func TestForceFlushSendsAllEnqueuedBeforeIt(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithMaxBatchSize(5))
	tr := tp.Tracer("t")
	for i := range 37 {
		_, s := tr.Start(context.Background(), fmt.Sprintf("chat %d", i), trace.WithAttributes(attribute.String("gen_ai.operation.name", "chat")))
		s.End()
	}
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	if n := len(plat.Stored()); n != 37 {
		t.Fatalf("stored %d after ForceFlush, want 37", n)
	}
	if st := p.Stats(); st.Sent != 37 || st.Batches < 8 {
		t.Fatalf("Stats = %+v, want 37 exported in ≥ 8 batches of ≤ 5", st)
	}
}

func TestBatchesBySizeAndByTime(t *testing.T) {
	t.Run("size", func(t *testing.T) {
		plat := platformtest.New(t)
		p, tp := newProc(t, plat.URL(), otelbridge.WithMaxBatchSize(10))
		tr := tp.Tracer("t")
		for i := range 25 {
			_, s := tr.Start(context.Background(), fmt.Sprintf("span %d", i))
			s.End()
		}
		// Two full batches go without a flush or timer; the last 5 wait.
		waitFor(t, 10*time.Second, "two full batches", func() bool { return len(plat.Stored()) == 20 })
		time.Sleep(50 * time.Millisecond)
		if n := len(plat.Stored()); n != 20 {
			t.Fatalf("stored %d before the flush, want 20 (two batches of 10)", n)
		}
		if err := flush(t, p); err != nil {
			t.Fatal(err)
		}
		if n := len(plat.Stored()); n != 25 {
			t.Fatalf("stored %d, want 25", n)
		}
	})
	t.Run("time", func(t *testing.T) {
		plat := platformtest.New(t)
		_, tp := newProc(t, plat.URL(), otelbridge.WithBatchTimeout(30*time.Millisecond))
		tr := tp.Tracer("t")
		for i := range 3 {
			_, s := tr.Start(context.Background(), fmt.Sprintf("span %d", i))
			s.End()
		}
		waitFor(t, 10*time.Second, "the batch timeout to send 3 spans", func() bool { return len(plat.Stored()) == 3 })
	})
	t.Run("bytes", func(t *testing.T) {
		plat := platformtest.New(t)
		p, tp := newProc(t, plat.URL(), otelbridge.WithMaxBatchBytes(20_000))
		tr := tp.Tracer("t")
		big := strings.Repeat("x", 6_000)
		for i := range 8 {
			_, s := tr.Start(context.Background(), fmt.Sprintf("span %d", i), trace.WithAttributes(attribute.String("gen_ai.prompt", big)))
			s.End()
		}
		if err := flush(t, p); err != nil {
			t.Fatal(err)
		}
		// ~6.4 KB each: a batch closes at the 4th span (≥ 20 000 bytes).
		if st := p.Stats(); st.Sent != 8 || st.Batches != 2 {
			t.Fatalf("Stats = %+v, want 8 exported in 2 batches by bytes", st)
		}
	})
}

func TestShutdownFlushesIsIdempotentAndStopsIntake(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL())
	tr := tp.Tracer("t")
	for i := range 7 {
		_, s := tr.Start(context.Background(), fmt.Sprintf("span %d", i))
		s.End()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if n := len(plat.Stored()); n != 7 {
		t.Fatalf("stored %d after Shutdown, want 7", n)
	}
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	// Later spans are no-ops (the provider still calls OnEnd: it does not know).
	_, s := tr.Start(context.Background(), "late")
	s.End()
	if st := p.Stats(); st.Received != 7 {
		t.Fatalf("Received = %d after a span ended post-Shutdown, want 7", st.Received)
	}
	if err := p.ForceFlush(ctx); err != nil {
		t.Fatalf("ForceFlush after Shutdown: %v", err)
	}
}

func TestShutdownHonoursContext(t *testing.T) {
	plat := platformtest.New(t)
	release := make(chan struct{})
	plat.SetReply(platformtest.Hang(release)) // a platform that never answers
	defer close(release)
	p, tp := newProc(t, plat.URL())
	_, s := tp.Tracer("t").Start(context.Background(), "stuck")
	s.End()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := p.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want context.DeadlineExceeded", err)
	}
	t.Logf("Shutdown returned after %v", time.Since(start))
	// The cancelled in-flight send is counted as failed.
	waitFor(t, 5*time.Second, "the in-flight event to count as failed", func() bool { return p.Stats().EventsDropped == 1 })
}

func TestUnsampledSpansAreIgnored(t *testing.T) {
	plat := platformtest.New(t)
	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(plat.URL()))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithSampler(sdktrace.NeverSample()))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	_, s := tp.Tracer("t").Start(context.Background(), "x")
	s.End()
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Received != 0 || plat.RequestCount() != 0 {
		t.Fatalf("Stats %+v, %d requests; want nothing for unsampled spans", st, plat.RequestCount())
	}
}

// procErrors collects otel.Handle reports for one test (the handler is global).
type procErrors struct {
	mu   sync.Mutex
	errs []error
}

func (h *procErrors) Handle(err error) { h.mu.Lock(); h.errs = append(h.errs, err); h.mu.Unlock() }

func (h *procErrors) all() []error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]error(nil), h.errs...)
}

func captureOtelErrors(t *testing.T) *procErrors {
	h := &procErrors{}
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(h)
	t.Cleanup(func() { otel.SetErrorHandler(prev) })
	return h
}

func TestPanicsNeverReachTheApp(t *testing.T) {
	errs := captureOtelErrors(t)
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithSpanFilter(func(s sdktrace.ReadOnlySpan) bool {
		if strings.HasPrefix(s.Name(), "boom") {
			panic("filter bug")
		}
		return true
	}))
	tr := tp.Tracer("t")
	for _, name := range []string{"boom 1", "ok", "boom 2"} {
		_, s := tr.Start(context.Background(), name)
		s.End() // must not panic
	}
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	if st.Panics != 2 || st.Sent != 1 || st.Filtered != 2 {
		t.Fatalf("Stats = %+v, want 2 panics (spans filtered out), 1 exported", st)
	}
	n := 0
	for _, e := range errs.all() {
		if strings.Contains(e.Error(), "panic") {
			n++
			if !strings.Contains(e.Error(), "filter bug") {
				t.Errorf("panic report %q lacks the panic value", e)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d panic reports through otel.Handle, want exactly 1", n)
	}
}

func TestCaptureContentOff(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithCaptureContent(false))
	emitAgentTurn(context.Background(), tp.Tracer("t"), 0)
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	got := plat.Stored()
	if len(got) != 3 {
		t.Fatalf("stored %d, want 3", len(got))
	}
	for _, ev := range got {
		if c := contentOf(ev); c != "" {
			t.Errorf("%s: content %q sent with content capture off", ev.Name, c)
		}
		if ev.Type == platform.TypeLLM && (ev.Usage == nil || ev.Usage.PromptTokens != 82) {
			t.Errorf("llm event lost its usage: %+v", ev.Usage)
		}
	}
}

func TestSelfObservabilityMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithMeterProvider(mp))
	emitAgentTurn(context.Background(), tp.Tracer("t"), 0)
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "github.com/llmtrace/llmtrace/otelbridge" {
			continue
		}
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, dp := range sum.DataPoints {
					got[m.Name] += dp.Value
				}
			}
		}
	}
	st := p.Stats()
	want := map[string]int64{
		otelbridge.MetricSpansReceived: st.Received,
		otelbridge.MetricEventsSent:    st.Sent,
		otelbridge.MetricSpansDropped:  0,
		otelbridge.MetricRetries:       0,
		otelbridge.MetricQueueCapacity: otelbridge.DefaultMaxQueueSize,
	}
	if st.Received != 3 || st.Sent != 3 {
		t.Fatalf("Stats = %+v", st)
	}
	for name, v := range want {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("metric %s = %d (present %v), want %d", name, g, ok, v)
		}
	}
}

func newTPFor(t *testing.T, p sdktrace.SpanProcessor) *sdktrace.TracerProvider {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp
}

// contentOf returns the first piece of message or tool content (from emitAgentTurn) found
// in ev's input or output, "" when there is none.
func contentOf(ev platform.TraceEvent) string {
	io := string(ev.Input) + string(ev.Output)
	for _, c := range []string{"Weather in Paris", "Paris", "temperature_c", "clear"} {
		if strings.Contains(io, c) {
			return c
		}
	}
	return ""
}
