package mapping_test

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/mapping/prices"
	"github.com/llmtrace/llmtrace/internal/mapping/prices/oracle"
	"github.com/llmtrace/llmtrace/platform"
)

// TestCostOracleCaptures maps every capture of testdata/captures and asks the pinned npm
// package's own calcPrice (node, scripts/genai-prices.mjs) about every llm event, with the
// event's provider, model, start time and token counts: the event's usage.cost_usd equals
// calcPrice's total_price within 1e-9 USD, its usage.context_window_tokens equals the matched
// model's context_window, and an event calcPrice cannot price has no cost_usd and is counted
// in Mapper.Unpriced. Without node it skips, unless LLMTRACE_REQUIRE_NODE=1 (make test).
func TestCostOracleCaptures(t *testing.T) {
	files, err := filepath.Glob("../../testdata/captures/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	type llmEvent struct {
		where string
		ev    platform.TraceEvent
		m     *mapping.Mapper
	}
	var events []llmEvent
	var cases []oracle.Case
	for _, f := range files {
		m := mapping.NewMapper(mapping.MapOptions{})
		evs := m.Map(captureSpans(t, f))
		for i, ev := range evs {
			if ev.Type != platform.TypeLLM {
				continue
			}
			events = append(events, llmEvent{fmt.Sprintf("%s event %d (%s %s/%s)", filepath.Base(f), i, ev.Name, ev.Provider, ev.Model), ev, m})
			cases = append(cases, oracleCase(&ev))
		}
	}
	if len(events) == 0 {
		t.Fatal("no llm events in the captures")
	}
	results := oracle.Run(t, "../..", prices.Vendored().Version(), prices.ProviderAliases(), cases)
	priced := 0
	for i, e := range events {
		r, u, md := results[i], e.ev.Usage, e.ev.Metadata
		if u == nil || u.PromptTokens == 0 && u.CompletionTokens == 0 {
			if u != nil && u.CostUSD != 0 {
				t.Errorf("%s: cost_usd %v without tokens", e.where, u.CostUSD)
			}
			continue
		}
		if !r.Found || r.Error != "" {
			if u.CostUSD != 0 || md.Get("cost_source") != nil {
				t.Errorf("%s: cost_usd %v (%v), calcPrice found nothing or threw %q", e.where, u.CostUSD, md.Get("cost_source"), r.Error)
			}
			if e.m.Unpriced()[e.ev.Model] == 0 {
				t.Errorf("%s: not counted in Unpriced %v", e.where, e.m.Unpriced())
			}
			continue
		}
		if md.Get("cost_source") == mapping.CostSourceReported { // the span's own cost (Langfuse cost_details) is kept
			continue
		}
		priced++
		if math.Abs(u.CostUSD-r.TotalPrice) > 1e-9 {
			t.Errorf("%s: cost_usd %.12g, calcPrice %.12g (%s/%s)", e.where, u.CostUSD, r.TotalPrice, r.Provider, r.Model)
		}
		if u.ContextWindowTokens != r.ContextWindow {
			t.Errorf("%s: context_window_tokens %d, calcPrice's model %s/%s has %d", e.where, u.ContextWindowTokens, r.Provider, r.Model, r.ContextWindow)
		}
		if u.ContextUsedTokens != u.PromptTokens+u.CompletionTokens {
			t.Errorf("%s: context_used_tokens %d, want prompt + completion %d", e.where, u.ContextUsedTokens, u.PromptTokens+u.CompletionTokens)
		}
		if want := "price_table:" + prices.Vendored().Date(); md.Get("cost_source") != want {
			t.Errorf("%s: metadata.cost_source %v, want %q", e.where, md.Get("cost_source"), want)
		}
	}
	t.Logf("%d llm events, %d priced equal to calcPrice", len(events), priced)
	if priced == 0 {
		t.Error("no llm event of the captures was priced")
	}
}

// oracleCase is calcPrice's question about one event: its provider and model through
// Table.Lookup's search, its start time, and its usage as calcPrice's usage keys (the
// event's OTel-semantics counts, cache writes from metadata.cache_creation_tokens).
func oracleCase(ev *platform.TraceEvent) oracle.Case {
	u := map[string]float64{}
	if ev.Usage != nil {
		for k, v := range map[string]int64{"input_tokens": ev.Usage.PromptTokens, "output_tokens": ev.Usage.CompletionTokens,
			"cache_read_tokens": ev.Usage.CachedTokens, "output_reasoning_tokens": ev.Usage.ReasoningTokens} {
			if v != 0 {
				u[k] = float64(v)
			}
		}
	}
	switch n := ev.Metadata.Get("cache_creation_tokens").(type) {
	case int64:
		u["cache_write_tokens"] = float64(n)
	case int:
		u["cache_write_tokens"] = float64(n)
	}
	return oracle.Case{Provider: ev.Provider, Model: ev.Model, Usage: u, TimeMS: ev.StartTime.UnixMilli(), Chain: true}
}
