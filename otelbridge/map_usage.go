package otelbridge

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Usage sources per field, first present wins (reference §6.3). A span carrying several
// dialects with the same numbers (gen_ai.* + ai.usage.*, gen_ai.* + llm.token_count.*) is
// therefore counted once.
var (
	promptKeys = []string{sc.GenAIUsageInputTokens, sc.GenAIUsagePromptTokens, sc.OITokenPrompt,
		sc.AIUsageInputTokens, sc.AIUsagePromptTokens}
	completionKeys = []string{sc.GenAIUsageOutputTokens, sc.GenAIUsageCompletionTokens, sc.OITokenCompletion,
		sc.AIUsageOutputTokens, sc.AIUsageCompletionToks}
	totalKeys  = []string{sc.GenAIUsageTotalTokens, sc.TLUsageTotalTokens, sc.OITokenTotal, sc.AIUsageTotalTokens}
	cachedKeys = []string{sc.GenAIUsageCacheReadInputTokens, sc.GenAIUsageCacheReadOld, sc.OITokenCacheRead,
		sc.GenAIUsageInputDetailsCache, sc.GenAIUsageInputCachedSentry, sc.AIUsageCachedInput, sc.AIUsageCacheRead,
		sc.TLUsageCacheRead}
	cacheCreationKeys = []string{sc.GenAIUsageCacheCreationTokens, sc.GenAIUsageCacheCreationOld,
		sc.OITokenCacheWrite, sc.AIUsageCacheWrite}
	reasoningKeys = []string{sc.GenAIUsageReasoningTokens, sc.GenAIUsageReasoningOld, sc.OITokenReasoning,
		sc.GenAIUsageReasoningSentry, sc.AIUsageReasoning, sc.AIUsageReasoningDet}
	costKeys = []string{sc.OICostTotal, sc.GenAIUsageCost, sc.GenAIUsageTotalCost}
)

// spanUsage is what one span reports about its own call.
type spanUsage struct {
	u             Usage
	cacheCreation int64
	converted     bool // exclusive (Anthropic-style) input counts were made inclusive
}

func (a *spanAttrs) firstInt(keys []string) (int64, bool) {
	for _, k := range keys {
		if v, ok := a.get(k); ok {
			if n, ok := valueInt(v); ok {
				return n, true
			}
		}
	}
	return 0, false
}

// readUsage reads the span's usage with OTel semantics: prompt includes cached and cache
// creation, completion includes reasoning, total = prompt + completion when absent. Counts
// in exclusive form are converted: when cache_read + cache_creation > input, or when the
// provider is Anthropic and the count comes from the AI SDK's ai.usage.* keys, which copy
// Anthropic's raw input_tokens (cache excluded) — unless the span also states the
// no-cache count (ai.usage.inputTokenDetails.noCacheTokens), which settles the semantics.
// All usage keys of every dialect are consumed.
func readUsage(a *spanAttrs, provider string) spanUsage {
	var su spanUsage
	u := &su.u
	prompt, hasPrompt := a.firstInt(promptKeys)
	if !hasPrompt {
		if n, ok := a.firstInt([]string{sc.AIUsageTokens}); ok { // embeddings
			prompt, hasPrompt = n, true
		}
	}
	completion, _ := a.firstInt(completionKeys)
	total, hasTotal := a.firstInt(totalKeys)
	if !hasTotal {
		total, hasTotal = a.firstInt([]string{sc.AIUsageTokens})
	}
	cached, _ := a.firstInt(cachedKeys)
	creation, _ := a.firstInt(cacheCreationKeys)
	reasoning, _ := a.firstInt(reasoningKeys)
	if hasPrompt && cached+creation > 0 {
		exclusive := cached+creation > prompt
		if !exclusive && provider == sc.ProviderAnthropic &&
			(a.has(sc.AIUsagePromptTokens) || a.has(sc.AIUsageInputTokens) || a.has(sc.AIUsageCachedInput)) {
			exclusive = true
		}
		if noCache, ok := a.firstInt([]string{sc.AIUsageNoCacheTokens}); ok {
			exclusive = noCache == prompt
		}
		if exclusive {
			prompt += cached + creation
			su.converted = true
			if hasTotal && total < prompt+completion {
				total = prompt + completion
			}
		}
	}
	if reasoning > 0 && completion > 0 && reasoning > completion {
		completion += reasoning // exclusive reasoning count
	}
	u.PromptTokens, u.CompletionTokens = prompt, completion
	if !hasTotal {
		total = prompt + completion
	}
	u.TotalTokens = total
	u.CachedTokens, u.ReasoningTokens = cached, reasoning
	su.cacheCreation = creation
	for _, k := range costKeys {
		if v, ok := a.get(k); ok {
			if f, ok := valueFloat(v); ok {
				u.CostUSD = f
				break
			}
		}
	}
	for _, list := range [][]string{promptKeys, completionKeys, totalKeys, cachedKeys, cacheCreationKeys, reasoningKeys, costKeys, {sc.AIUsageTokens}} {
		a.use(list...)
	}
	return su
}

func addUsage(dst *Usage, u *Usage) {
	dst.PromptTokens += u.PromptTokens
	dst.CompletionTokens += u.CompletionTokens
	dst.TotalTokens += u.TotalTokens
	dst.CachedTokens += u.CachedTokens
	dst.ReasoningTokens += u.ReasoningTokens
	dst.CostUSD += u.CostUSD
}

// usageJSON is a Usage as a metadata value (usage_rollup).
func usageJSON(u *Usage) map[string]any {
	m := map[string]any{}
	put := func(k string, v int64) {
		if v != 0 {
			m[k] = v
		}
	}
	put("prompt_tokens", u.PromptTokens)
	put("completion_tokens", u.CompletionTokens)
	put("total_tokens", u.TotalTokens)
	put("cached_tokens", u.CachedTokens)
	put("reasoning_tokens", u.ReasoningTokens)
	if u.CostUSD != 0 {
		m["cost_usd"] = u.CostUSD
	}
	return m
}
