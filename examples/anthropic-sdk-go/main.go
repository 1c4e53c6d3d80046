// Command anthropic-sdk-go is a runnable example of llmtraceanthropic: an app on
// github.com/anthropics/anthropic-sdk-go/v2 traced in one line, its spans shipped to the
// llmtrace platform by the SpanProcessor. It makes one plain Messages call, one streamed
// one and a tool loop with a get_weather tool whose executions it records as execute_tool
// spans, then shuts the TracerProvider down (flushing) and exits 0.
//
//	make devserver                                  # the local platform on 127.0.0.1:8787
//	ANTHROPIC_API_KEY=sk-ant-... go run .           # from examples/anthropic-sdk-go
//
// Without ANTHROPIC_API_KEY it talks to the fake provider of `llmtrace fakellm` (run
// `make build && _build/bin/llmtrace fakellm` in the repository root first) and says so on stderr
// (provider.go). It ends by printing the dev platform's page of the trace.
//
// Environment: ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL (read by the SDK), ANTHROPIC_MODEL
// (default claude-sonnet-4-5), LLMTRACE_ENDPOINT (default http://127.0.0.1:8787) and
// LLMTRACE_API_KEY.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	llmtraceanthropic "github.com/llmtrace/llmtrace/instrumentation/anthropic-sdk-go"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/semconv"
)

const defaultEndpoint = "http://127.0.0.1:8787"

func main() {
	if err := run(os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "anthropic-sdk-go example:", err)
		os.Exit(1)
	}
}

// run makes the calls, writes what the model said and, last, the trace's page link to
// stdout; the provider choice goes to stderr.
func run(stdout, stderr io.Writer) error {
	endpoint := os.Getenv(otelbridge.EnvEndpoint)
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	model := anthropic.Model(os.Getenv("ANTHROPIC_MODEL"))
	if model == "" {
		model = "claude-sonnet-4-5"
	}
	provider, err := providerOptions(stderr)
	if err != nil {
		return err
	}
	proc, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(endpoint), otelbridge.WithTags("example"))
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(proc),
		sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String(semconv.ServiceName, "weather-bot-anthropic"))),
	)
	// The one line: every model call of this client is a gen_ai span, and the SDK's own
	// spans are off so that a call is not counted twice. Content capture is on for the
	// example; leave it to OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT in an app
	// whose prompts must not leave it.
	client := anthropic.NewClient(append(provider, option.WithMiddleware(llmtraceanthropic.Middleware(
		llmtraceanthropic.WithTracerProvider(tp), llmtraceanthropic.WithCaptureMessageContent(true))), option.WithoutOpenTelemetry())...)

	ctx := otelbridge.ContextWithConversation(context.Background(), "anthropic-sdk-go-example")
	tr := tp.Tracer("github.com/llmtrace/llmtrace/examples/anthropic-sdk-go")
	traceID, callErr := conversation(ctx, stdout, tr, client, model)

	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tp.Shutdown(sctx); err != nil {
		return fmt.Errorf("sending the spans to %s: %w", endpoint, err)
	}
	if callErr != nil {
		return callErr
	}
	st := proc.Stats()
	fmt.Fprintf(stdout, "sent %d events (%d spans) to %s\n", st.Sent, st.Received, endpoint)
	// The dev platform's page of the trace: {endpoint}/traces/{the platform's traceId}.
	fmt.Fprintf(stdout, "page:     %s/traces/%s\n", strings.TrimRight(endpoint, "/"), otelbridge.TraceUUID(traceID))
	return nil
}

