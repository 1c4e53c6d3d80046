package mapping

import (
	"strings"
)

// Usage objects and token details (issue 18): the token counts a provider or SDK reports as
// one JSON object, wherever it sits — a provider response body's usage member, an SDK's usage
// record copied into a JSON attribute, or a flat attribute holding only the details — read
// with OTel semantics (input includes cache reads and writes, output includes reasoning;
// semconv gen_ai.usage.*). Each source's own definition decides what is a subset and what
// is counted apart:
//
//   - OpenAI Chat Completions usage {prompt_tokens, completion_tokens, total_tokens,
//     prompt_tokens_details: {cached_tokens}, completion_tokens_details: {reasoning_tokens}}
//     and Responses usage {input_tokens, output_tokens, total_tokens, input_tokens_details:
//     {cached_tokens}, output_tokens_details: {reasoning_tokens}} (OpenAI API reference, "The
//     chat completion object", "The response object"): details are subsets;
//   - LangChain's UsageMetadata {input_tokens, output_tokens, total_tokens,
//     input_token_details: {cache_read, cache_creation, audio}, output_token_details:
//     {reasoning, audio}} (langchain-core messages/ai.py; langsmith's wrapOpenAI writes it,
//     with a service-tier prefix on the detail names, "priority_cache_read"; its OTel
//     exporter copies the two details as the JSON attributes gen_ai.usage.input_token_details
//     / gen_ai.usage.output_token_details, langsmith experimental/otel/translator.ts):
//     details are subsets ("input_tokens: sum of all input token types");
//   - Anthropic Messages usage {input_tokens, output_tokens, cache_read_input_tokens,
//     cache_creation_input_tokens} and Bedrock Converse TokenUsage {inputTokens,
//     outputTokens, totalTokens, cacheReadInputTokens, cacheWriteInputTokens}: the cache
//     counts are NOT in the input count — added (metadata.usage_converted);
//   - Gemini GenerateContentResponse.usageMetadata {promptTokenCount, candidatesTokenCount,
//     totalTokenCount, cachedContentTokenCount, thoughtsTokenCount} (Gemini API reference,
//     UsageMetadata): promptTokenCount includes the cached content; thoughtsTokenCount is NOT
//     in candidatesTokenCount — added to the output (metadata.usage_converted).

// Usage-object member names, in the order they are taken.
var (
	uoPromptNames     = []string{"input_tokens", "prompt_tokens", "inputTokens", "promptTokens", "promptTokenCount"}
	uoCompletionNames = []string{"output_tokens", "completion_tokens", "outputTokens", "completionTokens", "candidatesTokenCount"}
	uoTotalNames      = []string{"total_tokens", "totalTokens", "totalTokenCount"}
	// Counted apart from the input count (Anthropic, Bedrock Converse).
	uoExclReadNames  = []string{"cache_read_input_tokens", "cacheReadInputTokens"}
	uoExclWriteNames = []string{"cache_creation_input_tokens", "cacheWriteInputTokens"}
	// Gemini: a subset of the prompt; thoughts counted apart from the candidates.
	uoCachedNames   = []string{"cachedContentTokenCount"}
	uoThoughtsNames = []string{"thoughtsTokenCount"}
	// Members of a token-details object (input side, output side).
	detCachedNames    = []string{"cached_tokens", "cache_read", "cached", "cache_read_tokens", "cachedTokens", "cacheReadTokens"}
	detCacheWriteName = []string{"cache_creation", "cache_write", "cache_creation_tokens", "cache_write_tokens", "cacheWriteTokens"}
	detReasoningNames = []string{"reasoning_tokens", "reasoning", "reasoningTokens"}
	// The members of a JSON object that hold its usage object (provider bodies, SDK records).
	usageMembers = []string{"usage", "usage_metadata", "usageMetadata"}
)

// tokenFields are the counts found in one place, each as its source defines it.
type tokenFields struct {
	prompt, completion, total          int64
	hasPrompt, hasCompletion, hasTotal bool
	// exclRead / exclWrite: cache reads / writes counted apart from prompt (Anthropic);
	// cached / cacheWrite: subsets of prompt (details, Gemini); reasoning: a subset of
	// completion; thoughts: reasoning counted apart from completion (Gemini).
	exclRead, exclWrite, cached, cacheWrite, reasoning, thoughts int64
}

