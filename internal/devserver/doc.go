// Package devserver is llmtrace's local stand-in for the platform: it speaks the ingest
// contract of platform-api.md strictly, stores events in SQLite (modernc.org/sqlite, no
// cgo) and serves them back as JSON and as a web page. cmd/llmtrace-devserver wraps it;
// end-to-end tests of other packages run it in-process with New and httptest.
//
// # Ingest: POST /v1/traces
//
// Request and replies as platform-api.md fixes them:
//
//   - Authorization: "Bearer <key>" when Config.APIKey is set. Missing or not a Bearer
//     credential → 401, wrong key → 403, both {"error": "..."}; the key is never echoed.
//   - Content-Type must be application/json (charset utf-8 if given). Anything else is
//     415 Unsupported Media Type with {"error": "..."}: the contract leaves this status
//     open, and 415 names the problem exactly; like 400 it is permanent for a shipper.
//   - Content-Encoding gzip (or x-gzip), zstd, identity or absent; any other coding → 415.
//     A corrupt gzip/zstd stream → 400.
//   - The body may be at most 5 MiB (otelbridge.MaxRequestBytes) after decompression:
//     the wire is capped by http.MaxBytesReader (plus 64 KiB for compression overhead)
//     and the decompressed stream by a limited reader, so a request never has more than
//     5 MiB + 1 byte of body read into memory (a 50 MiB body or gzip bomb included);
//     past 5 MiB → 413. More than 1000 events → 413.
//   - The body must be exactly {"traces": [ ... ]} (no other keys, nothing after it):
//     otherwise 400 {"error": "...", "details": ["..."]} with the JSON error and offset.
//   - Each event is decoded with otelbridge.DecodeEvent, the one definition of a valid
//     event. Invalid events are reported as 200 {"accepted": n, "rejected": [{"index": i,
//     "error": "field: reason"}]} and the valid ones are stored (partial success); all
//     valid → 200 {"accepted": n}.
//   - Events are upserted by (traceId, spanId) in one transaction per batch, so a retried
//     batch replaces rather than duplicates. A store failure is 500 (503 with
//     Retry-After: 1 when SQLite stays busy), which shippers retry.
//
// One log line is written per batch: accepted and rejected counts, the Idempotency-Key,
// the Content-Encoding and the decompressed size in bytes; a refused request logs its
// status and error instead.
//
// # Read API (unauthenticated; the server binds to loopback by default)
//
//   - GET /v1/traces?limit=&threadId=&sessionId=&userId= → {"traces": [summary, ...]},
//     newest first (by the trace's earliest startTime). A summary is {traceId, name (of
//     the root: the event without parentSpanId, else the earliest), type, threadId,
//     sessionId, userId, startTime, durationMs (latest end − earliest start, ms),
//     spanCount, usage (Σ prompt/completion/total tokens and cost_usd over the events),
//     error (any event with status or type "error")}. A filter matches a trace when any
//     of its events carries the value. limit is 1–1000, default 50; a bad limit is 400.
//   - GET /v1/traces/{traceId} → {"traces": [event, ...]} ordered by startTime, each
//     event exactly as received (compacted JSON); 404 {"error": ...} when unknown.
//
// # Page
//
// GET / lists the 100 most recent traces; GET /traces/{traceId} (or /?trace=<id>) shows
// one trace as an indented span tree (type, name, model, tokens, duration, status) with
// each span's input, output and metadata in <details> blocks. It is server-rendered with
// html/template from an embedded template, so every value is escaped.
//
// # Storage
//
// One SQLite table, events, keyed by (trace_id, span_id), holding the event JSON plus
// indexed columns for listing (thread, session, user, start time). A file database uses
// WAL, a 5 s busy timeout and IMMEDIATE transactions; ":memory:" is a private database
// on a single connection.
package devserver
