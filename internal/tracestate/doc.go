// Package tracestate is what the three ways in (the otelbridge SpanProcessor, Exporter and
// LogProcessor, the collector exporter, `llmtrace map`) keep between calls, on top of the
// mapping core (internal/mapping), whose Mapper makes events from exactly what it is given:
//
//   - the trace memory (memory.go): recent traces — their trace-wide values, span tree and usage,
//     tool calls — the mapping.TraceMemory every call resolves against, so that a trace's
//     spans may arrive in several calls;
//   - the events the platform accepted (resend.go), sent again when a later call reveals
//     a trace's thread, user, session or tags, or a tool event's arguments (the platform
//     upserts by traceId + spanId);
//   - the log join (logjoin.go, logs.go): gen_ai log records held for their span, joined
//     into its event, sent late with an accepted event or shipped on their own.
//
// A shipper maps with State.Map / MapLogs / ExpiredLogs / FlushLogs and reports every
// platform reply with State.Delivered. A State is safe for concurrent use. What it keeps is
// per process and bounded (MaxTraces traces, each forgotten MemoryTTL after it was last
// mapped; accepted events within DefaultResendMemoryBytes, a trace's let go RootGrace
// after its root span was accepted; held records within Options.LogHoldBytes): what a
// restart loses is a re-send, a roll-up or a join, never an acknowledged event or record
// (docs/collector.md "What a crash loses": the collector's queues hold what is not done).
package tracestate