// usage returns the counts with OTel semantics: prompt includes cache reads and writes,
// completion includes reasoning (counts a source keeps apart are added, converted set),
// total = prompt + completion when absent or smaller.
func (f tokenFields) usage() (spanUsage, bool) {
	var su spanUsage
	if !f.hasPrompt && !f.hasCompletion {
		return su, false
	}
	su.u.PromptTokens = f.prompt + f.exclRead + f.exclWrite
	su.u.CompletionTokens = f.completion + f.thoughts
	su.converted = f.exclRead+f.exclWrite+f.thoughts > 0
	su.u.CachedTokens = f.exclRead + f.cached
	su.cacheCreation = f.exclWrite + f.cacheWrite
	su.u.ReasoningTokens = f.reasoning + f.thoughts
	su.u.TotalTokens = f.total
	if !f.hasTotal || f.total < su.u.PromptTokens+su.u.CompletionTokens {
		su.u.TotalTokens = su.u.PromptTokens + su.u.CompletionTokens
	}
	return su, true
}

// jvCount returns the first member of names that is a token count.
func jvCount(o *jv, names []string) (int64, bool) {
	for _, n := range names {
		if c, ok := jvInt(o.get(n)); ok {
			return c, true
		}
	}
	return 0, false
}

// usageObject reads the token counts of one usage object; ok is false when it holds no
// input or output count.
func usageObject(o *jv) (tokenFields, bool) {
	var f tokenFields
	if o == nil || o.k != 'o' {
		return f, false
	}
	f.prompt, f.hasPrompt = jvCount(o, uoPromptNames)
	f.completion, f.hasCompletion = jvCount(o, uoCompletionNames)
	if !f.hasPrompt && !f.hasCompletion {
		return f, false
	}
	f.total, f.hasTotal = jvCount(o, uoTotalNames)
	f.exclRead, _ = jvCount(o, uoExclReadNames)
	f.exclWrite, _ = jvCount(o, uoExclWriteNames)
	f.cached, _ = jvCount(o, uoCachedNames)
	f.thoughts, _ = jvCount(o, uoThoughtsNames)
	for i, k := range o.keys {
		if side := detailsSide(k); side != 0 {
			f.addDetails(side, &o.vals[i])
		}
	}
	return f, true
}

// detailsSide reports whether a member or attribute-key segment names a token-details
// object ("…_token_details", "…_tokens_details", "…TokenDetails", "…TokensDetails") and
// of which side: 'i' input (input…, prompt…), 'o' output (output…, completion…,
// candidates…), 0 neither.
func detailsSide(name string) byte {
	n := len(name)
	if n < 8 || name[n-1] != 's' {
		return 0
	}
	var stem string
	switch {
	case strings.HasSuffix(name, "_token_details"):
		stem = name[:n-len("_token_details")]
	case strings.HasSuffix(name, "_tokens_details"):
		stem = name[:n-len("_tokens_details")]
	case strings.HasSuffix(name, "TokenDetails"):
		stem = name[:n-len("TokenDetails")]
	case strings.HasSuffix(name, "TokensDetails"):
		stem = name[:n-len("TokensDetails")]
	default:
		return 0
	}
	switch strings.ToLower(stem) {
	case "input", "prompt":
		return 'i'
	case "output", "completion", "candidates":
		return 'o'
	}
	return 0
}

// addDetails reads a token-details object (subsets of its side's count). A detail name may
// carry a service-tier prefix ("priority_cache_read": langsmith wrapOpenAI).
func (f *tokenFields) addDetails(side byte, d *jv) {
	if d == nil || d.k != 'o' {
		return
	}
	if side == 'i' {
		if c, ok := detailCount(d, detCachedNames); ok && f.cached == 0 {
			f.cached = c
		}
		if c, ok := detailCount(d, detCacheWriteName); ok && f.cacheWrite == 0 {
			f.cacheWrite = c
		}
		return
	}
	if c, ok := detailCount(d, detReasoningNames); ok && f.reasoning == 0 {
		f.reasoning = c
	}
}

// detailCount returns the count of the first of names in d, else of a member named
// "<tier>_<name>".
func detailCount(d *jv, names []string) (int64, bool) {
	if c, ok := jvCount(d, names); ok {
		return c, true
	}
	for i, k := range d.keys {
		for _, n := range names {
			if len(k) > len(n)+1 && strings.HasSuffix(k, n) && k[len(k)-len(n)-1] == '_' {
				if c, ok := jvInt(&d.vals[i]); ok {
					return c, true
				}
			}
		}
	}
	return 0, false
}

// usageIn returns the usage object of a JSON value: the value itself when it holds a token
// count, else its usage / usage_metadata / usageMetadata member.
func usageIn(o *jv) (tokenFields, bool) {
	if f, ok := usageObject(o); ok {
		return f, true
	}
	for _, m := range usageMembers {
		if f, ok := usageObject(o.get(m)); ok {
			return f, true
		}
	}
	return tokenFields{}, false
}

// maybeUsageJSON is the cheap test before a string attribute is parsed in search of a
// usage object: a JSON object (first non-space byte '{') that mentions a token count
// ("…okens", "…TokenCount"), at most maxFallbackJSON bytes.
func maybeUsageJSON(v Value) bool {
	if v.Kind() != ValueStr {
		return false
	}
	s := v.Str()
	if len(s) > maxFallbackJSON || !looksLikeObject(s) {
		return false
	}
	return strings.Contains(s, "okens") || strings.Contains(s, "TokenCount")
}

