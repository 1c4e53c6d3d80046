package mapping

import (
	"sync"
	"sync/atomic"

	"github.com/llmtrace/llmtrace/internal/mapping/prices"
	"github.com/llmtrace/llmtrace/platform"
)

// metadata.cost_source values: where an event's usage.cost_usd comes from.
const (
	// CostSourceReported: the span reported its cost (gen_ai.usage.cost, llm.cost.total, ...).
	CostSourceReported = "reported"
	// CostSourcePriceTablePrefix + Table.Date(): priced from the vendored genai-prices table
	// taken that day (e.g. "price_table:2026-11-25").
	CostSourcePriceTablePrefix = "price_table:"
	// CostSourcePriceOverride: priced from an override table (MapOptions.Prices built with
	// prices.New(overrides...)) whose model matched.
	CostSourcePriceOverride = "price_override"
)

// MaxUnpricedModels bounds the distinct model names the unpriced-event counts keep
// (Mapper.Unpriced); the events of later new models are counted under UnpricedOther.
const MaxUnpricedModels = 100

// UnpricedOther is the model name the unpriced counts use past MaxUnpricedModels.
const UnpricedOther = "other"

// price fills in an llm span's own usage from the price table, before the trace pass sums
// it into its ancestors' usage_rollup: usage.context_window_tokens (the model's
// context_window), usage.context_used_tokens (prompt + completion tokens of the call) and,
// when the span reported no cost, usage.cost_usd priced with OTel semantics (prompt tokens
// include cache reads and writes, completion tokens include reasoning; see prices.Usage).
// A model the table does not know, or counts it cannot price (cache reads above the
// prompt), leave cost_usd unset — never 0 — and count the event in Mapper.Unpriced.
// The lookup is cached per (provider, model) by the table.
func (m *Mapper) price(p *prepared) {
	u := &p.usage.u
	if u.CostUSD != 0 {
		p.usage.costSource = any(CostSourceReported)
	}
	if p.typ != platform.TypeLLM || !p.ownUsage || u.PromptTokens == 0 && u.CompletionTokens == 0 {
		return
	}
	u.ContextUsedTokens = u.PromptTokens + u.CompletionTokens
	model := p.modelName()
	pr, ok := m.prices.Lookup(p.provider, model, p.sv.StartTime())
	if ok {
		u.ContextWindowTokens = pr.ContextWindow
	}
	if p.usage.costSource != nil {
		return
	}
	var usd float64
	if ok {
		usd, ok = pr.Cost(prices.Usage{
			InputTokens:              u.PromptTokens,
			OutputTokens:             u.CompletionTokens,
			CacheReadInputTokens:     u.CachedTokens,
			CacheCreationInputTokens: p.usage.cacheCreation,
			ReasoningOutputTokens:    u.ReasoningTokens,
		})
	}
	if !ok {
		m.unpriced.add(model)
		return
	}
	u.CostUSD = usd
	if pr.Override {
		p.usage.costSource = any(CostSourcePriceOverride)
	} else {
		p.usage.costSource = m.tableSource
	}
}

// Unpriced returns the number of llm events with token usage and no reported cost that the
// price table could not price, by model name (TraceEvent.model; "" when the span names
// none), since the Mapper was created. At most MaxUnpricedModels names are kept; later new
// names are counted under UnpricedOther.
func (m *Mapper) Unpriced() map[string]int64 {
	return m.unpriced.snapshot()
}

// unpricedCounts are the bounded per-model counts behind Mapper.Unpriced.
type unpricedCounts struct {
	mu     sync.Mutex
	byName sync.Map // model → *atomic.Int64
	n      int      // names in byName, under mu
}

func (c *unpricedCounts) add(model string) {
	if v, ok := c.byName.Load(model); ok {
		v.(*atomic.Int64).Add(1)
		return
	}
	c.mu.Lock()
	if _, ok := c.byName.Load(model); !ok {
		if c.n >= MaxUnpricedModels {
			model = UnpricedOther
		}
		if _, loaded := c.byName.LoadOrStore(model, new(atomic.Int64)); !loaded {
			c.n++
		}
	}
	c.mu.Unlock()
	v, _ := c.byName.Load(model)
	v.(*atomic.Int64).Add(1)
}

func (c *unpricedCounts) snapshot() map[string]int64 {
	out := map[string]int64{}
	c.byName.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}
