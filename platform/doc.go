// Package platform is the platform's side of llmtrace that every shipper shares: the wire
// model and its HTTP client, as docs/platform-api.md fixes them.
//
//   - The wire model: TraceEvent, Usage, EventError, Metadata (the `metadata` object as
//     entries sorted by key, metadata.go), Batch, the five Types and the Status values; the
//     contract's limits (MaxEventsPerRequest, MaxRequestBytes, MaxEventBytes, MaxNameBytes,
//     MaxContentBytes); IsUUIDv7 and TraceEvent.Validate, the one check of an
//     event against the contract; TraceEvent.AppendJSON / Batch.AppendJSON, the encoding
//     (byte-identical to encoding/json, event_json_test.go; raw JSON checked and compacted
//     by go-json-experiment's jsontext, event_json_values.go).
//   - The Client: POST {endpoint}/v1/traces with gzip or zstd, split into requests within
//     the limits, the reply classified per docs/platform-api.md "Response" (partial
//     rejection, 413 split, retryable and permanent statuses, Retry-After), and typed
//     errors: *ConfigurationError, *ValidationError, *NetworkError; RetryDelay says whether
//     and when to retry.
//
// # Delivery rules
//
// What Send makes of each reply of POST /v1/traces, and what a shipper counts (both
// shippers use these names: sent, rejected, dropped with a reason, retries):
//
//   - 200 / 202 {"accepted": n, "rejected": [...]}: n events are sent (stored by the
//     platform; SendResult.Accepted); the listed ones are rejected (Rejected, never
//     retried). Events neither counted in n nor listed are Unaccounted: the reply does not
//     say which they are, so they cannot be re-sent alone, and re-sending the whole request
//     to a platform that answered so would repeat the answer; they are counted as rejected,
//     not retried. An n above the request's unlisted events counts only those.
//   - 413: the request is halved until it fits; a single event still refused is rejected.
//   - 408, 429, 5xx and transport errors: Undelivered, retryable (RetryDelay), with the
//     platform's Retry-After when it sent one. A shipper retries these within its budget
//     and never sooner than Retry-After; what it finally gives up on is dropped.
//   - 400, 401, 403, other 4xx, 3xx not followed, and a 2xx without the contract's reply:
//     Undelivered with a permanent error; the shipper drops them (reason: the status).
//   - Events the Client refuses before sending (invalid per TraceEvent.Validate, over
//     MaxEventBytes, larger than one request) are Rejected with Local set: the platform
//     never saw them; shippers count them as dropped (reason "invalid").
//
// Every request carries an Idempotency-Key derived from its events (traceId, spanId,
// type, start and end, in order; see batchKey in client_body.go): the same batch has the
// same key on every retry, in this process or after a restart.
//
// The receiving side's strict reading of an event lives with the receivers
// (internal/contract). This package imports no OpenTelemetry or collector module.
package platform
