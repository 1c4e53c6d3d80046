package prices

import (
	"testing"
	"time"
)

// BenchmarkLookupCost is the per-llm-span work: Lookup (cached by provider and model) and Cost.
// BenchmarkAnchorMapLookup, in the same run, is a plain map lookup by the same key: the floor.
func BenchmarkLookupCost(b *testing.B) {
	tb := Vendored()
	at := time.Date(2026, 11, 21, 23, 34, 35, 0, time.UTC)
	u := Usage{InputTokens: 5000, CacheReadInputTokens: 3000, CacheCreationInputTokens: 1200, OutputTokens: 700, ReasoningOutputTokens: 200}
	for _, c := range []struct{ name, provider, model string }{
		{"openai", "openai", "gpt-4o-mini-2024-07-18"},
		{"anthropic-tiered", "anthropic", "claude-sonnet-4-5-20250929"},
		{"deepseek-time-of-day", "deepseek", "deepseek-chat"},
		{"unknown", "vllm", "qwen2.5-7b-instruct"},
	} {
		b.Run(c.name, func(b *testing.B) {
			tb.Lookup(c.provider, c.model, at)
			b.ReportAllocs()
			var sum float64
			for b.Loop() {
				if p, ok := tb.Lookup(c.provider, c.model, at); ok {
					usd, _ := p.Cost(u)
					sum += usd
				}
			}
			_ = sum
		})
	}
}

// BenchmarkLookupUncached is a cache miss: the whole search of the table for one name.
func BenchmarkLookupUncached(b *testing.B) {
	tb := Vendored()
	for _, c := range []struct{ name, provider, model string }{
		{"openai", "openai", "gpt-4o-mini-2024-07-18"},
		{"bedrock-prefixed", "aws.bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"},
		{"unknown", "vllm", "qwen2.5-7b-instruct"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tb.resolve(c.provider, c.model)
			}
		})
	}
}

func BenchmarkAnchorMapLookup(b *testing.B) {
	m := map[lookupKey]*modelInfo{{"openai", "gpt-4o-mini-2024-07-18"}: {id: "gpt-4o-mini"}}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if m[lookupKey{"openai", "gpt-4o-mini-2024-07-18"}] != nil {
			n++
		}
	}
	_ = n
}
