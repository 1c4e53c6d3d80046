package otelbridge

import (
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/mapping"
)

// TraceUUID returns the platform's traceId for an OTel trace ID: a UUID v7 string in lower
// case with dashes (36 characters), the 16 trace-ID bytes with the version nibble set to 7
// and the RFC 9562 variant bits set to 10. It is the ID the processor, the exporter and
// the collector exporter give every event of the trace, and the one the dev platform's
// page is addressed by ({endpoint}/traces/{TraceUUID}). A trace ID made by
// [NewIDGenerator] is already a UUID v7 and maps to itself; any other, such as the SDK's
// random default, maps deterministically (same ID, same UUID, in any process). Rule:
// internal/mapping/ids.go.
func TraceUUID(id trace.TraceID) string { return mapping.TraceUUID(id) }

// SpanUUID returns the platform's spanId for an OTel span of a trace (also the
// parentSpanId of its children): a UUID v7 string whose 48-bit timestamp is the trace
// ID's first 6 bytes and whose version-free bits hold all 64 bits of the span ID, so
// distinct spans of one trace never share a spanId. Deterministic, as TraceUUID. Rule:
// internal/mapping/ids.go.
func SpanUUID(traceID trace.TraceID, spanID trace.SpanID) string {
	return mapping.SpanUUID(traceID, spanID)
}
