package platform

import (
	"encoding/json"
	"time"
)

// Type is the platform's trace type: exactly one of the five values of
// docs/platform-api.md ("Trace types").
type Type string

// The platform's five trace types (docs/platform-api.md "Trace types").
const (
	TypeLLM    Type = "llm"    // a model call (chat, completion, embeddings, …)
	TypeTool   Type = "tool"   // a tool / function execution
	TypeChat   Type = "chat"   // the root span of one conversation turn
	TypeError  Type = "error"  // one recorded exception (an OTel `exception` span event)
	TypeCustom Type = "custom" // anything else (agent, workflow, retrieval, …; finer kind in metadata.kind)
)

// Status is the span outcome (docs/platform-api.md extension `status`), from the OTel span status.
type Status string

// Span outcomes, from OTel's Unset / Ok / Error status codes.
const (
	StatusUnset Status = "unset"
	StatusOK    Status = "ok"
	StatusError Status = "error"
)

// TraceEvent is one event of the platform's wire model (docs/platform-api.md
// "TraceEvent"). JSON keys are camelCase as in the platform's TypeScript SDK;
// absent optional fields are omitted, never null.
type TraceEvent struct {
	// TraceID is the trace, a UUID v7 string (all spans of one OTel trace share it).
	TraceID string `json:"traceId"`
	// SpanID is this unit of work, a UUID v7 string.
	SpanID string `json:"spanId"`
	// ParentSpanID is the parent's UUID v7 string; empty (omitted) on a root.
	ParentSpanID string `json:"parentSpanId,omitempty"`
	// ThreadID is the conversation, a UUID v7 string; required on the wire.
	ThreadID string `json:"threadId"`
	// Name is 1–512 bytes, e.g. "chat gpt-4o" or "execute_tool get_weather".
	Name string `json:"name"`
	// Type is one of the five platform types.
	Type Type `json:"type"`
	// Input is what went in, any JSON (already encoded); nil when absent.
	Input json.RawMessage `json:"input,omitempty"`
	// Output is what came out, any JSON (already encoded); nil when absent.
	Output json.RawMessage `json:"output,omitempty"`
	// StartTime is encoded as RFC 3339 with nanoseconds, UTC.
	StartTime time.Time `json:"startTime"`
	// EndTime is encoded as RFC 3339 UTC, ≥ StartTime; zero (omitted) when unknown.
	EndTime time.Time `json:"endTime,omitzero"`
	// DurationMs is EndTime − StartTime in milliseconds (fractional); omitted when EndTime is.
	DurationMs float64 `json:"durationMs,omitempty"`
	// Usage is the token and cost accounting of this one call; nil when the span has none.
	Usage *Usage `json:"usage,omitempty"`
	// Model is the model that answered (response model over request model).
	Model string `json:"model,omitempty"`
	// Provider is normalised as gen_ai.provider.name: "openai", "anthropic", "aws.bedrock", …
	Provider string `json:"provider,omitempty"`
	// Metadata holds everything else worth keeping (string keys, any JSON values), sorted
	// by key (Metadata); nil (omitted) when empty.
	Metadata Metadata `json:"metadata,omitempty"`
	// Tags are labels for filtering.
	Tags []string `json:"tags,omitempty"`
	// Status is the span's outcome (extension).
	Status Status `json:"status,omitempty"`
	// Error is present when Status is "error" (extension).
	Error *EventError `json:"error,omitempty"`
	// UserID is the end user (extension; docs/platform-api.md userId).
	UserID string `json:"userId,omitempty"`
	// SessionID groups several traces (extension; docs/platform-api.md sessionId).
	SessionID string `json:"sessionId,omitempty"`
}

// EventError is the `error` object of a failed event: the exception or error type and its
// message (docs/platform-api.md extension).
type EventError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// Usage is the token and cost accounting of one call (docs/platform-api.md `usage`).
// Token counts are integers ≥ 0 in tokens, with OTel semantics: PromptTokens
// includes CachedTokens and CompletionTokens includes ReasoningTokens. A zero count is
// treated as not reported and omitted.
type Usage struct {
	PromptTokens        int64   `json:"prompt_tokens,omitempty"`
	CompletionTokens    int64   `json:"completion_tokens,omitempty"`
	TotalTokens         int64   `json:"total_tokens,omitempty"`
	CachedTokens        int64   `json:"cached_tokens,omitempty"`
	ReasoningTokens     int64   `json:"reasoning_tokens,omitempty"`
	CostUSD             float64 `json:"cost_usd,omitempty"` // USD, ≥ 0
	ContextWindowTokens int64   `json:"context_window_tokens,omitempty"`
	ContextUsedTokens   int64   `json:"context_used_tokens,omitempty"`
}

// IsZero reports whether no field of u is set.
func (u *Usage) IsZero() bool { return u == nil || *u == Usage{} }

// Batch is the request body of POST /v1/traces (docs/platform-api.md "Request").
type Batch struct {
	Traces []TraceEvent `json:"traces"`
}
