package llmtraceanthropic_test

import (
	"errors"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// checkFailed checks a failed attempt's span: error.type, status Error and one exception
// event with the same type and the API's message.
func checkFailed(t *testing.T, s sdktrace.ReadOnlySpan, errType, message string) {
	t.Helper()
	checkKeys(t, s)
	if got := attrs(s)["error.type"].AsString(); got != errType {
		t.Errorf("error.type %q, want %q", got, errType)
	}
	if s.Status().Code != codes.Error || s.Status().Description != message {
		t.Errorf("status %+v", s.Status())
	}
	evs := s.Events()
	if len(evs) != 1 || evs[0].Name != "exception" {
		t.Fatalf("events %+v", evs)
	}
	ev := map[string]string{}
	for _, kv := range evs[0].Attributes {
		ev[string(kv.Key)] = kv.Value.AsString()
	}
	if ev["exception.type"] != errType || ev["exception.message"] != message {
		t.Errorf("exception event %v", ev)
	}
}

// A 429 with retry-after is one failed attempt typed rate_limit_error; the client waits as
// told and the retry is a second span with the served usage.
func TestRateLimitedAttemptAndRetry(t *testing.T) {
	h := newHarness(t, false, option.WithMaxRetries(1))
	msg := "Number of request tokens has exceeded your per-minute rate limit"
	h.fake.Enqueue(
		fakellm.AnthropicError(429, "rate_limit_error", msg, "1"),
		fakellm.AnthropicMessageReply(fakellm.AnthropicMessage{ID: "msg_r", Model: "claude-sonnet-4-5", Text: "ok",
			Usage: fakellm.AnthropicUsage{Input: 9, Output: 1}}),
	)
	if _, err := h.client.Messages.New(t.Context(), anthropic.MessageNewParams{Model: model, MaxTokens: 10, Messages: userText("Hi")}); err != nil {
		t.Fatal(err)
	}
	spans := h.spans(t, 2)
	checkFailed(t, spans[0], "rate_limit_error", msg)
	if a := attrs(spans[1]); a["gen_ai.usage.input_tokens"].AsInt64() != 9 || spans[1].Status().Code != codes.Unset {
		t.Errorf("retry span %v %v", a, spans[1].Status())
	}
	if gap := spans[1].StartTime().Sub(spans[0].EndTime()); gap < 900*time.Millisecond {
		t.Errorf("retry %v after the 429, retry-after was 1 s", gap)
	}
}

// A 500 (no retries left) fails the span with Anthropic's error type api_error; the
// application gets the SDK's *anthropic.Error.
func TestServerErrorFailsTheSpan(t *testing.T) {
	h := newHarness(t, false, option.WithMaxRetries(0))
	h.fake.Enqueue(fakellm.AnthropicError(500, "api_error", "Internal server error", ""))
	_, err := h.client.Messages.New(t.Context(), anthropic.MessageNewParams{Model: model, MaxTokens: 10, Messages: userText("Hi")})
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("application got %v", err)
	}
	checkFailed(t, h.spans(t, 1)[0], "api_error", "Internal server error")
}

// Endpoints other than POST /v1/messages (here count_tokens) pass through without a span.
func TestOtherEndpointsAreNotTraced(t *testing.T) {
	h := newHarness(t, true)
	h.fake.Enqueue(fakellm.Reply{Body: `{"input_tokens":14}`})
	n, err := h.client.Messages.CountTokens(t.Context(), anthropic.MessageCountTokensParams{Model: model, Messages: userText("Hi")})
	if err != nil || n.InputTokens != 14 {
		t.Fatalf("%v %v", n, err)
	}
	h.spans(t, 0)
}
