package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/devserver"
)

// sdkDevPlatform runs the real dev platform (in-memory SQLite) on a loopback httptest
// server.
func sdkDevPlatform(t testing.TB, apiKey string) (*devserver.Server, *httptest.Server) {
	t.Helper()
	dev, err := devserver.New(devserver.Config{DBPath: ":memory:", APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(func() {
		srv.Close()
		_ = dev.Close()
	})
	return dev, srv
}

// sdkOTLPSink is a loopback OTLP/HTTP receiver keeping each protobuf request body.
type sdkOTLPSink struct {
	mu     sync.Mutex
	bodies [][]byte
	keep   bool
}

func (s *sdkOTLPSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	if s.keep {
		s.mu.Lock()
		s.bodies = append(s.bodies, b)
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK) // an empty ExportTraceServiceResponse
}

// sdkAgentTurn emits one agent turn the way an instrumented app does (OTel gen_ai
// semconv): invoke_agent → chat (llm: usage, messages, finish reasons) → execute_tool,
// the tool failing with a recorded exception on odd turns.
func sdkAgentTurn(ctx context.Context, tr trace.Tracer, i int) trace.TraceID {
	ctx, agent := tr.Start(ctx, "invoke_agent weather-bot", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "invoke_agent"),
		attribute.String("gen_ai.agent.name", "weather-bot"),
		attribute.String("gen_ai.agent.id", "asst_42"),
		attribute.String("gen_ai.provider.name", "openai"),
	))
	sdkChatSpan(ctx, tr, i)
	_, tool := tr.Start(ctx, "execute_tool get_weather", trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "execute_tool"),
		attribute.String("gen_ai.tool.name", "get_weather"),
		attribute.String("gen_ai.tool.type", "function"),
		attribute.String("gen_ai.tool.call.id", fmt.Sprintf("call_%d", i)),
		attribute.String("gen_ai.tool.call.arguments", `{"location":"Paris","unit":"celsius"}`),
	))
	if i%2 == 1 {
		err := fmt.Errorf("weather service timed out")
		tool.RecordError(err, trace.WithAttributes(attribute.String("exception.type", "TimeoutError")))
		tool.SetStatus(codes.Error, err.Error())
	} else {
		tool.SetAttributes(attribute.String("gen_ai.tool.call.result", `{"temperature_c":18,"sky":"clear"}`))
	}
	tool.End()
	agent.End()
	return agent.SpanContext().TraceID()
}

// sdkChatSpan is one typical gen_ai chat span: ~12 attributes, ~600 bytes of messages.
func sdkChatSpan(ctx context.Context, tr trace.Tracer, i int) {
	_, llm := tr.Start(ctx, "chat gpt-4o-mini", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "openai"),
		attribute.String("gen_ai.request.model", "gpt-4o-mini"),
		attribute.Float64("gen_ai.request.temperature", 0.2),
		attribute.Int64("gen_ai.request.max_tokens", 256),
		attribute.String("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
		attribute.String("gen_ai.response.id", fmt.Sprintf("chatcmpl-%d", i)),
		attribute.StringSlice("gen_ai.response.finish_reasons", []string{"tool_calls"}),
		attribute.Int64("gen_ai.usage.input_tokens", 182),
		attribute.Int64("gen_ai.usage.output_tokens", 18),
		attribute.String("gen_ai.system_instructions", `[{"type":"text","content":"You are a helpful weather assistant. Use tools when needed and answer in one sentence."}]`),
		attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"What is the weather like in Paris today? Please answer briefly and cite the source you used."}]}]`),
		attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"location":"Paris","unit":"celsius"}}],"finish_reason":"tool_call"}]`),
	))
	llm.End()
}
