package llmtraceanthropic_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	llmtraceanthropic "github.com/llmtrace/llmtrace/instrumentation/anthropic-sdk-go"
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
// the network's noise does not drown the middleware's cost. The SDK's own spans are off in
// all three.
func benchClients(rep fakellm.Reply) map[string]anthropic.Client {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discard{}))
	base := []option.RequestOption{option.WithBaseURL("https://api.anthropic.com/"), option.WithAPIKey("sk-ant-test"),
		option.WithoutOpenTelemetry(), option.WithHTTPClient(&http.Client{Transport: fakellm.Transport{Reply: rep}})}
	mk := func(extra ...option.RequestOption) anthropic.Client {
		return anthropic.NewClient(append(append([]option.RequestOption{}, base...), extra...)...)
	}
	return map[string]anthropic.Client{
		"no_middleware": mk(),
		"middleware": mk(option.WithMiddleware(llmtraceanthropic.Middleware(
			llmtraceanthropic.WithTracerProvider(tp), llmtraceanthropic.WithCaptureMessageContent(false)))),
		"middleware_capture": mk(option.WithMiddleware(llmtraceanthropic.Middleware(
			llmtraceanthropic.WithTracerProvider(tp), llmtraceanthropic.WithCaptureMessageContent(true)))),
	}
}

var benchParams = anthropic.MessageNewParams{Model: model, MaxTokens: 256,
	System:   []anthropic.TextBlockParam{{Text: "You are a helpful assistant. Answer briefly."}},
	Messages: userText("What is the weather like in Paris in spring?")}

var benchMessage = fakellm.AnthropicMessage{ID: "msg_b", Model: "claude-sonnet-4-5-20250929",
	Text: "Mild, 10–18 °C, with some rain.", Usage: fakellm.AnthropicUsage{Input: 28, CacheRead: 100, Output: 12}}

// BenchmarkMessage: one plain Messages call per op.
func BenchmarkMessage(b *testing.B) {
	clients := benchClients(fakellm.AnthropicMessageReply(benchMessage))
	for _, name := range []string{"no_middleware", "middleware", "middleware_capture"} {
		client := clients[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := client.Messages.New(b.Context(), benchParams); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMessageStream: one streamed Message (message_start, ping, one text block in 3
// deltas, message_delta, message_stop) read to the end per op.
func BenchmarkMessageStream(b *testing.B) {
	clients := benchClients(fakellm.AnthropicStream(benchMessage))
	for _, name := range []string{"no_middleware", "middleware", "middleware_capture"} {
		client := clients[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st := client.Messages.NewStreaming(b.Context(), benchParams)
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
