// Command openai-go is a runnable example of llmtraceopenai: an app on
// github.com/openai/openai-go/v3 traced in one line, its spans shipped to the llmtrace
// platform by the SpanProcessor. It makes one plain chat completion, one streamed one (with
// the usage chunk) and a tool loop with a get_weather tool whose executions it records as
// execute_tool spans, then shuts the TracerProvider down (flushing) and exits 0.
//
//	make devserver                                  # the local platform on 127.0.0.1:8787
//	OPENAI_API_KEY=sk-... go run .                  # from examples/openai-go
//
// Without OPENAI_API_KEY it talks to the fake provider of `llmtrace fakellm` (run
// `make build && _build/bin/llmtrace fakellm` in the repository root first) and says so on stderr
// (provider.go). It ends by printing the dev platform's page of the trace.
//
// Environment: OPENAI_API_KEY and OPENAI_BASE_URL (read by the SDK), OPENAI_MODEL (default
// gpt-4o-mini), LLMTRACE_ENDPOINT (default http://127.0.0.1:8787) and LLMTRACE_API_KEY.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/shared"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	llmtraceopenai "github.com/llmtrace/llmtrace/instrumentation/openai-go"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/semconv"
)

const defaultEndpoint = "http://127.0.0.1:8787"

func main() {
	if err := run(os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "openai-go example:", err)
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
	model := os.Getenv("OPENAI_MODEL")
	if model == "" {
		model = openai.ChatModelGPT4oMini
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
		sdktrace.WithResource(resource.NewSchemaless(attribute.String(semconv.ServiceName, "weather-bot-openai"))),
	)
	// The one line: every model call of this client is a gen_ai span. Content capture is
	// on for the example; leave it to OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT in
	// an app whose prompts must not leave it.
	client := openai.NewClient(append(provider, option.WithMiddleware(llmtraceopenai.Middleware(
		llmtraceopenai.WithTracerProvider(tp), llmtraceopenai.WithCaptureMessageContent(true))))...)

	ctx := otelbridge.ContextWithConversation(context.Background(), "openai-go-example")
	tr := tp.Tracer("github.com/llmtrace/llmtrace/examples/openai-go")
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
func conversation(ctx context.Context, out io.Writer, tr trace.Tracer, client openai.Client, model string) (traceID trace.TraceID, err error) {
	ctx, agent := tr.Start(ctx, "invoke_agent weather-bot", trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(
		attribute.String(semconv.GenAIOperationName, semconv.OpInvokeAgent),
		attribute.String(semconv.GenAIAgentName, "weather-bot"),
		attribute.String(semconv.GenAIProviderName, semconv.ProviderOpenAI),
	))
	defer func() {
		if err != nil {
			agent.SetStatus(codes.Error, err.Error())
		}
		agent.End()
	}()
	traceID = agent.SpanContext().TraceID()
	plain, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Say hello in one short sentence.")},
	})
	if err != nil {
		return traceID, fmt.Errorf("plain call: %w", err)
	}
	fmt.Fprintln(out, "plain:   ", plain.Choices[0].Message.Content)

	stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:    model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Count from 1 to 5.")},
		// Without include_usage OpenAI sends no token counts for a stream.
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: param.NewOpt(true)},
	})
	fmt.Fprint(out, "streamed: ")
	for stream.Next() {
		if ch := stream.Current(); len(ch.Choices) > 0 {
			fmt.Fprint(out, ch.Choices[0].Delta.Content)
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

var weatherTool = openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
	Name:        "get_weather",
	Description: openai.String("The current weather of a city"),
	Parameters: shared.FunctionParameters{
		"type":       "object",
		"properties": map[string]any{"location": map[string]any{"type": "string"}},
		"required":   []string{"location"},
	},
})

// toolLoop asks, runs the tools the model calls, and asks again with their results until
// the model answers (at most 5 rounds).
func toolLoop(ctx context.Context, tr trace.Tracer, client openai.Client, model, question string) (string, error) {
	params := openai.ChatCompletionNewParams{
		Model:    model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(question)},
		Tools:    []openai.ChatCompletionToolUnionParam{weatherTool},
	}
	for round := 0; round < 5; round++ {
		resp, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			return "", err
		}
		msg := resp.Choices[0].Message
		if len(msg.ToolCalls) == 0 {
			return msg.Content, nil
		}
		params.Messages = append(params.Messages, msg.ToParam())
		for _, call := range msg.ToolCalls {
			result := executeTool(ctx, tr, call.ID, call.Function.Name, call.Function.Arguments)
			params.Messages = append(params.Messages, openai.ToolMessage(result, call.ID))
		}
	}
	return "", fmt.Errorf("no answer after 5 rounds")
}

// executeTool runs one tool call inside an execute_tool span (gen_ai semconv: INTERNAL,
// "execute_tool {gen_ai.tool.name}"), which the platform stores as a tool event linked to
// the model's call by gen_ai.tool.call.id.
func executeTool(ctx context.Context, tr trace.Tracer, id, name, arguments string) string {
	_, span := tr.Start(ctx, "execute_tool "+name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(
		attribute.String(semconv.GenAIOperationName, semconv.OpExecuteTool),
		attribute.String(semconv.GenAIToolName, name),
		attribute.String(semconv.GenAIToolType, "function"),
		attribute.String(semconv.GenAIToolCallID, id),
		attribute.String(semconv.GenAIToolCallArgs, arguments),
	))
	defer span.End()
	result, err := getWeather(name, arguments)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		span.SetAttributes(attribute.String(semconv.ErrorType, "tool_error"))
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	span.SetAttributes(attribute.String(semconv.GenAIToolCallResult, result))
	return result
}

// getWeather is the example's tool: a canned forecast.
func getWeather(name, arguments string) (string, error) {
	if name != "get_weather" {
		return "", fmt.Errorf("unknown tool %q", name)
	}
	var args struct {
		Location string `json:"location"`
	}
	if err := json.Unmarshal([]byte(arguments), &args); err != nil || strings.TrimSpace(args.Location) == "" {
		return "", fmt.Errorf("get_weather needs a location, got %s", arguments)
	}
	b, _ := json.Marshal(map[string]any{"location": args.Location, "temperature_c": 18, "sky": "clear"})
	return string(b), nil
}
