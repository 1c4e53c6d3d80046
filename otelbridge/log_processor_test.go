package otelbridge_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// emitChatRecords emits, in ctx's span, the records @opentelemetry/instrumentation-openai
// 0.21.0 emits for a chat call (build/src/instrumentation.js: event.name and gen_ai.system
// attributes, the message in the body), plus one application log.
func emitChatRecords(ctx context.Context, lg otellog.Logger) {
	emit := func(name string, body attribute.Value) {
		var r otellog.Record
		r.SetTimestamp(time.Now())
		r.SetSeverity(otellog.SeverityInfo)
		r.AddAttributes(attribute.String("event.name", name), attribute.String("gen_ai.system", "openai"))
		r.SetBody(body)
		lg.Emit(ctx, r)
	}
	var app otellog.Record
	app.SetBody(attribute.StringValue("calling the model"))
	lg.Emit(ctx, app)
	emit("gen_ai.user.message", attribute.MapValue(attribute.String("content", "Weather in Paris?")))
	emit("gen_ai.choice", attribute.MapValue(attribute.String("finish_reason", "stop"), attribute.Int("index", 0),
		attribute.Map("message", attribute.String("content", "Mild, 18°C."))))
}

// chatCall starts the chat span of the same instrumentation (no content on the span).
func chatCall(ctx context.Context, tr trace.Tracer) (context.Context, trace.Span) {
	return tr.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.system", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.Int("gen_ai.usage.input_tokens", 12), attribute.Int("gen_ai.usage.output_tokens", 5)))
}

func newLogs(t *testing.T, p *otelbridge.SpanProcessor) (*otelbridge.LogProcessor, otellog.Logger) {
	lp := otelbridge.NewLogProcessor(p)
	provider := sdklog.NewLoggerProvider(sdklog.WithProcessor(lp))
	t.Cleanup(func() { _ = provider.Shutdown(context.Background()) })
	return lp, provider.Logger("@opentelemetry/instrumentation-openai")
}

func checkChatEvent(t *testing.T, p *platformtest.Platform, span trace.Span) {
	t.Helper()
	sc := span.SpanContext()
	ev, ok := p.Stored()[platformtest.Key{TraceID: mapping.TraceUUID(sc.TraceID()), SpanID: mapping.SpanUUID(sc.TraceID(), sc.SpanID())}]
	if !ok {
		t.Fatal("the span's event is not stored")
	}
	if !strings.Contains(string(ev.Input), "Weather in Paris?") || !strings.Contains(string(ev.Output), "Mild, 18°C.") {
		t.Errorf("the event lacks the records' content: input %s output %s", ev.Input, ev.Output)
	}
	if ev.Usage == nil || ev.Usage.PromptTokens != 12 || ev.Usage.CompletionTokens != 5 {
		t.Errorf("usage %+v, want the span's 12/5", ev.Usage)
	}
}

func TestLogProcessorRecordsBeforeSpan(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL())
	lp, lg := newLogs(t, p)
	ctx, span := chatCall(context.Background(), tp.Tracer("t"))
	emitChatRecords(ctx, lg)
	if err := lp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	span.End()
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	checkChatEvent(t, plat, span)
	st := lp.Stats()
	if st.Received != 3 || st.Skipped != 1 || st.Joined != 2 || st.Waiting != 0 || st.Alone != 0 {
		t.Errorf("stats %+v", st)
	}
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(plat.Stored()); n != 1 {
		t.Errorf("%d events stored, want the span's only (a joined record shipped again?)", n)
	}
}

func TestLogProcessorRecordsAfterSpan(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL())
	lp, lg := newLogs(t, p)
	ctx, span := chatCall(context.Background(), tp.Tracer("t"))
	span.End()
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	emitChatRecords(ctx, lg)
	if err := lp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkChatEvent(t, plat, span)
	if st := lp.Stats(); st.Late != 2 {
		t.Errorf("stats %+v, want 2 late", st)
	}
}

func TestLogProcessorShutdownShipsWaitingRecords(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL())
	lp, lg := newLogs(t, p)
	ctx, span := chatCall(context.Background(), tp.Tracer("t")) // never ends
	emitChatRecords(ctx, lg)
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	parent := mapping.SpanUUID(span.SpanContext().TraceID(), span.SpanContext().SpanID())
	evs := plat.Stored()
	if len(evs) != 2 {
		t.Fatalf("%d events stored, want one per record", len(evs))
	}
	for _, ev := range evs {
		if ev.ParentSpanID != parent || ev.Type != platform.TypeCustom || ev.Usage != nil {
			t.Errorf("event %s: parent %s type %s usage %v", ev.Name, ev.ParentSpanID, ev.Type, ev.Usage)
		}
	}
	if st := lp.Stats(); st.Alone != 2 || st.Waiting != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestWithLogHoldRefusesNegative(t *testing.T) {
	_, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint("http://127.0.0.1:1"), otelbridge.WithLogHold(-time.Second))
	var ce *platform.ConfigurationError
	if !errors.As(err, &ce) || ce.Field != "log hold" {
		t.Fatalf("err = %v, want a *platform.ConfigurationError for the log hold", err)
	}
}
