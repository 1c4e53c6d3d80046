package llmtraceopenai_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	llmtraceopenai "github.com/llmtrace/llmtrace/instrumentation/openai-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

// Through the SpanProcessor into a loopback platform that decodes every POSTed event
// strictly: one llm event per served call with the served token counts (a rate-limited
// attempt is an llm event with status error plus the error event of its exception), and
// message content only when capture is on.
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
			client := openai.NewClient(option.WithBaseURL(fake.URL()), option.WithAPIKey("sk-test"), option.WithMaxRetries(1),
				option.WithMiddleware(llmtraceopenai.Middleware(llmtraceopenai.WithTracerProvider(tp), llmtraceopenai.WithCaptureMessageContent(capture))))
			fake.Enqueue(
				fakellm.OpenAIError(429, "tokens", "rate_limit_exceeded", "Rate limit reached", "1"),
				fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-p1", Model: "gpt-4o-mini-2024-07-18", Text: "Hi!",
					Usage: fakellm.OpenAIUsage{Prompt: 21, Completion: 3, Cached: 5}}),
				fakellm.OpenAIChatStream(fakellm.OpenAIChat{ID: "chatcmpl-p2", Model: "gpt-4o-mini-2024-07-18", Text: "Streamed.",
					Usage: fakellm.OpenAIUsage{Prompt: 30, Completion: 7, Reasoning: 2}}, true),
			)
			msgs := []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hello")}
			if _, err := client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: msgs}); err != nil {
				t.Fatal(err)
			}
			st := client.Chat.Completions.NewStreaming(t.Context(), openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: msgs,
				StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: param.NewOpt(true)}})
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
				"chatcmpl-p1": {PromptTokens: 21, CompletionTokens: 3, TotalTokens: 24, CachedTokens: 5},
				"chatcmpl-p2": {PromptTokens: 30, CompletionTokens: 7, TotalTokens: 37, ReasoningTokens: 2},
			}
			var served, failed, errorEvents int
			for _, ev := range ingest.Events() {
				switch {
				case ev.Type == platform.TypeError:
					errorEvents++
				case ev.Type == platform.TypeLLM && ev.Status == platform.StatusError:
					failed++
					if ev.Error == nil || ev.Error.Type != "rate_limit_exceeded" || ev.Usage != nil {
						t.Errorf("rate-limited attempt: %+v usage %+v", ev.Error, ev.Usage)
					}
				case ev.Type == platform.TypeLLM:
					served++
					id, _ := ev.Metadata.Get("gen_ai.response.id").(string)
					if ev.Usage == nil || tokenCounts(*ev.Usage) != want[id] {
						t.Errorf("%s (%s): usage %+v, want %+v", ev.Name, id, ev.Usage, want[id])
					}
					if ev.Provider != "openai" || ev.Model != "gpt-4o-mini-2024-07-18" || ev.Name != "chat gpt-4o-mini" {
						t.Errorf("event %q provider %q model %q", ev.Name, ev.Provider, ev.Model)
					}
					// Without capture the mapper still reports the finish reason as output,
					// but no message content reaches the platform.
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
