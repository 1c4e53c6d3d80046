package otelbridge_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/otelbridge"
)

// An app adds the SpanProcessor to its TracerProvider, marks the conversation on the
// context, and its gen_ai spans reach the platform as TraceEvents. Here a loopback
// server stands in for the platform and counts the requests it accepts.
func Example() {
	var requests atomic.Int32
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"accepted":1}`)
	}))
	defer platform.Close()

	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(platform.URL), otelbridge.WithAPIKey("key"))
	if err != nil {
		fmt.Println(err)
		return
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()))

	ctx := otelbridge.ContextWithConversation(context.Background(), "support-thread-42")
	_, span := tp.Tracer("app").Start(ctx, "chat gpt-4o", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o"),
		attribute.Int64("gen_ai.usage.input_tokens", 12),
		attribute.Int64("gen_ai.usage.output_tokens", 3),
	))
	span.End()

	if err := tp.Shutdown(context.Background()); err != nil { // flushes the processor
		fmt.Println(err)
	}
	st := p.Stats()
	fmt.Printf("requests %d, spans exported %d, dropped %d\n", requests.Load(), st.Sent, st.Dropped)
	// Output: requests 1, spans exported 1, dropped 0
}
