// Package otlpcapture records what an OTLP/HTTP trace exporter sends, for the real
// captures in testdata/captures/: a Receiver is an http.Handler for POST /v1/traces (any
// path is accepted, so an SDK that appends its own path, such as Langfuse's
// /api/public/otel/v1/traces, works too) that decodes each ExportTraceServiceRequest —
// protobuf (application/x-protobuf) or JSON (application/json), optionally gzip-encoded —
// and keeps the resource spans in arrival order. WriteFile writes them as one OTLP JSON
// document in the canonical protobuf-JSON form ptrace.JSONMarshaler produces (hex trace
// and span IDs, int64 as strings), the format of every file in testdata/captures/.
//
// A malformed request is answered 400 and changes nothing already recorded; an unsupported
// content type is 415 and a content encoding other than gzip or identity is 415. A
// successful request is answered with an empty ExportTraceServiceResponse in the request's
// encoding, as an OTLP/HTTP server does.
package otlpcapture
