package llmtraceanthropic_test

import (
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	llmtraceanthropic "github.com/llmtrace/llmtrace/instrumentation/anthropic-sdk-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
	"github.com/llmtrace/llmtrace/platform"
)

// UsageFromAnthropic reads the SDK's own decoding of a Message, plain and accumulated from
// a stream, and makes the prompt count inclusive of the cache.
func TestUsageFromAnthropic(t *testing.T) {
	fake := fakellm.New(t)
	client := anthropic.NewClient(option.WithBaseURL(fake.URL()), option.WithAPIKey("sk-ant-test"), option.WithoutOpenTelemetry())
	m := fakellm.AnthropicMessage{ID: "msg_u", Model: "claude-sonnet-4-5", Text: "x",
		Usage: fakellm.AnthropicUsage{Input: 10, CacheRead: 1000, CacheCreation: 90, Output: 50, Thinking: 30}}
	want := platform.Usage{PromptTokens: 1100, CompletionTokens: 50, TotalTokens: 1150, CachedTokens: 1000, ReasoningTokens: 30}
	fake.Enqueue(fakellm.AnthropicMessageReply(m), fakellm.AnthropicStream(m))
	params := anthropic.MessageNewParams{Model: model, MaxTokens: 100, Messages: userText("x")}
	msg, err := client.Messages.New(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	if got := llmtraceanthropic.UsageFromAnthropic(msg); got != want {
		t.Errorf("message: %+v, want %+v", got, want)
	}
	if got := llmtraceanthropic.UsageFromAnthropic(msg.Usage); got != want {
		t.Errorf("usage: %+v", got)
	}
	st := client.Messages.NewStreaming(t.Context(), params)
	var acc anthropic.Message
	for st.Next() {
		if err := acc.Accumulate(st.Current()); err != nil {
			t.Fatal(err)
		}
	}
	if got := llmtraceanthropic.UsageFromAnthropic(&acc); got != want {
		t.Errorf("accumulated stream: %+v, want %+v", got, want)
	}
	if got := llmtraceanthropic.UsageFromAnthropic((*anthropic.Message)(nil)); !got.IsZero() {
		t.Errorf("nil: %+v", got)
	}
}
