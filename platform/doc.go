// Package platform is the platform's side of llmtrace that every shipper shares: the wire
// model and its HTTP client, as docs/platform-api.md fixes them.
//
//   - The wire model: TraceEvent, Usage, EventError, Batch, the five Types and the Status
//     values; the contract's limits (MaxEventsPerRequest, MaxRequestBytes, MaxEventBytes,
//     MaxNameBytes, MaxContentBytes); IsUUIDv7 and TraceEvent.Validate, the one check of an
//     event against the contract; TraceEvent.AppendJSON / Batch.AppendJSON, the encoding
//     (byte-identical to encoding/json, event_json_test.go; raw JSON checked and compacted
//     by go-json-experiment's jsontext, event_json_values.go).
//   - The Client: POST {endpoint}/v1/traces with gzip or zstd, split into requests within
//     the limits, the reply classified per docs/platform-api.md "Response" (partial
//     rejection, 413 split, retryable and permanent statuses, Retry-After), and typed
//     errors: *ConfigurationError, *ValidationError, *NetworkError; RetryDelay says whether
//     and when to retry.
//
// The receiving side's strict reading of an event lives with the receivers
// (internal/contract). This package imports no OpenTelemetry or collector module.
package platform
