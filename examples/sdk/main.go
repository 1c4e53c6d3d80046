// Command sdk is a runnable example of the llmtrace SpanProcessor: an app instrumented
// with the OpenTelemetry Go SDK sends one small agent turn (invoke_agent → chat →
// execute_tool, OTel gen_ai semconv attributes, no real LLM) to the platform, flushes,
// and prints the trace ID and the dev platform's page for it.
//
//	make devserver                  # the local platform on 127.0.0.1:8787
//	go run .                        # in examples/sdk; LLMTRACE_ENDPOINT / LLMTRACE_API_KEY override
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/otelbridge"
)

const defaultEndpoint = "http://127.0.0.1:8787"

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sdk example:", err)
		os.Exit(1)
	}
}

// run sends the turn and writes what it did, the page link last, to out.
func run(out io.Writer) error {
	endpoint := os.Getenv(otelbridge.EnvEndpoint)
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	// One line beside the app's existing processors; the API key comes from
	// LLMTRACE_API_KEY when set.
	p, err := otelbridge.NewSpanProcessor(
		otelbridge.WithEndpoint(endpoint),
		otelbridge.WithTags("example"),
		otelbridge.WithBatchTimeout(time.Second),
	)
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(p),
		// Trace IDs that are UUID v7: the platform's traceId is the OTel trace ID.
		sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "weather-bot"))),
	)
	tr := tp.Tracer("github.com/llmtrace/llmtrace/examples/sdk")

	// The conversation, user and session go on every span of the turn.
	ctx := otelbridge.ContextWithTraceAttributes(context.Background(), otelbridge.TraceAttributes{
		ConversationID: "conv-example-1", UserID: "user-42", SessionID: "session-7",
	})
	traceID := agentTurn(ctx, tr, "What is the weather in Paris?")

	fctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tp.ForceFlush(fctx); err != nil {
		return fmt.Errorf("sending the trace to %s: %w", endpoint, err)
	}
	if err := tp.Shutdown(fctx); err != nil {
		return err
	}
	st := p.Stats()
	// The platform's traceId of the turn; the dev platform's page for it is
	// {endpoint}/traces/{traceId}.
	id := otelbridge.TraceUUID(traceID)
	fmt.Fprintf(out, "sent %d events (%d spans)\n", st.Sent, st.Received)
	fmt.Fprintln(out, "trace ID:", id)
	fmt.Fprintln(out, "page:    ", tracePage(endpoint, id))
	return nil
}

// tracePage is the dev platform's page of a trace: {endpoint}/traces/{traceId}.
func tracePage(endpoint, traceID string) string {
	return strings.TrimRight(endpoint, "/") + "/traces/" + traceID
}

// agentTurn is what an instrumented agent emits: the agent span, a model call with usage
// and messages, and a tool execution. The model's answer is canned.
func agentTurn(ctx context.Context, tr trace.Tracer, question string) trace.TraceID {
	ctx, agent := tr.Start(ctx, "invoke_agent weather-bot", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "invoke_agent"),
		attribute.String("gen_ai.agent.name", "weather-bot"),
		attribute.String("gen_ai.provider.name", "openai"),
	))
	defer agent.End()

	_, chat := tr.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.String("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
		attribute.Int64("gen_ai.usage.input_tokens", 57),
		attribute.Int64("gen_ai.usage.output_tokens", 21),
		attribute.StringSlice("gen_ai.response.finish_reasons", []string{"tool_calls"}),
		attribute.String("gen_ai.input.messages", fmt.Sprintf(`[{"role":"user","parts":[{"type":"text","content":%q}]}]`, question)),
		attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`),
	))
	time.Sleep(20 * time.Millisecond) // the "model"
	chat.End()

	_, tool := tr.Start(ctx, "execute_tool get_weather", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "execute_tool"),
		attribute.String("gen_ai.tool.name", "get_weather"),
		attribute.String("gen_ai.tool.call.id", "call_1"),
		attribute.String("gen_ai.tool.call.arguments", `{"location":"Paris"}`),
		attribute.String("gen_ai.tool.call.result", `{"temperature_c":18,"sky":"clear"}`),
	))
	time.Sleep(5 * time.Millisecond) // the "tool"
	tool.SetStatus(codes.Ok, "")
	tool.End()
	return agent.SpanContext().TraceID()
}
