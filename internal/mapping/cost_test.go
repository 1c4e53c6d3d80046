package mapping

import (
	"fmt"
	"math"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping/prices"
	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// tablePrice is what the vendored table says one call costs (the prices package's own
// tests and oracle check that number against calcPrice).
func tablePrice(t *testing.T, provider, model string, u prices.Usage) float64 {
	t.Helper()
	p, ok := prices.Vendored().Lookup(provider, model, t0)
	if !ok {
		t.Fatalf("the table has no %s/%s", provider, model)
	}
	usd, ok := p.Cost(u)
	if !ok {
		t.Fatalf("the table cannot price %+v", u)
	}
	return usd
}

func chatSpan(id, parent byte, provider, model string, extra ...kv) *testSpan {
	return newSpan(id, parent, "chat "+model, append([]kv{str(sc.GenAIOperationName, "chat"),
		str(sc.GenAIProviderName, provider), str(sc.GenAIRequestModel, model)}, extra...)...)
}

func TestCostFromTable(t *testing.T) {
	ev := mapOne(t, MapOptions{}, chatSpan(1, 0, "openai", "openai/gpt-4o-2024-08-06",
		num(sc.GenAIUsageInputTokens, 1000), num(sc.GenAIUsageOutputTokens, 200),
		num(sc.GenAIUsageCacheReadInputTokens, 400), num(sc.GenAIUsageReasoningTokens, 50)))[0]
	want := tablePrice(t, "openai", "gpt-4o", prices.Usage{InputTokens: 1000, OutputTokens: 200, CacheReadInputTokens: 400, ReasoningOutputTokens: 50})
	u := ev.Usage
	if u == nil || math.Abs(u.CostUSD-want) > 1e-15 {
		t.Fatalf("usage %+v, want cost_usd %v", u, want)
	}
	// With cache reads at their own price the cost is below the uncached one.
	if full := tablePrice(t, "openai", "gpt-4o", prices.Usage{InputTokens: 1000, OutputTokens: 200}); !(u.CostUSD < full) {
		t.Errorf("cost %v not below the uncached %v: cache reads priced as input", u.CostUSD, full)
	}
	if u.ContextWindowTokens != 128000 || u.ContextUsedTokens != 1200 {
		t.Errorf("context window %d used %d, want 128000 and 1200 (prompt + completion)", u.ContextWindowTokens, u.ContextUsedTokens)
	}
	if got := ev.Metadata.Get("cost_source"); got != "price_table:"+prices.Vendored().Date() {
		t.Errorf("cost_source %v", got)
	}
}

func TestReportedCostWins(t *testing.T) {
	ev := mapOne(t, MapOptions{}, chatSpan(1, 0, "openai", "gpt-4o",
		num(sc.GenAIUsageInputTokens, 1000), num(sc.GenAIUsageOutputTokens, 200), kv{sc.GenAIUsageCost, DoubleValue(0.5)}))[0]
	if ev.Usage.CostUSD != 0.5 || ev.Metadata.Get("cost_source") != "reported" {
		t.Errorf("cost %v source %v, want the reported 0.5", ev.Usage.CostUSD, ev.Metadata.Get("cost_source"))
	}
	if ev.Usage.ContextWindowTokens != 128000 {
		t.Errorf("context window %d: the table's still applies", ev.Usage.ContextWindowTokens)
	}
}

func TestUnknownModelHasNoCost(t *testing.T) {
	m := NewMapper(MapOptions{})
	evs := m.Map([]SpanView{
		chatSpan(1, 0, "vllm", "my-fine-tune", num(sc.GenAIUsageInputTokens, 10), num(sc.GenAIUsageOutputTokens, 5)),
		chatSpan(2, 0, "openai", "openai/acme-chat-1", num(sc.GenAIUsageInputTokens, 10), num(sc.GenAIUsageOutputTokens, 5)),
		chatSpan(3, 0, "openai", "gpt-4o"), // no usage: nothing to price, not counted
	})
	for _, ev := range evs[:2] {
		if ev.Usage == nil || ev.Usage.CostUSD != 0 || ev.Metadata.Get("cost_source") != nil {
			t.Errorf("%s: usage %+v cost_source %v, want no cost", ev.Name, ev.Usage, ev.Metadata.Get("cost_source"))
		}
	}
	if evs[0].Usage.ContextWindowTokens != 0 || evs[0].Usage.ContextUsedTokens != 15 {
		t.Errorf("unknown model: usage %+v, want no context window, context used 15", evs[0].Usage)
	}
	got := m.Unpriced()
	if len(got) != 2 || got["my-fine-tune"] != 1 || got["openai/acme-chat-1"] != 1 {
		t.Errorf("Unpriced %v", got)
	}
}

func TestUnpricedCardinalityBounded(t *testing.T) {
	m := NewMapper(MapOptions{})
	var spans []SpanView
	for i := range MaxUnpricedModels + 20 {
		s := chatSpan(byte(1+i%200), 0, "vllm", fmt.Sprintf("self-hosted-%d", i), num(sc.GenAIUsageInputTokens, 10))
		s.trace[0] = byte(i) // one trace each
		spans = append(spans, s)
	}
	m.Map(spans)
	got := m.Unpriced()
	if len(got) != MaxUnpricedModels+1 || got[UnpricedOther] != 20 || got["self-hosted-0"] != 1 {
		t.Errorf("%d names, other %d", len(got), got[UnpricedOther])
	}
}

func TestPriceOverride(t *testing.T) {
	tb, err := prices.New([]byte(`[{"id":"self-hosted","provider_match":{"equals":"vllm"},"models":[
		{"id":"my-fine-tune","match":{"equals":"my-fine-tune"},"prices":{"input_mtok":0,"output_mtok":0},"context_window":32768}]},
		{"id":"openai","models":[{"id":"gpt-4o-negotiated","match":{"starts_with":"gpt-4o"},"prices":{"input_mtok":1,"output_mtok":2}}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	evs := mapOne(t, MapOptions{Prices: tb},
		chatSpan(1, 0, "vllm", "my-fine-tune", num(sc.GenAIUsageInputTokens, 1000), num(sc.GenAIUsageOutputTokens, 500)),
		chatSpan(2, 0, "openai", "gpt-4o-2024-08-06", num(sc.GenAIUsageInputTokens, 1_000_000), num(sc.GenAIUsageOutputTokens, 1_000_000)))
	if u := evs[0].Usage; u.CostUSD != 0 || u.ContextWindowTokens != 32768 || evs[0].Metadata.Get("cost_source") != "price_override" {
		t.Errorf("self-hosted: usage %+v source %v, want price 0 from the override", u, evs[0].Metadata.Get("cost_source"))
	}
	if u := evs[1].Usage; math.Abs(u.CostUSD-3) > 1e-12 || evs[1].Metadata.Get("cost_source") != "price_override" {
		t.Errorf("negotiated: cost %v source %v, want 3 USD from the override", u.CostUSD, evs[1].Metadata.Get("cost_source"))
	}
}

// TestRollupSumsCost: an agent span's usage_rollup carries the summed cost of its llm
// children, reported or priced.
func TestRollupSumsCost(t *testing.T) {
	evs := mapOne(t, MapOptions{},
		newSpan(1, 0, "invoke_agent", str(sc.GenAIOperationName, "invoke_agent")),
		chatSpan(2, 1, "openai", "gpt-4o-mini", num(sc.GenAIUsageInputTokens, 1000), num(sc.GenAIUsageOutputTokens, 100)),
		chatSpan(3, 1, "openai", "gpt-4o-mini", num(sc.GenAIUsageInputTokens, 2000), num(sc.GenAIUsageOutputTokens, 300)),
		chatSpan(4, 1, "openai", "gpt-4o-mini", num(sc.GenAIUsageInputTokens, 10), kv{sc.GenAIUsageCost, DoubleValue(0.25)}))
	want := evs[1].Usage.CostUSD + evs[2].Usage.CostUSD + 0.25
	r, _ := evs[0].Metadata.Get("usage_rollup").(platform.Metadata)
	if got, _ := r.Get("cost_usd").(float64); evs[1].Usage.CostUSD == 0 || math.Abs(got-want) > 1e-15 {
		t.Errorf("usage_rollup %v, want cost_usd %v", r, want)
	}
}

// TestCacheWritesPriced: each dialect's cache-creation count is read, kept in
// metadata.cache_creation_tokens and priced at the cache-write price.
func TestCacheWritesPriced(t *testing.T) {
	const model = "claude-sonnet-4-20250514"
	for _, c := range []struct {
		name  string
		attrs []kv
	}{
		{"gen_ai", []kv{num(sc.GenAIUsageInputTokens, 1000), num(sc.GenAIUsageOutputTokens, 50), num(sc.GenAIUsageCacheCreationTokens, 300)}},
		{"traceloop", []kv{num(sc.TLUsagePromptTokens, 1000), num(sc.TLUsageCompletionTokens, 50), num(sc.GenAIUsageCacheCreationOld, 300)}},
		{"openinference", []kv{num(sc.OITokenPrompt, 1000), num(sc.OITokenCompletion, 50), num(sc.OITokenCacheWrite, 300)}},
		{"ai-sdk-v6", []kv{num(sc.AIUsageInputTokens, 1000), num(sc.AIUsageOutputTokens, 50), num(sc.AIUsageCacheWrite, 300), num(sc.AIUsageNoCacheTokens, 700)}},
		{"ai-sdk-v4-provider-metadata", []kv{num(sc.AIUsagePromptTokens, 700), num(sc.AIUsageCompletionToks, 50),
			str(sc.AIResponseProviderMD, `{"anthropic":{"cacheCreationInputTokens":300,"cacheReadInputTokens":null}}`)}},
		{"strands", []kv{num(sc.GenAIUsageInputTokens, 1000), num(sc.GenAIUsageOutputTokens, 50), num(sc.StrandsCacheWriteTokens, 300), num(sc.GenAIUsageTotalTokens, 1050)}},
		{"pydantic-ai", []kv{num(sc.GenAIUsageInputTokens, 1000), num(sc.GenAIUsageOutputTokens, 50), num(sc.PydanticCacheWrite, 300)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := mapOne(t, MapOptions{}, chatSpan(1, 0, "anthropic", model, c.attrs...))[0]
			if ev.Metadata.Get("cache_creation_tokens") != int64(300) {
				t.Fatalf("cache_creation_tokens %v, want 300; metadata %v", ev.Metadata.Get("cache_creation_tokens"), ev.Metadata)
			}
			u := ev.Usage
			if u.PromptTokens != 1000 {
				t.Fatalf("prompt %d, want 1000 (inclusive of the 300 cache writes)", u.PromptTokens)
			}
			want := tablePrice(t, "anthropic", model, prices.Usage{InputTokens: 1000, OutputTokens: 50, CacheCreationInputTokens: 300})
			plain := tablePrice(t, "anthropic", model, prices.Usage{InputTokens: 1000, OutputTokens: 50})
			if math.Abs(u.CostUSD-want) > 1e-15 || want == plain {
				t.Errorf("cost %v, want %v (without the cache-write price: %v)", u.CostUSD, want, plain)
			}
		})
	}
}
