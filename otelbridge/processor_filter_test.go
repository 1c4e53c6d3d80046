package otelbridge_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
)

// GenAIOnly keeps gen_ai spans and their ancestors (an HTTP handler root), and leaves out
// spans with no gen_ai descendant.
func TestGenAIOnlyKeepsGenAISpansAndAncestors(t *testing.T) {
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithSpanFilter(otelbridge.GenAIOnly()))
	tr := tp.Tracer("t")

	ctx, root := tr.Start(context.Background(), "POST /chat", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", "POST")))
	_, auth := tr.Start(ctx, "auth check")
	auth.End()
	mid, handler := tr.Start(ctx, "handler")
	emitAgentTurn(mid, tr, 0) // agent → chat → tool, all gen_ai
	handler.End()
	root.End()
	_, db := tr.Start(context.Background(), "SELECT users")
	db.End()

	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, ev := range plat.Stored() {
		names[ev.Name] = true
	}
	for _, n := range []string{"POST /chat", "handler", "invoke_agent weather-bot", "chat gpt-4o-mini", "execute_tool get_weather"} {
		if !names[n] {
			t.Errorf("%q left out; kept %v", n, names)
		}
	}
	for _, n := range []string{"auth check", "SELECT users"} {
		if names[n] {
			t.Errorf("%q kept, want it filtered", n)
		}
	}
	if st := p.Stats(); st.Filtered != 2 || st.Sent != 5 {
		t.Fatalf("Stats = %+v, want 2 filtered, 5 exported", st)
	}
}