// looksLikeObject reports whether s starts (after white space) like a JSON object.
func looksLikeObject(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return s[i] == '{'
	}
	return false
}

// jsonUsageAttr returns the first usage object found in a JSON attribute (lowest key
// first), and that key; ok false when none holds one.
func jsonUsageAttr(a *spanAttrs) (f tokenFields, obj jv, key string, ok bool) {
	for i := range a.e {
		k, v := a.e[i].k, a.e[i].v
		if (ok && k > key) || !maybeUsageJSON(v) {
			continue
		}
		o := a.parsed(v.Str()) // kept for the span's build (provider bodies read the same attribute)
		if o == nil {
			continue
		}
		if g, found := usageIn(o); found {
			f, obj, key, ok = g, *o, k, true
		}
	}
	return f, obj, key, ok
}

// tokenDetails fills in the cache and reasoning counts of a usage read from the dialects'
// keys that reported none (readUsage), from what the span carries beside them:
//  1. flat attributes whose last key segment names a token-details object holding JSON
//     (gen_ai.usage.input_token_details = {"cache_read": 8}: langsmith's OTel exporter),
//     consumed;
//  2. else the usage object inside a JSON attribute (a provider response body, an SDK's
//     usage record: Google ADK's gcp.vertex.agent.llm_response with Gemini usageMetadata
//     beside gen_ai.usage.input_tokens = promptTokenCount and gen_ai.usage.output_tokens =
//     candidatesTokenCount, adk-js telemetry/tracing.ts traceCallLlm), when it describes the
//     same call: its input count equals the span's (as sent, or with the cache counts it
//     keeps apart added) and so does its output count. Counts the object keeps apart that
//     the span copied as they were are added (converted).
func tokenDetails(a *spanAttrs, prompt, completion *int64, hasCompletion bool, su *spanUsage) (cached, creation, reasoning int64) {
	var f tokenFields
	// objects: some attribute is a string that looks like a JSON object, which step 2
	// (jsonUsageAttr: maybeUsageJSON) needs; without one it is skipped.
	found, objects := false, false
	for i := range a.e {
		e := &a.e[i]
		if !objects && e.v.Kind() == ValueStr && looksLikeObject(e.v.Str()) {
			objects = true
		}
		// A token-details name (detailsSide) ends in 's' and has eight bytes at least.
		if n := len(e.k); n < 8 || e.k[n-1] != 's' || e.used {
			continue
		}
		side := detailsSide(lastSegment(e.k))
		if side == 0 {
			continue
		}
		var d jv
		switch {
		case e.v.Kind() == ValueMap:
			d = valueJV(e.v, false, 0)
		case e.v.Kind() == ValueStr && looksLikeObject(e.v.Str()):
			p := a.parsed(e.v.Str())
			if p == nil {
				continue
			}
			d = *p
		default:
			continue
		}
		f.addDetails(side, &d)
		e.used, found = true, true
	}
	if found {
		return f.cached, f.cacheWrite, f.reasoning
	}
	if !objects {
		return 0, 0, 0
	}
	g, _, _, ok := jsonUsageAttr(a)
	if !ok {
		return 0, 0, 0
	}
	return sameCallDetails(g, prompt, completion, hasCompletion, su)
}

// sameCallDetails returns the cache and reasoning counts of the usage object g when it
// describes the call whose counts are prompt and completion: g's input count equals the
// call's (as sent, or with the cache counts g keeps apart added) and so does its output
// count (with or without the thoughts g keeps apart); 0, 0, 0 otherwise (another call's
// usage). Counts g keeps apart that the call copied as they were are added to prompt /
// completion (su.converted).
func sameCallDetails(g tokenFields, prompt, completion *int64, hasCompletion bool, su *spanUsage) (cached, creation, reasoning int64) {
	if !g.hasPrompt {
		return 0, 0, 0
	}
	inclPrompt := g.prompt + g.exclRead + g.exclWrite
	p, c, converted := *prompt, *completion, false
	switch p {
	case inclPrompt:
	case g.prompt: // exclusive counts copied as they were
		if inclPrompt != g.prompt {
			p, converted = inclPrompt, true
		}
	default:
		return 0, 0, 0 // another call's usage
	}
	if hasCompletion && g.hasCompletion {
		switch c {
		case g.completion + g.thoughts:
		case g.completion:
			if g.thoughts > 0 {
				c, converted = c+g.thoughts, true
			}
		default:
			return 0, 0, 0
		}
	}
	*prompt, *completion = p, c
	if converted {
		su.converted = true
	}
	return g.exclRead + g.cached, g.exclWrite + g.cacheWrite, g.reasoning + g.thoughts
}
