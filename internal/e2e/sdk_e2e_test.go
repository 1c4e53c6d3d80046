package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// An app instrumented with the OTel Go SDK emits agent → llm → tool turns through the
// SpanProcessor into the real dev platform; the same spans also go out as OTLP through
// otlptracehttp. The events the platform stored equal, byte for byte as JSON, what the
// collector path's mapping (ptrace → internal/pdataview → the same core) gives for the
// OTLP body: one core, same bytes. The reference is that same core, so this checks that both
// adapters present spans alike and nothing is lost in transport; the values are pinned by
// internal/mapping's literal tests and testdata/golden.
func TestSpanProcessorMatchesOTLPMapping(t *testing.T) {
	dev, devsrv := sdkDevPlatform(t, "e2e-key")
	sink := &sdkOTLPSink{keep: true}
	otlpSrv := httptest.NewServer(sink)
	defer otlpSrv.Close()

	ctx := context.Background()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(otlpSrv.URL+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	tags := []string{"e2e"}
	md := map[string]any{"deployment": "ci"}
	p, err := otelbridge.NewSpanProcessor(
		otelbridge.WithEndpoint(devsrv.URL),
		otelbridge.WithAPIKey("e2e-key"),
		otelbridge.WithTags(tags...),
		otelbridge.WithMetadata(md),
	)
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(p),
		sdktrace.WithBatcher(exp),
		sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()),
		sdktrace.WithResource(resource.NewSchemaless(
			attribute.String("service.name", "weather-app"),
			attribute.String("deployment.environment.name", "test"))),
	)
	defer func() { _ = tp.Shutdown(ctx) }()
	tr := tp.Tracer("github.com/acme/weather-app")

	convCtx := otelbridge.ContextWithTraceAttributes(ctx, otelbridge.TraceAttributes{
		ConversationID: "conv-e2e", UserID: "user-1", SessionID: "sess-1"})
	traceIDs := map[string]bool{}
	for i := range 4 {
		traceIDs[mapping.TraceUUID(sdkAgentTurn(convCtx, tr, i))] = true
	}
	fctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := tp.ForceFlush(fctx); err != nil {
		t.Fatalf("ForceFlush: %v", err)
	}

	// The collector path: OTLP protobuf → ptrace → pdataview → the core.
	var views []mapping.SpanView
	var tds []ptrace.Traces
	sink.mu.Lock()
	for _, body := range sink.bodies {
		td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(body)
		if err != nil {
			t.Fatalf("OTLP body: %v", err)
		}
		tds = append(tds, td)
	}
	sink.mu.Unlock()
	for _, td := range tds {
		views = append(views, pdataview.Spans(td)...)
	}
	if len(views) != 12 {
		t.Fatalf("OTLP sink got %d spans, want 12", len(views))
	}
	want := mapping.NewMapper(mapping.MapOptions{Tags: tags, Metadata: platform.MetadataFromMap(md)}).Map(views)

	var got []platform.TraceEvent
	for id := range traceIDs {
		evs, err := dev.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, evs...)
	}
	// 12 spans and 2 recorded exceptions (error events).
	if len(got) != 14 || len(want) != 14 {
		t.Fatalf("platform stored %d events, OTLP mapping gives %d; want 14 each", len(got), len(want))
	}
	gj, wj := sdkCanonical(t, got), sdkCanonical(t, want)
	for i := range gj {
		if !bytes.Equal(gj[i], wj[i]) {
			t.Errorf("event %d differs:\n platform: %s\n OTLP map: %s", i, gj[i], wj[i])
		}
	}
	if st := p.Stats(); st.Received != 12 || st.Sent != 14 || st.EventsDropped+st.Rejected+st.Dropped != 0 {
		t.Fatalf("Stats = %+v, want 12 spans received, 14 events exported", st)
	}
	for _, ev := range got {
		if ev.UserID != "user-1" || ev.SessionID != "sess-1" {
			t.Errorf("%s: user %q session %q, want them on every event of the trace", ev.Name, ev.UserID, ev.SessionID)
		}
	}
}

// sdkCanonical encodes events as JSON, sorted by (traceId, spanId).
func sdkCanonical(t *testing.T, evs []platform.TraceEvent) [][]byte {
	t.Helper()
	sort.Slice(evs, func(i, j int) bool {
		if evs[i].TraceID != evs[j].TraceID {
			return evs[i].TraceID < evs[j].TraceID
		}
		return evs[i].SpanID < evs[j].SpanID
	})
	out := make([][]byte, len(evs))
	for i := range evs {
		b, err := json.Marshal(evs[i])
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}
