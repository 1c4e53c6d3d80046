package platform

import (
	"fmt"
	"math"
)

// Contract limits (docs/platform-api.md "Limits").
const (
	MaxEventsPerRequest = 1000    // events per POST /v1/traces
	MaxRequestBytes     = 5 << 20 // request body after decompression, bytes
	MaxEventBytes       = 1 << 20 // one serialized event, bytes
	MaxNameBytes        = 512     // TraceEvent.name, bytes
)

// MaxContentBytes is the largest cap MapOptions.MaxInputBytes / MaxOutputBytes take
// (320 KiB, bytes): input and output at this size each, plus the bounded metadata, keep
// one event under MaxEventBytes. Larger settings are lowered to it.
const MaxContentBytes = 320 << 10

// IsUUIDv7 reports whether s is a canonical (8-4-4-4-12, lower or upper hex) UUID with
// version nibble 7 and the RFC 4122 variant (10xx), as the contract requires for IDs.
func IsUUIDv7(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' || s[14] != '7' {
		return false
	}
	switch s[19] {
	case '8', '9', 'a', 'b', 'A', 'B':
	default:
		return false
	}
	// The 32 hex digits (positions 14 and 19 are checked above), one table lookup each,
	// or-ed together without a loop: Validate checks up to four IDs per event (a loop over
	// the five groups took about 3.5 times as long).
	b := s[:36]
	bad := notHex[b[0]] | notHex[b[1]] | notHex[b[2]] | notHex[b[3]] |
		notHex[b[4]] | notHex[b[5]] | notHex[b[6]] | notHex[b[7]] |
		notHex[b[9]] | notHex[b[10]] | notHex[b[11]] | notHex[b[12]] |
		notHex[b[15]] | notHex[b[16]] | notHex[b[17]] |
		notHex[b[20]] | notHex[b[21]] | notHex[b[22]] |
		notHex[b[24]] | notHex[b[25]] | notHex[b[26]] | notHex[b[27]] |
		notHex[b[28]] | notHex[b[29]] | notHex[b[30]] | notHex[b[31]] |
		notHex[b[32]] | notHex[b[33]] | notHex[b[34]] | notHex[b[35]]
	return bad == 0
}

// notHex is 1 for the bytes that are not hex digits.
var notHex = func() (t [256]byte) {
	for c := range t {
		if !isHex(byte(c)) {
			t[c] = 1
		}
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// Validate checks ev against the platform contract (docs/platform-api.md "Validation" and the
// TraceEvent table): UUID v7 IDs, a name of 1–512 bytes, one of the five types, a start
// time, an end time not before it, non-negative usage, a known status. It returns the
// first *ValidationError found (Index -1), or nil. The size limit is checked where the
// event is serialized (Client; internal/contract.DecodeEvent on the receiving side), not here.
func (ev *TraceEvent) Validate() error {
	bad := func(field, reason string) error {
		return &ValidationError{Index: -1, SpanID: ev.SpanID, Field: field, Reason: reason}
	}
	if !IsUUIDv7(ev.TraceID) {
		return bad("traceId", fmt.Sprintf("%q is not a UUID v7", ev.TraceID))
	}
	if !IsUUIDv7(ev.SpanID) {
		return bad("spanId", fmt.Sprintf("%q is not a UUID v7", ev.SpanID))
	}
	if ev.ParentSpanID != "" && !IsUUIDv7(ev.ParentSpanID) {
		return bad("parentSpanId", fmt.Sprintf("%q is not a UUID v7", ev.ParentSpanID))
	}
	if !IsUUIDv7(ev.ThreadID) {
		return bad("threadId", fmt.Sprintf("%q is not a UUID v7", ev.ThreadID))
	}
	if ev.Name == "" || len(ev.Name) > MaxNameBytes {
		return bad("name", fmt.Sprintf("length %d bytes, want 1–%d", len(ev.Name), MaxNameBytes))
	}
	switch ev.Type {
	case TypeLLM, TypeTool, TypeChat, TypeError, TypeCustom:
	default:
		return bad("type", fmt.Sprintf("%q is not one of llm, tool, chat, error, custom", ev.Type))
	}
	if ev.StartTime.IsZero() {
		return bad("startTime", "missing")
	}
	if !ev.EndTime.IsZero() && ev.EndTime.Before(ev.StartTime) {
		return bad("endTime", "before startTime")
	}
	if ev.DurationMs < 0 || math.IsNaN(ev.DurationMs) || math.IsInf(ev.DurationMs, 0) {
		return bad("durationMs", "must be a finite number ≥ 0")
	}
	switch ev.Status {
	case "", StatusOK, StatusError, StatusUnset:
	default:
		return bad("status", fmt.Sprintf("%q is not one of ok, error, unset", ev.Status))
	}
	if u := ev.Usage; u != nil {
		for _, f := range []struct {
			name string
			v    int64
		}{
			{"usage.prompt_tokens", u.PromptTokens}, {"usage.completion_tokens", u.CompletionTokens},
			{"usage.total_tokens", u.TotalTokens}, {"usage.cached_tokens", u.CachedTokens},
			{"usage.reasoning_tokens", u.ReasoningTokens}, {"usage.context_window_tokens", u.ContextWindowTokens},
			{"usage.context_used_tokens", u.ContextUsedTokens},
		} {
			if f.v < 0 {
				return bad(f.name, fmt.Sprintf("%d is negative", f.v))
			}
		}
		if u.CostUSD < 0 || math.IsNaN(u.CostUSD) || math.IsInf(u.CostUSD, 0) {
			return bad("usage.cost_usd", "must be a finite number ≥ 0")
		}
	}
	return nil
}
