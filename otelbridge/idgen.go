package otelbridge

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// NewIDGenerator returns an sdktrace.IDGenerator (for sdktrace.WithIDGenerator) whose
// trace IDs are valid UUID v7 (RFC 9562): a 48-bit Unix timestamp in milliseconds, version
// 7, 12 bits of sub-millisecond time, the 10 variant and 62 random bits. Such a trace ID
// maps to itself (TraceUUID), so the platform's traceId equals the OTel trace ID, and IDs
// sort by start time. Span IDs are 8 random non-zero bytes, as the SDK's default. Random
// bits come from math/rand/v2 (ChaCha8, the SDK's source). Safe for concurrent use.
func NewIDGenerator() sdktrace.IDGenerator { return uuidv7IDGenerator{now: time.Now} }

type uuidv7IDGenerator struct{ now func() time.Time }

// NewIDs returns a UUID v7 trace ID and a random span ID.
func (g uuidv7IDGenerator) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	return newUUIDv7TraceID(g.now()), newSpanID()
}

// NewSpanID returns a random non-zero span ID.
func (uuidv7IDGenerator) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	return newSpanID()
}

func newUUIDv7TraceID(t time.Time) trace.TraceID {
	var id trace.TraceID
	ns := t.UnixNano()
	ms := uint64(ns / int64(time.Millisecond))
	// 12 bits of sub-millisecond fraction (RFC 9562 §6.2 method 3).
	frac := uint64(ns%int64(time.Millisecond)) * 4096 / uint64(time.Millisecond)
	binary.BigEndian.PutUint64(id[0:8], ms<<16|0x7000|frac&0x0fff)
	binary.BigEndian.PutUint64(id[8:16], rand.Uint64()&0x3fffffffffffffff|0x8000000000000000)
	return id
}

func newSpanID() trace.SpanID {
	var sid trace.SpanID
	for !sid.IsValid() {
		binary.NativeEndian.PutUint64(sid[:], rand.Uint64())
	}
	return sid
}
