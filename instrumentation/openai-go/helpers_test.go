package llmtraceopenai_test

import (
	"encoding/json"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	otelsemconv "go.opentelemetry.io/otel/semconv/v1.41.0"

	llmtraceopenai "github.com/llmtrace/llmtrace/instrumentation/openai-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// harness is an openai-go client with the middleware, talking to a loopback fake OpenAI,
// its spans recorded.
type harness struct {
	fake   *fakellm.Server
	rec    *tracetest.SpanRecorder
	client openai.Client
}

func newHarness(t *testing.T, capture bool, clientOpts ...option.RequestOption) *harness {
	t.Helper()
	h := &harness{fake: fakellm.New(t), rec: tracetest.NewSpanRecorder()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	opts := append([]option.RequestOption{
		option.WithBaseURL(h.fake.URL()),
		option.WithAPIKey("sk-test"),
		option.WithMiddleware(llmtraceopenai.Middleware(
			llmtraceopenai.WithTracerProvider(tp),
			llmtraceopenai.WithCaptureMessageContent(capture),
		)),
	}, clientOpts...)
	h.client = openai.NewClient(opts...)
	return h
}

// spans returns the ended spans, failing unless there are n.
func (h *harness) spans(t *testing.T, n int) []sdktrace.ReadOnlySpan {
	t.Helper()
	got := h.rec.Ended()
	if len(got) != n {
		t.Fatalf("%d spans ended, want %d", len(got), n)
	}
	return got
}

// attrs returns a span's attributes by key.
func attrs(s sdktrace.ReadOnlySpan) map[string]attribute.Value {
	m := map[string]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// conventionKeys are every key a span of this instrumentation may carry, spelled by
// go.opentelemetry.io/otel/semconv/v1.41.0 (the last release with the gen_ai keys).
var conventionKeys = map[attribute.Key]bool{
	otelsemconv.GenAIOperationNameKey: true, otelsemconv.GenAIProviderNameKey: true,
	otelsemconv.GenAIRequestModelKey: true, otelsemconv.GenAIRequestTemperatureKey: true,
	otelsemconv.GenAIRequestTopPKey: true, otelsemconv.GenAIRequestMaxTokensKey: true,
	otelsemconv.GenAIRequestFrequencyPenaltyKey: true, otelsemconv.GenAIRequestPresencePenaltyKey: true,
	otelsemconv.GenAIRequestStopSequencesKey: true, otelsemconv.GenAIRequestSeedKey: true,
	otelsemconv.GenAIRequestChoiceCountKey: true, otelsemconv.GenAIRequestStreamKey: true,
	otelsemconv.GenAIOutputTypeKey: true, otelsemconv.GenAIRequestEncodingFormatsKey: true,
	otelsemconv.GenAIEmbeddingsDimensionCountKey: true,
	otelsemconv.GenAIResponseIDKey:               true, otelsemconv.GenAIResponseModelKey: true,
	otelsemconv.GenAIResponseFinishReasonsKey: true, otelsemconv.GenAIResponseTimeToFirstChunkKey: true,
	otelsemconv.GenAIUsageInputTokensKey: true, otelsemconv.GenAIUsageOutputTokensKey: true,
	otelsemconv.GenAIUsageCacheReadInputTokensKey: true, otelsemconv.GenAIUsageCacheCreationInputTokensKey: true,
	otelsemconv.GenAIUsageReasoningOutputTokensKey: true,
	otelsemconv.GenAIInputMessagesKey:              true, otelsemconv.GenAIOutputMessagesKey: true,
	otelsemconv.GenAISystemInstructionsKey: true, otelsemconv.GenAIToolDefinitionsKey: true,
	otelsemconv.ServerAddressKey: true, otelsemconv.ServerPortKey: true, otelsemconv.ErrorTypeKey: true,
	otelsemconv.OpenAIAPITypeKey: true, otelsemconv.OpenAIRequestServiceTierKey: true,
	otelsemconv.OpenAIResponseServiceTierKey: true, otelsemconv.OpenAIResponseSystemFingerprintKey: true,
}

// checkKeys fails for any attribute key outside the conventions.
func checkKeys(t *testing.T, s sdktrace.ReadOnlySpan) {
	t.Helper()
	for _, kv := range s.Attributes() {
		if !conventionKeys[kv.Key] {
			t.Errorf("span %q: key %q is not a semconv v1.41.0 key", s.Name(), kv.Key)
		}
	}
}

// jsonAttr decodes a JSON-string content attribute.
func jsonAttr(t *testing.T, s sdktrace.ReadOnlySpan, key attribute.Key) any {
	t.Helper()
	v, ok := attrs(s)[string(key)]
	if !ok {
		t.Fatalf("span %q has no %s", s.Name(), key)
	}
	var out any
	if err := json.Unmarshal([]byte(v.AsString()), &out); err != nil {
		t.Fatalf("%s is not JSON: %v", key, err)
	}
	return out
}

// canonical re-encodes a JSON text so that two texts compare by value.
func canonical(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
