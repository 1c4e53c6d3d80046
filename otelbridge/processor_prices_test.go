package otelbridge_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

const selfHosted = `[{"id":"self-hosted","provider_match":{"equals":"vllm"},"models":[
	{"id":"llama-ft","match":{"starts_with":"llama-ft"},"prices":{"input_mtok":0.5,"output_mtok":1},"context_window":8192}]}]`

func emitChat(tr trace.Tracer, provider, model string, in, out int64) {
	_, s := tr.Start(context.Background(), "chat "+model, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", provider),
		attribute.String("gen_ai.request.model", model),
		attribute.Int64("gen_ai.usage.input_tokens", in),
		attribute.Int64("gen_ai.usage.output_tokens", out),
	))
	s.End()
}

// TestWithPrices: an override prices its models, the vendored table the others, an unknown
// model is left unpriced and counted in llmtrace.processor.events.unpriced by model.
func TestWithPrices(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	plat := platformtest.New(t)
	p, tp := newProc(t, plat.URL(), otelbridge.WithPrices([]byte(selfHosted)), otelbridge.WithMeterProvider(mp))
	tr := tp.Tracer("t")
	emitChat(tr, "vllm", "llama-ft-v2", 2_000_000, 1_000_000)
	emitChat(tr, "openai", "gpt-4o-mini", 1000, 100)
	emitChat(tr, "vllm", "mystery-7b", 1000, 100)
	emitChat(tr, "vllm", "mystery-7b", 1000, 100)
	if err := flush(t, p); err != nil {
		t.Fatal(err)
	}
	byModel := map[string]platform.TraceEvent{}
	for _, ev := range plat.Events() {
		byModel[ev.Model] = ev
	}
	if ev := byModel["llama-ft-v2"]; ev.Usage == nil || ev.Usage.CostUSD != 2 || ev.Usage.ContextWindowTokens != 8192 || ev.Metadata.Get("cost_source") != "price_override" {
		t.Errorf("override: usage %+v cost_source %v, want 2 USD, window 8192, price_override", ev.Usage, ev.Metadata.Get("cost_source"))
	}
	if ev := byModel["gpt-4o-mini"]; ev.Usage == nil || ev.Usage.CostUSD <= 0 || !strings.HasPrefix(ev.Metadata.Get("cost_source").(string), "price_table:") {
		t.Errorf("vendored: usage %+v cost_source %v", ev.Usage, ev.Metadata.Get("cost_source"))
	}
	if ev := byModel["mystery-7b"]; ev.Usage == nil || ev.Usage.CostUSD != 0 || ev.Metadata.Get("cost_source") != nil {
		t.Errorf("unknown: usage %+v cost_source %v, want no cost", ev.Usage, ev.Metadata.Get("cost_source"))
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != otelbridge.MetricEventsUnpriced {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				model, _ := dp.Attributes.Value("gen_ai.response.model")
				got[model.AsString()] += dp.Value
			}
		}
	}
	if len(got) != 1 || got["mystery-7b"] != 2 {
		t.Errorf("%s = %v, want mystery-7b: 2", otelbridge.MetricEventsUnpriced, got)
	}
}

func TestWithPricesRefusesMistakes(t *testing.T) {
	bad := `[{"id":"self-hosted","models":[
		{"id":"a","match":{"regex":"(unclosed"},"prices":{"input_mtok":1}},
		{"id":"b","match":{"equals":"b"},"prices":{"input_mtokens":1}}]}]`
	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint("http://127.0.0.1:1"), otelbridge.WithPrices([]byte(bad)))
	var ce *platform.ConfigurationError
	if !errors.As(err, &ce) || p != nil || ce.Field != "prices" {
		t.Fatalf("got (%v, %v), want a ConfigurationError for prices", p, err)
	}
	for _, want := range []string{`"a"`, "regex", `"b"`, "input_mtokens"} {
		if !strings.Contains(ce.Reason, want) {
			t.Errorf("reason %q does not mention %s", ce.Reason, want)
		}
	}
}
