package llmtraceanthropic_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	llmtraceanthropic "github.com/llmtrace/llmtrace/instrumentation/anthropic-sdk-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// Through the SpanProcessor into a loopback platform that decodes every POSTed event
// strictly: one llm event per served call with the served token counts, inclusive of the
// cache (an overloaded attempt is an llm event with status error plus the error event of
// its exception), and message content only when capture is on.
func TestPlatformGetsOneLLMEventPerServedCall(t *testing.T) {
	for _, capture := range []bool{false, true} {
		t.Run("capture="+strconv.FormatBool(capture), func(t *testing.T) {
			ingest := platformtest.New(t)
			proc, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(ingest.URL()), otelbridge.WithAPIKey("test-key"))
			if err != nil {
				t.Fatal(err)
			}
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(proc), sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()))
			fake := fakellm.New(t)
			client := anthropic.NewClient(option.WithBaseURL(fake.URL()), option.WithAPIKey("sk-ant-test"), option.WithMaxRetries(1),
				option.WithoutOpenTelemetry(),
				option.WithMiddleware(llmtraceanthropic.Middleware(llmtraceanthropic.WithTracerProvider(tp), llmtraceanthropic.WithCaptureMessageContent(capture))))
			fake.Enqueue(
				fakellm.AnthropicError(529, "overloaded_error", "Overloaded", "1"),
				fakellm.AnthropicMessageReply(fakellm.AnthropicMessage{ID: "msg_p1", Model: "claude-sonnet-4-5-20250929", Text: "Hi!",
					Usage: fakellm.AnthropicUsage{Input: 21, CacheRead: 300, CacheCreation: 50, Output: 3}}),
				fakellm.AnthropicStream(fakellm.AnthropicMessage{ID: "msg_p2", Model: "claude-sonnet-4-5-20250929", Text: "Streamed.",
					Usage: fakellm.AnthropicUsage{Input: 30, Output: 7, Thinking: 2}}),
			)
			params := anthropic.MessageNewParams{Model: model, MaxTokens: 100, Messages: userText("Hello")}
			if _, err := client.Messages.New(t.Context(), params); err != nil {
				t.Fatal(err)
			}
			st := client.Messages.NewStreaming(t.Context(), params)
			for st.Next() {
			}
			if err := st.Err(); err != nil {
				t.Fatal(err)
			}
			_ = st.Close()
			if err := tp.Shutdown(t.Context()); err != nil {
				t.Fatal(err)
			}

			want := map[string]platform.Usage{
				"msg_p1": {PromptTokens: 371, CompletionTokens: 3, TotalTokens: 374, CachedTokens: 300},
				"msg_p2": {PromptTokens: 30, CompletionTokens: 7, TotalTokens: 37, ReasoningTokens: 2},
			}
			var served, failed, errorEvents int
			for _, ev := range ingest.Events() {
				switch {
				case ev.Type == platform.TypeError:
					errorEvents++
				case ev.Type == platform.TypeLLM && ev.Status == platform.StatusError:
					failed++
					if ev.Error == nil || ev.Error.Type != "overloaded_error" || ev.Usage != nil {
						t.Errorf("overloaded attempt: %+v usage %+v", ev.Error, ev.Usage)
					}
				case ev.Type == platform.TypeLLM:
					served++
					id, _ := ev.Metadata.Get("gen_ai.response.id").(string)
					if ev.Usage == nil || tokenCounts(*ev.Usage) != want[id] {
						t.Errorf("%s (%s): usage %+v, want %+v", ev.Name, id, ev.Usage, want[id])
					}
					if ev.Provider != "anthropic" || ev.Model != "claude-sonnet-4-5-20250929" || ev.Name != "chat claude-sonnet-4-5" {
						t.Errorf("event %q provider %q model %q", ev.Name, ev.Provider, ev.Model)
					}
					hasContent := bytes.Contains(ev.Input, []byte("Hello")) &&
						(bytes.Contains(ev.Output, []byte("Hi!")) || bytes.Contains(ev.Output, []byte("Streamed.")))
					if hasContent != capture || !capture && ev.Input != nil {
						t.Errorf("capture=%v: input %s output %s", capture, ev.Input, ev.Output)
					}
				default:
					t.Errorf("unexpected %s event %q", ev.Type, ev.Name)
				}
			}
			if served != 2 || failed != 1 || errorEvents != 1 {
				t.Errorf("platform stored %d served llm, %d failed llm, %d error events; want 2, 1, 1", served, failed, errorEvents)
			}
		})
	}
}

// tokenCounts is u's token counts; the cost and context window the mapping adds from its
// price table (internal/mapping/cost.go) are checked there, not here.
func tokenCounts(u platform.Usage) platform.Usage {
	return platform.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens,
		TotalTokens: u.TotalTokens, CachedTokens: u.CachedTokens, ReasoningTokens: u.ReasoningTokens}
}
