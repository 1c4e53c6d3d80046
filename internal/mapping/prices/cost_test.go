package prices

import (
	"testing"
	"time"
)

// OTel counts: input includes the cache reads and writes, output includes reasoning. Each token
// is priced once, at its most specific priced class.
func TestCostCacheTokensPricedOnce(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"},
		"prices": {"input_mtok": 3, "cache_read_mtok": 0.3, "cache_write_mtok": 3.75, "output_mtok": 15}}]}]`)
	u := Usage{InputTokens: 10_000, CacheReadInputTokens: 6_000, CacheCreationInputTokens: 1_000, OutputTokens: 2_000, ReasoningOutputTokens: 500}
	near(t, "cached call", cost(t, tb, "acme", "m", day, u), (3_000*3+6_000*0.3+1_000*3.75+2_000*15)/1e6)
}

// A model without a cache-read price prices cache reads as input; reasoning without its own
// price is output.
func TestCostUnpricedPartsFallToTheirWhole(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": 2, "output_mtok": 8}}]}]`)
	u := Usage{InputTokens: 1_000, CacheReadInputTokens: 900, OutputTokens: 100, ReasoningOutputTokens: 90}
	near(t, "no cache price", cost(t, tb, "acme", "m", day, u), (1_000*2+100*8)/1e6)
}

func TestCostReasoningPrice(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"},
		"prices": {"input_mtok": 1, "output_mtok": 4, "output_reasoning_mtok": 2}}]}]`)
	near(t, "reasoning", cost(t, tb, "acme", "m", day, Usage{InputTokens: 100, OutputTokens: 1_000, ReasoningOutputTokens: 600}), (100*1+400*4+600*2)/1e6)
}

// Tiers: the price of the last tier whose start the call's total input tokens exceed (strictly)
// applies to the whole class, output included.
func TestCostTiers(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {
		"input_mtok": {"base": 3, "tiers": [{"start": 500000, "price": 9}, {"start": 200000, "price": 6}]},
		"cache_read_mtok": {"base": 0.3, "tiers": [{"start": 200000, "price": 0.6}]},
		"output_mtok": {"base": 15, "tiers": [{"start": 200000, "price": 22.5}]}}}]}]`)
	for _, c := range []struct {
		in, cached int64
		want       float64
	}{
		{200_000, 0, (200_000*3 + 1_000*15) / 1e6},                       // at the start: base
		{200_001, 0, (200_001*6 + 1_000*22.5) / 1e6},                     // above: tier, for all tokens
		{300_000, 150_000, (150_000*6 + 150_000*0.6 + 1_000*22.5) / 1e6}, // the threshold counts cached input too
		{600_000, 0, (600_000*9 + 1_000*22.5) / 1e6},                     // tiers sorted by start
		{150_000, 100_000, (50_000*3 + 100_000*0.3 + 1_000*15) / 1e6},    // below
	} {
		near(t, "tiered", cost(t, tb, "acme", "m", day, Usage{InputTokens: c.in, CacheReadInputTokens: c.cached, OutputTokens: 1_000}), c.want)
	}
}

// Conditional prices: the last one whose constraint holds at the call's start; a start date is
// UTC midnight; a time-of-day window may wrap past midnight.
func TestCostStartDate(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"}, "prices": [
		{"prices": {"input_mtok": 1}},
		{"constraint": {"start_date": "2026-03-13"}, "prices": {"input_mtok": 2}},
		{"constraint": {"type": "start_date", "start_date": "2026-06-01"}, "prices": {"input_mtok": 3}}]}]}]`)
	u := Usage{InputTokens: 1e6}
	for at, want := range map[time.Time]float64{
		time.Date(2026, 3, 12, 23, 59, 59, 999e6, time.UTC):              1,
		time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC):                     2,
		time.Date(2026, 3, 13, 0, 30, 0, 0, time.FixedZone("CET", 3600)): 1, // 2026-03-12T23:30Z
		time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC):                      3,
	} {
		near(t, at.String(), cost(t, tb, "acme", "m", at, u), want)
	}
}

func TestCostTimeOfDay(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"}, "prices": [
		{"prices": {"input_mtok": 1}},
		{"constraint": {"start_time": "22:00:00Z", "end_time": "02:00:00Z"}, "prices": {"input_mtok": 0.5}},
		{"constraint": {"start_time": "10:00:00+02:00", "end_time": "12:00:00+02:00"}, "prices": {"input_mtok": 4}}]}]}]`)
	u := Usage{InputTokens: 1e6}
	for hm, want := range map[[2]int]float64{
		{21, 59}: 1, {22, 0}: 0.5, {1, 59}: 0.5, {2, 0}: 1, {8, 0}: 4, {9, 59}: 4, {10, 0}: 1,
	} {
		at := time.Date(2026, 5, 5, hm[0], hm[1], 0, 0, time.UTC)
		near(t, at.Format("15:04Z"), cost(t, tb, "acme", "m", at, u), want)
	}
}

