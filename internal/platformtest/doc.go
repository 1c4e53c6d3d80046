// Package platformtest is test support: a loopback stand-in for the llmtrace platform's
// ingest endpoint (POST /v1/traces, docs/platform-api.md) for tests of the code that
// ships TraceEvents to it (the platform client, the otelbridge SpanProcessor and Exporter, the collector exporter).
//
// A [Platform] is an httptest server on 127.0.0.1. For every request it
//
//   - undoes exactly one Content-Encoding layer (gzip, zstd or identity; anything else, or a
//     body that does not decode, is answered 400 and not recorded),
//   - reads the body as {"traces": [...]} and each event strictly with
//     [contract.DecodeEvent], the contract's reading (unknown keys, bad IDs, limits),
//   - records the request ([Request]: headers, wire size, decoded body, valid events,
//     rejected indices, arrival time),
//   - answers it: by default 200 {"accepted": n, "rejected": [...]} and the valid events are
//     stored by (traceId, spanId); a [Reply] set with [Platform.SetReply] (every request) or
//     [Platform.ReplyTo] (the n-th request only) may answer instead — the fault helpers
//     [Status], [RetryAfter], [Hang] and [Reset] cover the contract's 400/401/413, 429/503
//     with Retry-After, a platform that never answers, and a dropped connection,
//   - quotes the request's Authorization header in every error body it writes
//     ([EchoAuthorization]), so a test that an error never shows the API key can fail.
//
// It imports otelbridge, so only external test packages (package otelbridge_test,
// collectorexporter, internal/...) can use it; tests inside package platform cannot, and
// use the sub-package bodyenc (the Content-Encoding decoding alone, no otelbridge import).
package platformtest
