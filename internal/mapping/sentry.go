package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// sentry is the cache and reasoning counts Sentry's SDKs write under gen_ai.usage with
// names of their own (gen_ai.usage.input_tokens.cached, gen_ai.usage.output_tokens.reasoning;
// semconv/genai_deprecated.go), and the gen_ai.usage.input_tokens_details.cached form of the
// same count, ranked after the official and deprecated gen_ai names and OpenInference's.
var sentry = &dialect{
	name: "sentry gen_ai usage",
	usageKeys: usageKeys{
		cached:    []string{sc.GenAIUsageInputDetailsCache, sc.GenAIUsageInputCachedSentry},
		reasoning: []string{sc.GenAIUsageReasoningSentry},
	},
}
