package llmtraceopenai

import (
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	"github.com/llmtrace/llmtrace/platform"
)

// Response is what [UsageFromOpenAI] reads: a chat completion, the last chunk of a
// stream (the usage chunk that stream_options.include_usage asks for), a Responses API
// response, an embeddings response, or a usage object of either API.
type Response interface {
	*openai.ChatCompletion | *openai.ChatCompletionChunk | *responses.Response |
		*openai.CreateEmbeddingResponse | openai.CompletionUsage | responses.ResponseUsage
}

// UsageFromOpenAI returns the token counts of resp in the platform's usage fields (seed
// 001's set_usage, platform.Usage), for code that records usage itself:
// PromptTokens = prompt_tokens / input_tokens (cached tokens included, as OpenAI reports),
// CompletionTokens = completion_tokens / output_tokens (reasoning included), TotalTokens,
// CachedTokens = the cached prompt tokens, ReasoningTokens. The response reports no cost
// and no context window, so CostUSD, ContextWindowTokens and ContextUsedTokens stay 0 (not
// reported). A nil response gives the zero Usage.
func UsageFromOpenAI[R Response](resp R) platform.Usage {
	switch r := any(resp).(type) {
	case *openai.ChatCompletion:
		if r != nil {
			return chatUsage(r.Usage)
		}
	case *openai.ChatCompletionChunk:
		if r != nil {
			return chatUsage(r.Usage)
		}
	case openai.CompletionUsage:
		return chatUsage(r)
	case *responses.Response:
		if r != nil {
			return responsesUsage(r.Usage)
		}
	case responses.ResponseUsage:
		return responsesUsage(r)
	case *openai.CreateEmbeddingResponse:
		if r != nil {
			return platform.Usage{PromptTokens: r.Usage.PromptTokens, TotalTokens: r.Usage.TotalTokens}
		}
	}
	return platform.Usage{}
}

func chatUsage(u openai.CompletionUsage) platform.Usage {
	return platform.Usage{
		PromptTokens:     u.PromptTokens,
		CompletionTokens: u.CompletionTokens,
		TotalTokens:      u.TotalTokens,
		CachedTokens:     u.PromptTokensDetails.CachedTokens,
		ReasoningTokens:  u.CompletionTokensDetails.ReasoningTokens,
	}
}

func responsesUsage(u responses.ResponseUsage) platform.Usage {
	return platform.Usage{
		PromptTokens:     u.InputTokens,
		CompletionTokens: u.OutputTokens,
		TotalTokens:      u.TotalTokens,
		CachedTokens:     u.InputTokensDetails.CachedTokens,
		ReasoningTokens:  u.OutputTokensDetails.ReasoningTokens,
	}
}
