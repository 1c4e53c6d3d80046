package platform

import (
	"fmt"
	"strconv"
	"time"
)

// ConfigurationError reports an invalid configuration (docs/platform-api.md
// "Errors a shipper reports"):
// a missing endpoint, an unparsable URL, a negative limit. It is never retried; fix the
// configuration. The API key is never part of the message.
type ConfigurationError struct {
	Field  string // the option or environment variable, e.g. "endpoint" or "LLMTRACE_ENDPOINT"
	Reason string
}

func (e *ConfigurationError) Error() string {
	return "llmtrace: invalid configuration: " + e.Field + ": " + e.Reason
}

// ValidationError reports an event that breaks the platform contract (docs/platform-api.md
// "Errors a shipper reports"): which event (its index in the batch, -1 when unknown), which JSON
// field, and why. An invalid event is never retried; the platform would reject it alone.
type ValidationError struct {
	Index  int    // index of the event in the batch it came in, or -1
	SpanID string // the event's spanId when known
	Field  string // the JSON key, e.g. "traceId" or "usage.prompt_tokens"
	Reason string
}

func (e *ValidationError) Error() string {
	s := "llmtrace: invalid event"
	if e.Index >= 0 {
		s += " #" + strconv.Itoa(e.Index)
	}
	if e.SpanID != "" {
		s += " (spanId " + e.SpanID + ")"
	}
	return s + ": " + e.Field + ": " + e.Reason
}

// NetworkError reports a failed request to the platform (docs/platform-api.md
// "Errors a shipper reports"):
// a transport error (StatusCode 0: dial, reset, timeout) or an HTTP reply outside 2xx.
// Retryable tells whether sending the same events again can succeed (transport errors,
// 408, 429, 5xx); RetryAfter is the platform's Retry-After delay when it sent one.
// 400, 401 and 403 are permanent. The message never contains the API key.
type NetworkError struct {
	StatusCode int           // HTTP status, 0 for transport errors
	Retryable  bool          // true for transport errors, 408, 429 and 5xx
	RetryAfter time.Duration // from Retry-After (seconds or HTTP date); 0 when absent
	Message    string        // what happened and, for permanent errors, what to fix
	Err        error         // the underlying transport error, if any
}

func (e *NetworkError) Error() string {
	s := "llmtrace: platform request failed"
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" with HTTP %d", e.StatusCode)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Retryable {
		s += " (retryable)"
	} else {
		s += " (permanent)"
	}
	return s
}

func (e *NetworkError) Unwrap() error { return e.Err }
