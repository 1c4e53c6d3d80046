package mapping

import (
	"math"
	"strconv"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// spanUsage is what one span reports about its own call.
type spanUsage struct {
	u             platform.Usage
	cacheCreation int64
	converted     bool // exclusive (Anthropic-style) input counts were made inclusive
	costSource    any  // metadata.cost_source (a string, boxed once), set by Mapper.price (cost.go)
}

// hasAny reports whether some key of keys is on the span.
func (a *spanAttrs) hasAny(keys []string) bool {
	for _, k := range keys {
		if a.has(k) {
			return true
		}
	}
	return false
}

func (a *spanAttrs) firstInt(keys []string) (int64, bool) {
	bits := a.rules.listBits(keys)
	for i := range keys {
		if v, ok := a.getAt(keys, bits, i); ok {
			if n, ok := valueInt(v); ok {
				return n, true
			}
		}
	}
	return 0, false
}

// takeInt is firstInt that also marks every key of keys the span has consumed (use): one
// pass over a compiled list (readUsage takes each usage list once, with its filter bits,
// instead of a lookup per key to read it and another to consume it).
func (a *spanAttrs) takeInt(keys []string) (int64, bool) { return take(a, keys, valueInt) }

// takeFloat is takeInt for a floating-point value (valueFloat).
func (a *spanAttrs) takeFloat(keys []string) (float64, bool) { return take(a, keys, valueFloat) }

// take marks every key of keys the span has and returns the first non-empty value conv
// reads (takeInt, takeFloat).
func take[T any](a *spanAttrs, keys []string, conv func(Value) (T, bool)) (x T, found bool) {
	bits := a.rules.listBits(keys)
	for i := range keys {
		j := a.at(keys, bits, i)
		if j < 0 {
			continue
		}
		e := &a.e[j]
		e.used = true
		if !found && e.v.Kind() != ValueEmpty {
			if v, ok := conv(e.v); ok {
				x, found = v, true
			}
		}
	}
	return x, found
}

// readUsage reads the span's usage with OTel semantics: prompt includes cached and cache
// creation, completion includes reasoning, total = prompt + completion when absent. Counts
// in exclusive (Anthropic) form are made inclusive, decided in this order:
//  1. provider anthropic and the span carries Anthropic's raw usage object (see
//     rawAnthropicUsage): the span's prompt count is exclusive when it equals the raw
//     input_tokens while cache reads/writes are non-zero (AI SDK v5 copies input_tokens;
//     v6+ and OpenInference ≥ gen_ai mode report the inclusive sum); missing counts (cache
//     read, cache creation, prompt, completion) are taken from the raw object;
//  2. otherwise when cache_read + cache_creation > input, or when the span states a total
//     that counts the cache apart: total = input + output + cache_read + cache_creation
//     (Bedrock Converse semantics, which Strands Agents reports as gen_ai.usage.*: its
//     inputTokens exclude cache reads and writes, its totalTokens include them);
//  3. otherwise provider Anthropic with the AI SDK's ai.usage.* keys (v5 copies Anthropic's
//     raw input_tokens), unless the span also states the no-cache count
//     (ai.usage.inputTokenDetails.noCacheTokens), which settles the semantics.
//
// A span whose keys state no cache or reasoning count gets them from what it carries
// beside its keys: token-details attributes, else the usage object of the same call in a
// JSON attribute (tokenDetails, usage_details.go).
//
// All usage keys of every dialect are consumed.
func readUsage(a *spanAttrs, provider string) spanUsage {
	r := a.rules
	var su spanUsage
	u := &su.u
	// The usage lists are taken (read and consumed) here, once each; only tokenDetails
	// below reads what is consumed, and no usage key names a token-details object
	// (TestUsageKeysAreNoTokenDetails).
	embedding, hasEmbedding := a.takeInt(r.embeddingTokenKeys)
	prompt, hasPrompt := a.takeInt(r.promptKeys)
	if !hasPrompt && hasEmbedding {
		prompt, hasPrompt = embedding, true
	}
	completion, hasCompletion := a.takeInt(r.completionKeys)
	total, hasTotal := a.takeInt(r.totalKeys)
	if !hasTotal {
		total, hasTotal = embedding, hasEmbedding
	}
	cached, hasCached := a.takeInt(r.cachedKeys)
	creation, hasCreation := a.takeInt(r.cacheCreationKeys)
	reasoning, hasReasoning := a.takeInt(r.reasoningKeys)
	u.CostUSD, _ = a.takeFloat(r.costKeys)
	if provider == sc.ProviderAnthropic && (!hasCreation || !hasCached) {
		for _, rule := range r.anthropicCacheRules {
			w, hasW, r, hasR := rule(a)
			if hasW && !hasCreation {
				creation, hasCreation = w, true
			}
			if hasR && !hasCached {
				cached, hasCached = r, true
			}
		}
	}
	settled := false
	if provider == sc.ProviderAnthropic {
		if raw, ok := rawAnthropicUsage(a); ok {
			incl := raw.inclusive()
			switch {
			case !hasPrompt:
				prompt, hasPrompt, settled = incl, true, true
			case prompt == raw.input && incl != raw.input:
				prompt, settled = incl, true
				su.converted = true
			case prompt == incl:
				settled = true
			}
			// A prompt count that matches neither (an aggregate span summing several calls)
			// is left to the rules below; the raw object describes one call only.
			if settled {
				if !hasCached {
					cached = raw.cacheRead
				}
				if !hasCreation {
					creation = raw.cacheWrite
				}
				if !hasCompletion && raw.hasOutput {
					completion = raw.output
				}
				if hasTotal && total < prompt+completion {
					total = prompt + completion
				}
			}
		}
	}
	if !settled && hasPrompt && cached+creation > 0 {
		exclusive := cached+creation > prompt || hasTotal && hasCompletion && total == prompt+completion+cached+creation
		if !exclusive && provider == sc.ProviderAnthropic &&
			a.hasAny(r.anthropicInputKeys) {
			exclusive = true
		}
		if noCache, ok := a.firstInt(r.noCacheKeys); ok {
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
	if !settled && hasPrompt && !hasCached && !hasCreation && !hasReasoning {
		cached, creation, reasoning = tokenDetails(a, &prompt, &completion, hasCompletion, &su)
		if hasTotal && total < prompt+completion {
			total = prompt + completion
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
	return su
}

func addUsage(dst *platform.Usage, u *platform.Usage) {
	dst.PromptTokens += u.PromptTokens
	dst.CompletionTokens += u.CompletionTokens
	dst.TotalTokens += u.TotalTokens
	dst.CachedTokens += u.CachedTokens
	dst.ReasoningTokens += u.ReasoningTokens
	dst.CostUSD += u.CostUSD
}

// usageJSON is a Usage as a metadata value (usage_rollup, usage_reported): an object of
// its non-zero token counts and cost_usd (rounded), as a platform.Metadata in key order
// (the bytes encoding/json writes for the equivalent map), its entries in the call's entry
// slab.
func (c *spanCtx) usageJSON(u *platform.Usage) platform.Metadata {
	var ents [6]platform.MetadataEntry
	n := 0
	put := func(k string, v int64) {
		if v != 0 {
			ents[n] = platform.MetadataEntry{Key: k, Value: c.boxes.int(v)}
			n++
		}
	}
	// In key order: cached, completion, cost, prompt, reasoning, total.
	put("cached_tokens", u.CachedTokens)
	put("completion_tokens", u.CompletionTokens)
	if u.CostUSD != 0 {
		ents[n] = platform.MetadataEntry{Key: "cost_usd", Value: platform.RoundCostUSD(u.CostUSD)}
		n++
	}
	put("prompt_tokens", u.PromptTokens)
	put("reasoning_tokens", u.ReasoningTokens)
	put("total_tokens", u.TotalTokens)
	return c.keepEntries(ents[:n])
}

// anthropicUsage is Anthropic's own Messages API usage object (tokens), as some
// instrumentations carry it verbatim beside their own counts. By Anthropic's definition the
// three input counts are disjoint: input_tokens excludes cache reads and cache writes, so
// the inclusive (OTel) input is their sum.
type anthropicUsage struct {
	input, output, cacheRead, cacheWrite int64
	hasOutput                            bool
}

func (u anthropicUsage) inclusive() int64 { return u.input + u.cacheRead + u.cacheWrite }

// rawAnthropicUsage finds the raw Anthropic usage object a span carries: that of the first
// dialect's anthropicUsage rule that finds one (precedence.go: the Vercel AI SDK's provider
// metadata, then OpenInference's output.value). It is read only for provider anthropic; ok
// is false when the span carries none.
func rawAnthropicUsage(a *spanAttrs) (anthropicUsage, bool) {
	for _, rule := range a.rules.anthropicUsageRules {
		if u, ok := rule(a); ok {
			return u, true
		}
	}
	return anthropicUsage{}, false
}

// anthropicUsageJV reads an Anthropic usage object; input_tokens is required.
func anthropicUsageJV(u *jv) (anthropicUsage, bool) {
	var r anthropicUsage
	in, ok := jvInt(u.get("input_tokens"))
	if !ok {
		return r, false
	}
	r.input = in
	r.output, r.hasOutput = jvInt(u.get("output_tokens"))
	r.cacheRead, _ = jvInt(u.get("cache_read_input_tokens"))
	r.cacheWrite, _ = jvInt(u.get("cache_creation_input_tokens"))
	return r, true
}

// jvInt returns a JSON number that is a non-negative integral token count.
func jvInt(v *jv) (int64, bool) {
	if v == nil || v.k != 'n' {
		return 0, false
	}
	if n, err := strconv.ParseInt(v.s, 10, 64); err == nil {
		return n, n >= 0
	}
	f, err := strconv.ParseFloat(v.s, 64)
	if err != nil || f < 0 || f >= 1<<53 || f != math.Trunc(f) {
		return 0, false
	}
	return int64(f), true
}