// conversation makes the three calls — plain, streamed, and the tool loop — inside one
// agent span, the root of the turn (the platform's chat event for the conversation), and
// returns the turn's trace ID.
func conversation(ctx context.Context, out io.Writer, tr trace.Tracer, client anthropic.Client, model anthropic.Model) (traceID trace.TraceID, err error) {
	ctx, agent := tr.Start(ctx, "invoke_agent weather-bot", trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(
		attribute.String(semconv.GenAIOperationName, semconv.OpInvokeAgent),
		attribute.String(semconv.GenAIAgentName, "weather-bot"),
		attribute.String(semconv.GenAIProviderName, semconv.ProviderAnthropic),
	))
	defer func() {
		if err != nil {
			agent.SetStatus(codes.Error, err.Error())
		}
		agent.End()
	}()
	traceID = agent.SpanContext().TraceID()

	plain, err := client.Messages.New(ctx, anthropic.MessageNewParams{
		Model: model, MaxTokens: 256,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Say hello in one short sentence."))},
	})
	if err != nil {
		return traceID, fmt.Errorf("plain call: %w", err)
	}
	fmt.Fprintln(out, "plain:   ", text(plain))

	stream := client.Messages.NewStreaming(ctx, anthropic.MessageNewParams{
		Model: model, MaxTokens: 256,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Count from 1 to 5."))},
	})
	fmt.Fprint(out, "streamed: ")
	for stream.Next() {
		if ev := stream.Current(); ev.Type == "content_block_delta" && ev.Delta.Type == "text_delta" {
			fmt.Fprint(out, ev.Delta.Text)
		}
	}
	fmt.Fprintln(out)
	if err := stream.Err(); err != nil {
		return traceID, fmt.Errorf("streamed call: %w", err)
	}
	_ = stream.Close()

	answer, err := toolLoop(ctx, tr, client, model, "What is the weather in Paris?")
	if err != nil {
		return traceID, fmt.Errorf("tool loop: %w", err)
	}
	fmt.Fprintln(out, "tools:   ", answer)
	return traceID, nil
}

func text(m *anthropic.Message) string {
	var b strings.Builder
	for _, c := range m.Content {
		if c.Type == "text" {
			b.WriteString(c.Text)
		}
	}
	return b.String()
}

var weatherTool = anthropic.ToolUnionParam{OfTool: &anthropic.ToolParam{
	Name:        "get_weather",
	Description: anthropic.String("The current weather of a city"),
	InputSchema: anthropic.ToolInputSchemaParam{
		Properties: map[string]any{"location": map[string]any{"type": "string"}},
		Required:   []string{"location"},
	},
}}

// toolLoop asks, runs the tools the model uses, and asks again with their results until
// the model answers (at most 5 rounds).
func toolLoop(ctx context.Context, tr trace.Tracer, client anthropic.Client, model anthropic.Model, question string) (string, error) {
	params := anthropic.MessageNewParams{
		Model: model, MaxTokens: 512,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(question))},
		Tools:    []anthropic.ToolUnionParam{weatherTool},
	}
	for round := 0; round < 5; round++ {
		msg, err := client.Messages.New(ctx, params)
		if err != nil {
			return "", err
		}
		var results []anthropic.ContentBlockParamUnion
		for _, block := range msg.Content {
			if block.Type != "tool_use" {
				continue
			}
			result, isErr := executeTool(ctx, tr, block.ID, block.Name, string(block.Input))
			results = append(results, anthropic.NewToolResultBlock(block.ID, result, isErr))
		}
		if len(results) == 0 {
			return text(msg), nil
		}
		params.Messages = append(params.Messages, msg.ToParam(), anthropic.NewUserMessage(results...))
	}
	return "", fmt.Errorf("no answer after 5 rounds")
}

// executeTool runs one tool use inside an execute_tool span (gen_ai semconv: INTERNAL,
// "execute_tool {gen_ai.tool.name}"), which the platform stores as a tool event linked to
// the model's call by gen_ai.tool.call.id.
func executeTool(ctx context.Context, tr trace.Tracer, id, name, input string) (result string, isErr bool) {
	_, span := tr.Start(ctx, "execute_tool "+name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(
		attribute.String(semconv.GenAIOperationName, semconv.OpExecuteTool),
		attribute.String(semconv.GenAIToolName, name),
		attribute.String(semconv.GenAIToolType, "function"),
		attribute.String(semconv.GenAIToolCallID, id),
		attribute.String(semconv.GenAIToolCallArgs, input),
	))
	defer span.End()
	result, err := getWeather(name, input)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		span.SetAttributes(attribute.String(semconv.ErrorType, "tool_error"))
		return err.Error(), true
	}
	span.SetAttributes(attribute.String(semconv.GenAIToolCallResult, result))
	return result, false
}

// getWeather is the example's tool: a canned forecast.
func getWeather(name, input string) (string, error) {
	if name != "get_weather" {
		return "", fmt.Errorf("unknown tool %q", name)
	}
	var args struct {
		Location string `json:"location"`
	}
	if err := json.Unmarshal([]byte(input), &args); err != nil || strings.TrimSpace(args.Location) == "" {
		return "", fmt.Errorf("get_weather needs a location, got %s", input)
	}
	b, _ := json.Marshal(map[string]any{"location": args.Location, "temperature_c": 18, "sky": "clear"})
	return string(b), nil
}
