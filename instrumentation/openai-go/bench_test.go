package llmtraceopenai_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	llmtraceopenai "github.com/llmtrace/llmtrace/instrumentation/openai-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// discard is a SpanProcessor that drops ended spans: the spans are fully recorded, the
// benchmark measures the middleware, not an exporter.
type discard struct{}

func (discard) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (discard) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (discard) Shutdown(context.Context) error                  { return nil }
func (discard) ForceFlush(context.Context) error                { return nil }

// benchClients are the anchor (the same client without the middleware) and the middleware
// with content capture off and on, all answered from memory by fakellm.Transport so that
// the network's noise does not drown the middleware's cost.
func benchClients(b *testing.B, rep fakellm.Reply) map[string]openai.Client {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discard{}))
	base := []option.RequestOption{option.WithBaseURL("https://api.openai.com/v1/"), option.WithAPIKey("sk-test"),
		option.WithHTTPClient(&http.Client{Transport: fakellm.Transport{Reply: rep}})}
	mk := func(extra ...option.RequestOption) openai.Client {
		return openai.NewClient(append(append([]option.RequestOption{}, base...), extra...)...)
	}
	return map[string]openai.Client{
		"no_middleware": mk(),
		"middleware": mk(option.WithMiddleware(llmtraceopenai.Middleware(
			llmtraceopenai.WithTracerProvider(tp), llmtraceopenai.WithCaptureMessageContent(false)))),
		"middleware_capture": mk(option.WithMiddleware(llmtraceopenai.Middleware(
			llmtraceopenai.WithTracerProvider(tp), llmtraceopenai.WithCaptureMessageContent(true)))),
	}
}

var benchParams = openai.ChatCompletionNewParams{Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{
	openai.SystemMessage("You are a helpful assistant. Answer briefly."),
	openai.UserMessage("What is the weather like in Paris in spring?"),
}}

// BenchmarkChatCompletion: one plain chat completion per op.
func BenchmarkChatCompletion(b *testing.B) {
	clients := benchClients(b, fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-b", Model: "gpt-4o-mini-2024-07-18",
		Text: "Mild, 10–18 °C, with some rain.", Usage: fakellm.OpenAIUsage{Prompt: 28, Completion: 12}}))
	for _, name := range []string{"no_middleware", "middleware", "middleware_capture"} {
		client := clients[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := client.Chat.Completions.New(b.Context(), benchParams); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChatStream: one streamed chat completion (role chunk, 3 text chunks, finish,
// usage chunk, [DONE]) read to the end per op.
func BenchmarkChatStream(b *testing.B) {
	clients := benchClients(b, fakellm.OpenAIChatStream(fakellm.OpenAIChat{ID: "chatcmpl-b", Model: "gpt-4o-mini-2024-07-18",
		Text: "Mild, 10–18 °C, with some rain.", Usage: fakellm.OpenAIUsage{Prompt: 28, Completion: 12}}, true))
	params := benchParams
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: param.NewOpt(true)}
	for _, name := range []string{"no_middleware", "middleware", "middleware_capture"} {
		client := clients[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st := client.Chat.Completions.NewStreaming(b.Context(), params)
				for st.Next() {
				}
				if err := st.Err(); err != nil {
					b.Fatal(err)
				}
				_ = st.Close()
			}
		})
	}
}
