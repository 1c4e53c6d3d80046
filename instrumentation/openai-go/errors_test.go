package llmtraceopenai_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// checkFailed checks a failed attempt's span: error.type, status Error and one exception
// event with the same type and the provider's message.
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

// A 429 with Retry-After is one failed attempt (error.type = OpenAI's error code), the
// client waits as told and its retry is a second span with the served usage.
func TestRateLimitedAttemptAndRetry(t *testing.T) {
	h := newHarness(t, false, option.WithMaxRetries(1))
	msg := "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1."
	h.fake.Enqueue(
		fakellm.OpenAIError(429, "requests", "rate_limit_exceeded", msg, "1"),
		fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-r", Model: "gpt-4o-mini", Text: "ok",
			Usage: fakellm.OpenAIUsage{Prompt: 9, Completion: 1}}),
	)
	if _, err := h.client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{Model: "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}}); err != nil {
		t.Fatal(err)
	}
	spans := h.spans(t, 2)
	checkFailed(t, spans[0], "rate_limit_exceeded", msg)
	if _, ok := attrs(spans[0])["gen_ai.usage.input_tokens"]; ok {
		t.Error("usage on the rejected attempt")
	}
	if a := attrs(spans[1]); a["gen_ai.usage.input_tokens"].AsInt64() != 9 || spans[1].Status().Code != codes.Unset {
		t.Errorf("retry span %v %v", a, spans[1].Status())
	}
	if gap := spans[1].StartTime().Sub(spans[0].EndTime()); gap < 900*time.Millisecond {
		t.Errorf("retry %v after the 429, Retry-After was 1 s", gap)
	}
}

// A 500 (no retries left) fails the span with OpenAI's error type (its code is null), and
// the application gets the SDK's *openai.Error with the same body.
func TestServerErrorFailsTheSpan(t *testing.T) {
	h := newHarness(t, false, option.WithMaxRetries(0))
	msg := "The server had an error while processing your request. Sorry about that!"
	h.fake.Enqueue(fakellm.OpenAIError(500, "server_error", "", msg, ""))
	_, err := h.client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{Model: "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Message != msg {
		t.Fatalf("application got %v", err)
	}
	checkFailed(t, h.spans(t, 1)[0], "server_error", msg)
}

// An error reply without OpenAI's envelope is typed by its HTTP status.
func TestErrorWithoutEnvelopeIsTypedByStatus(t *testing.T) {
	h := newHarness(t, false, option.WithMaxRetries(0))
	h.fake.Enqueue(fakellm.Reply{Status: 502, Body: "<html>bad gateway</html>", Header: http.Header{"Content-Type": {"text/html"}}})
	if _, err := h.client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{Model: "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}}); err == nil {
		t.Fatal("no error")
	}
	checkFailed(t, h.spans(t, 1)[0], "502", "Bad Gateway")
}

// A connection that fails is recorded with the Go error's type.
func TestTransportErrorFailsTheSpan(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	h := newHarness(t, false, option.WithMaxRetries(0), option.WithBaseURL(dead.URL))
	_, err := h.client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{Model: "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}})
	if err == nil {
		t.Fatal("no error")
	}
	s := h.spans(t, 1)[0]
	if got := attrs(s)["error.type"].AsString(); got != "*url.Error" || s.Status().Code != codes.Error {
		t.Errorf("error.type %q status %v", got, s.Status())
	}
}
