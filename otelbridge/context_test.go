package otelbridge_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
)

func TestContextWithTraceAttributesMerges(t *testing.T) {
	ctx := otelbridge.ContextWithConversation(context.Background(), "conv-1")
	ctx = otelbridge.ContextWithUser(ctx, "user-1")
	ctx = otelbridge.ContextWithTraceAttributes(ctx, otelbridge.TraceAttributes{SessionID: "sess-1", UserID: "user-2"})
	got := otelbridge.TraceAttributesFromContext(ctx)
	want := otelbridge.TraceAttributes{ConversationID: "conv-1", UserID: "user-2", SessionID: "sess-1"}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if !otelbridge.TraceAttributesFromContext(context.Background()).IsZero() {
		t.Fatal("background context carries attributes")
	}
}

func attrsOf(s sdktrace.ReadOnlySpan) map[string]string {
	m := map[string]string{}
	for _, kv := range s.Attributes() {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

// OnStart stamps the context's values and those of a parent span it started onto every
// span, so the whole trace carries them, even where the child's context only holds the
// parent span.
func TestOnStartStampsConversationOnTheWholeTrace(t *testing.T) {
	plat := platformtest.New(t)
	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(plat.URL()))
	if err != nil {
		t.Fatal(err)
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tr := tp.Tracer("t")

	ctx := otelbridge.ContextWithTraceAttributes(context.Background(), otelbridge.TraceAttributes{
		ConversationID: "conv-9", UserID: "user-9", SessionID: "sess-9"})
	rootCtx, root := tr.Start(ctx, "agent")
	_, child := tr.Start(rootCtx, "chat")
	// A goroutine that only carries the span, not the values: inherits from the parent.
	detached := trace.ContextWithSpan(context.Background(), root)
	gcCtx, grandchild := tr.Start(detached, "tool")
	_, great := tr.Start(gcCtx, "inner")
	// An explicit attribute on the span wins over the context's.
	_, own := tr.Start(rootCtx, "other", trace.WithAttributes(attribute.String("user.id", "explicit")))
	// Outside any conversation: untouched.
	_, plain := tr.Start(context.Background(), "plain")
	for _, s := range []trace.Span{great, grandchild, child, own, plain, root} {
		s.End()
	}

	want := map[string]string{"gen_ai.conversation.id": "conv-9", "user.id": "user-9", "session.id": "sess-9"}
	for _, s := range rec.Ended() {
		a := attrsOf(s)
		switch s.Name() {
		case "plain":
			for k := range want {
				if _, ok := a[k]; ok {
					t.Errorf("plain span got %s", k)
				}
			}
		case "other":
			if a["user.id"] != "explicit" || a["gen_ai.conversation.id"] != "conv-9" {
				t.Errorf("other: %v, want the explicit user.id kept and the conversation stamped", a)
			}
		default:
			for k, v := range want {
				if a[k] != v {
					t.Errorf("%s: %s = %q, want %q", s.Name(), k, a[k], v)
				}
			}
		}
	}
}