// The vendored table: deepseek-chat's off-peak prices outside 00:30–16:30 UTC, claude-opus-4-6's
// long-context tiers until 2026-03-13.
func TestCostVendoredConditions(t *testing.T) {
	tb := Vendored()
	u := Usage{InputTokens: 1e6}
	near(t, "deepseek peak", cost(t, tb, "deepseek", "deepseek-chat", time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), u), 0.27)
	near(t, "deepseek off-peak", cost(t, tb, "deepseek", "deepseek-chat", time.Date(2026, 1, 1, 17, 0, 0, 0, time.UTC), u), 0.135)
	long := Usage{InputTokens: 300_000}
	near(t, "opus before", cost(t, tb, "anthropic", "claude-opus-4-6", time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), long), 300_000*10/1e6)
	near(t, "opus after", cost(t, tb, "anthropic", "claude-opus-4-6", time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC), long), 300_000*5/1e6)
}

// requests_kcount: a priced call counts one request.
func TestCostPerRequest(t *testing.T) {
	near(t, "sonar-pro", cost(t, Vendored(), "perplexity", "sonar-pro", day, Usage{InputTokens: 1_000, OutputTokens: 100}), (1_000*3+100*15)/1e6+14.0/1e3)
}

// Counts calcPrice refuses, and models priced only by what a span does not report, have no cost.
func TestCostNotKnown(t *testing.T) {
	tb := Vendored()
	p, ok := tb.Lookup("openai", "gpt-4o", day)
	if !ok {
		t.Fatal("gpt-4o not found")
	}
	for _, u := range []Usage{
		{InputTokens: 100, CacheReadInputTokens: 200},
		{InputTokens: -1},
		{CacheReadInputTokens: 5}, // a part without its whole
	} {
		if usd, ok := p.Cost(u); ok {
			t.Errorf("Cost(%+v) = %v, want not known", u, usd)
		}
	}
	// parts that overflow their whole together, when both are priced (gpt-4o has no cache-write price)
	c, ok := tb.Lookup("anthropic", "claude-3-5-sonnet-20241022", day)
	if !ok {
		t.Fatal("claude-3-5-sonnet not found")
	}
	if usd, ok := c.Cost(Usage{InputTokens: 100, CacheReadInputTokens: 60, CacheCreationInputTokens: 60}); ok {
		t.Errorf("claude Cost with 120 cache tokens of 100 input = %v, want not known", usd)
	}
	if usd, ok := p.Cost(Usage{}); !ok || usd != 0 {
		t.Errorf("Cost of no tokens = %v, %v; want 0, known", usd, ok)
	}
	w, ok := tb.Lookup("groq", "whisper-large-v3", day)
	if !ok {
		t.Fatal("groq whisper-large-v3 not found")
	}
	if usd, ok := w.Cost(Usage{InputTokens: 100}); ok {
		t.Errorf("whisper (priced by audio hours) Cost = %v, want not known", usd)
	}
	if usd, ok := (Price{}).Cost(Usage{InputTokens: 1}); ok {
		t.Errorf("zero Price Cost = %v, want not known", usd)
	}
}
