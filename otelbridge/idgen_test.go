package otelbridge_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/uuid"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

func TestIDGeneratorMakesUUIDv7TraceIDs(t *testing.T) {
	gen := otelbridge.NewIDGenerator()
	before := time.Now().UnixMilli()
	var prev [16]byte
	spans := map[[8]byte]bool{}
	for i := range 2000 {
		tid, sid := gen.NewIDs(context.Background())
		if !tid.IsValid() || !sid.IsValid() {
			t.Fatalf("invalid IDs %s %s", tid, sid)
		}
		u := uuid.UUID(tid)
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%s: version %d variant %v, want 7 / RFC 4122", u, u.Version(), u.Variant())
		}
		// Maps to itself: the platform's traceId is the OTel trace ID.
		if got := mapping.TraceUUID(tid); got != u.String() || !platform.IsUUIDv7(got) {
			t.Fatalf("TraceUUID(%s) = %s, want %s", tid, got, u)
		}
		ms := int64(binary.BigEndian.Uint64(append([]byte{0, 0}, tid[:6]...)))
		if now := time.Now().UnixMilli(); ms < before || ms > now {
			t.Fatalf("timestamp %d ms outside [%d, %d]", ms, before, now)
		}
		// Time-ordered: the first 8 bytes (ms + sub-ms fraction) never go backwards.
		if i > 0 && bytes.Compare(tid[:8], prev[:8]) < 0 {
			t.Fatalf("trace IDs out of time order: %x then %x", prev, tid)
		}
		prev = tid
		if spans[sid] {
			t.Fatalf("span ID %s repeated", sid)
		}
		spans[sid] = true
		if s2 := gen.NewSpanID(context.Background(), tid); !s2.IsValid() {
			t.Fatal("NewSpanID gave an invalid ID")
		}
	}
}

func TestIDGeneratorWithTracerProvider(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, root := tp.Tracer("t").Start(context.Background(), "root")
	_, child := tp.Tracer("t").Start(ctx, "child")
	if root.SpanContext().TraceID() != child.SpanContext().TraceID() {
		t.Fatal("child left the trace")
	}
	if !platform.IsUUIDv7(uuid.UUID(root.SpanContext().TraceID()).String()) {
		t.Fatalf("trace ID %s is not a UUID v7", root.SpanContext().TraceID())
	}
}

func BenchmarkIDGeneratorNewIDs(b *testing.B) {
	gen := otelbridge.NewIDGenerator()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		gen.NewIDs(ctx)
	}
}
