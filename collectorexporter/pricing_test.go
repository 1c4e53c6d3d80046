package collectorexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/platform"
)

// TestPricingOverridesAndUnpriced: the exporter prices llm events with the configured
// override, leaves an unknown model unpriced and counts it by model in
// otelcol_llmtrace_exporter_events_unpriced.
func TestPricingOverridesAndUnpriced(t *testing.T) {
	p := platformtest.New(t)
	cfg := testConfig(p.URL())
	cfg.Pricing.Providers = []map[string]any{{"id": "openai", "models": []any{map[string]any{
		"id": "gpt-4o-mini-negotiated", "match": map[string]any{"starts_with": "gpt-4o-mini"},
		"prices": map[string]any{"input_mtok": 1000, "output_mtok": 2000}}}}}
	require.NoError(t, cfg.Validate())
	exp, tel := startWithTelemetry(t, cfg)

	td := genAITraces(3, 2, 4)
	// The second trace's calls go to a model no table knows.
	unknown := 0
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		forSpans(rss.At(i), func(s ptrace.Span) {
			if s.TraceID() != rss.At(rss.Len()-1).ScopeSpans().At(0).Spans().At(0).TraceID() {
				return
			}
			if _, ok := s.Attributes().Get("gen_ai.usage.input_tokens"); ok {
				s.Attributes().PutStr("gen_ai.request.model", "mystery-7b")
				s.Attributes().PutStr("gen_ai.response.model", "mystery-7b")
				unknown++
			}
		})
	}
	require.NotZero(t, unknown)
	require.NoError(t, exp.ConsumeTraces(context.Background(), td))

	priced := 0
	for _, ev := range p.Events() {
		if ev.Type != platform.TypeLLM || ev.Usage == nil {
			continue
		}
		switch ev.Model {
		case "mystery-7b":
			assert.Zero(t, ev.Usage.CostUSD)
			assert.Nil(t, ev.Metadata.Get("cost_source"))
		default:
			priced++
			want := (float64(ev.Usage.PromptTokens)*1000 + float64(ev.Usage.CompletionTokens)*2000) / 1e6
			assert.InDelta(t, want, ev.Usage.CostUSD, 1e-12, "%s", ev.Model)
			assert.Equal(t, "price_override", ev.Metadata.Get("cost_source"))
		}
	}
	assert.NotZero(t, priced)

	m, err := tel.GetMetric("otelcol_llmtrace_exporter_events_unpriced")
	require.NoError(t, err)
	got := map[string]int64{}
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		v, _ := dp.Attributes.Value("gen_ai.response.model")
		got[v.AsString()] += dp.Value
	}
	assert.Equal(t, map[string]int64{"mystery-7b": int64(unknown)}, got)
}

func forSpans(rs ptrace.ResourceSpans, fn func(ptrace.Span)) {
	for j := 0; j < rs.ScopeSpans().Len(); j++ {
		ss := rs.ScopeSpans().At(j).Spans()
		for k := 0; k < ss.Len(); k++ {
			fn(ss.At(k))
		}
	}
}
