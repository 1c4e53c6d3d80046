package mapping

import (
	"strings"

	sc "github.com/llmtrace/llmtrace/semconv"
)

// aiSDKAnthropicCache reads the cache counts the Vercel AI SDK v4 keeps only in
// ai.response.providerMetadata for @ai-sdk/anthropic v1 calls:
// {"anthropic":{"cacheCreationInputTokens":n,"cacheReadInputTokens":m}} (vercel/ai v4
// packages/anthropic/src/anthropic-messages-language-model.ts, `providerMetadata:
// {anthropic: {cacheCreationInputTokens: response.usage.cache_creation_input_tokens ?? null,
// cacheReadInputTokens: response.usage.cache_read_input_tokens ?? null}}`). Later versions
// also carry Anthropic's raw usage object there, read by rawAnthropicUsage. Each count fills
// in a write (cache creation) or read count the span's attributes did not report.
func aiSDKAnthropicCache(a *spanAttrs, write *int64, hasWrite *bool, read *int64, hasRead *bool) {
	v, ok := a.get(sc.AIResponseProviderMD)
	if !ok || v.Kind() != ValueStr || !strings.Contains(v.Str(), "InputTokens") {
		return
	}
	j, ok := parseJSON(v.Str())
	if !ok {
		return
	}
	anth := j.get("anthropic")
	if n, ok := jvInt(anth.get("cacheCreationInputTokens")); ok && !*hasWrite {
		*write, *hasWrite = n, true
	}
	if n, ok := jvInt(anth.get("cacheReadInputTokens")); ok && !*hasRead {
		*read, *hasRead = n, true
	}
}
