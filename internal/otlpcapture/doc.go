// Package otlpcapture records what OTLP/HTTP trace and log exporters send, for the real
// captures in testdata/captures/: a Receiver is an http.Handler that decodes each
// ExportLogsServiceRequest posted to a path ending in /v1/logs and each
// ExportTraceServiceRequest posted to any other path (so an SDK that appends its own path,
// such as Langfuse's /api/public/otel/v1/traces, works too) — protobuf
// (application/x-protobuf) or JSON (application/json), optionally gzip-encoded — and keeps
// the resource spans and resource logs in arrival order. WriteDocument writes them as one
// OTLP JSON document {"resourceSpans": [...], "resourceLogs": [...]} in the canonical
// protobuf-JSON form ptrace.JSONMarshaler and plog.JSONMarshaler produce (hex trace and span
// IDs, int64 as strings), the format of every file in testdata/captures/; WriteFile writes
// spans alone.
//
// A malformed request is answered 400 and changes nothing already recorded; an unsupported
// content type is 415, a content encoding other than gzip or identity is 415, and a metrics
// export (a path ending in /v1/metrics) is 404. A successful request is answered with an
// empty Export{Trace,Logs}ServiceResponse in the request's encoding, as an OTLP/HTTP server
// does.
package otlpcapture
