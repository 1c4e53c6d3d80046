// Package tracestate is what the three ways in (the otelbridge SpanProcessor and
// Exporter, the collector exporter, `llmtrace map`) keep of traces between Map calls, on
// top of the mapping core (internal/mapping), whose Map makes events from spans alone
// (and its trace memory): the events the platform accepted, so that a later call that
// reveals a trace's thread, user, session, tags or a tool event's arguments sends them
// again (resend.go), and the platform's replies, turned into what the Mapper's log join
// needs (Delivered).
//
// A State is safe for concurrent use. Its memory is per process and bounded (its
// accepted events by DefaultResendMemoryBytes and 4096 traces, each trace let go RootGrace
// after its root span was accepted): what a restart loses is a re-send, never an event
// (docs/collector.md "What a crash loses").
package tracestate
