package llmtraceanthropic

import (
	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/llmtrace/llmtrace/platform"
)

// Response is what [UsageFromAnthropic] reads: a Message (from Messages.New, or
// accumulated from a stream with Message.Accumulate), a beta Message, or their usage
// objects.
type Response interface {
	*anthropic.Message | *anthropic.BetaMessage | anthropic.Usage | anthropic.BetaUsage
}

// UsageFromAnthropic returns the token counts of resp in the platform's usage fields (seed
// 001's set_usage, platform.Usage), for code that records usage itself, made inclusive
// as the platform and the OpenTelemetry conventions count them: PromptTokens =
// input_tokens + cache_read_input_tokens + cache_creation_input_tokens (Anthropic's
// input_tokens leaves both cache counts out), CachedTokens = cache_read_input_tokens,
// CompletionTokens = output_tokens (thinking included), ReasoningTokens =
// output_tokens_details.thinking_tokens, TotalTokens = PromptTokens + CompletionTokens.
// The response reports no cost and no context window, so CostUSD, ContextWindowTokens and
// ContextUsedTokens stay 0 (not reported). A nil Message gives the zero Usage.
func UsageFromAnthropic[R Response](resp R) platform.Usage {
	switch r := any(resp).(type) {
	case *anthropic.Message:
		if r != nil {
			return usageOf(r.Usage.InputTokens, r.Usage.CacheReadInputTokens, r.Usage.CacheCreationInputTokens,
				r.Usage.OutputTokens, r.Usage.OutputTokensDetails.ThinkingTokens)
		}
	case anthropic.Usage:
		return usageOf(r.InputTokens, r.CacheReadInputTokens, r.CacheCreationInputTokens, r.OutputTokens, r.OutputTokensDetails.ThinkingTokens)
	case *anthropic.BetaMessage:
		if r != nil {
			return usageOf(r.Usage.InputTokens, r.Usage.CacheReadInputTokens, r.Usage.CacheCreationInputTokens,
				r.Usage.OutputTokens, r.Usage.OutputTokensDetails.ThinkingTokens)
		}
	case anthropic.BetaUsage:
		return usageOf(r.InputTokens, r.CacheReadInputTokens, r.CacheCreationInputTokens, r.OutputTokens, r.OutputTokensDetails.ThinkingTokens)
	}
	return platform.Usage{}
}

func usageOf(input, cacheRead, cacheCreation, output, thinking int64) platform.Usage {
	prompt := input + cacheRead + cacheCreation
	return platform.Usage{
		PromptTokens:     prompt,
		CompletionTokens: output,
		TotalTokens:      prompt + output,
		CachedTokens:     cacheRead,
		ReasoningTokens:  thinking,
	}
}
