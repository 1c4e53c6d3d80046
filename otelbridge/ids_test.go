package otelbridge_test

import (
	"context"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// The IDs TraceUUID and SpanUUID give are the ones the platform receives: spans with the
// SDK's random trace IDs and with NewIDGenerator's go through the SpanProcessor to a
// loopback platform, and each stored event carries TraceUUID(trace ID),
// SpanUUID(trace ID, span ID) and, for the child, SpanUUID of its parent.
func TestTraceUUIDAndSpanUUIDAreThePlatformIDs(t *testing.T) {
	for _, tc := range []struct {
		name string
		gen  []sdktrace.TracerProviderOption
	}{
		{"sdk random IDs", nil},
		{"NewIDGenerator", []sdktrace.TracerProviderOption{sdktrace.WithIDGenerator(otelbridge.NewIDGenerator())}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ingest := platformtest.New(t)
			p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(ingest.URL()), otelbridge.WithBatchTimeout(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			tp := sdktrace.NewTracerProvider(append(tc.gen, sdktrace.WithSpanProcessor(p))...)
			ctx, parent := tp.Tracer("t").Start(context.Background(), "invoke_agent a")
			_, child := tp.Tracer("t").Start(ctx, "chat m")
			child.End()
			parent.End()
			if err := tp.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			pc, cc := parent.SpanContext(), child.SpanContext()
			byName := map[string]platform.TraceEvent{}
			for _, ev := range ingest.Events() {
				byName[ev.Name] = ev
			}
			pe, ce := byName["invoke_agent a"], byName["chat m"]
			if len(byName) != 2 {
				t.Fatalf("platform stored %d events, want 2", len(byName))
			}
			tid := otelbridge.TraceUUID(pc.TraceID())
			if !platform.IsUUIDv7(tid) || pe.TraceID != tid || ce.TraceID != tid {
				t.Errorf("TraceUUID %s, stored %s and %s", tid, pe.TraceID, ce.TraceID)
			}
			if pe.SpanID != otelbridge.SpanUUID(pc.TraceID(), pc.SpanID()) || ce.SpanID != otelbridge.SpanUUID(cc.TraceID(), cc.SpanID()) ||
				ce.ParentSpanID != pe.SpanID {
				t.Errorf("spans %s/%s, parent link %s; SpanUUID gives %s and %s", pe.SpanID, ce.SpanID, ce.ParentSpanID,
					otelbridge.SpanUUID(pc.TraceID(), pc.SpanID()), otelbridge.SpanUUID(cc.TraceID(), cc.SpanID()))
			}
		})
	}
}

// A UUID v7 trace ID is its own platform traceId; the known vector of the mapping rule
// (internal/mapping/ids.go) for a non-v7 one: version nibble and variant bits forced.
func TestTraceUUIDValues(t *testing.T) {
	v7, _ := trace.TraceIDFromHex("0190a1b2c3d47e5f9a0b1c2d3e4f5061")
	if got := otelbridge.TraceUUID(v7); got != "0190a1b2-c3d4-7e5f-9a0b-1c2d3e4f5061" {
		t.Errorf("UUID v7 trace ID: %s", got)
	}
	random, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	if got := otelbridge.TraceUUID(random); got != "4bf92f35-77b3-7da6-a3ce-929d0e0e4736" {
		t.Errorf("W3C example trace ID: %s", got)
	}
	// Span ID 00f067aa0ba902b7: timestamp = trace bytes 0–5 (4bf92f3577b3), version 7 and the
	// top 12 bits (00f), then variant 10 and the low 52 bits (067aa0ba902b7) shifted left 10
	// over a zero discriminator: 0x8000… | 0x067aa0ba902b7<<10 = 819ea82ea40adc00.
	span, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	if got := otelbridge.SpanUUID(random, span); got != "4bf92f35-77b3-700f-819e-a82ea40adc00" || !platform.IsUUIDv7(got) {
		t.Errorf("SpanUUID: %s", got)
	}
}
