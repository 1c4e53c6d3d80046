package llmtraceopenai

import (
	"encoding/json"

	"go.opentelemetry.io/otel/attribute"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
	"github.com/llmtrace/llmtrace/semconv"
)

// usage is OpenAI's "usage" object of either API (Chat Completions and embeddings name the
// counts prompt_/completion_tokens, the Responses API input_/output_tokens). OpenAI's
// prompt and input counts include the cached tokens and its completion and output counts
// include the reasoning tokens, as the conventions define gen_ai.usage.*.
type usage struct {
	PromptTokens        int64 `json:"prompt_tokens"`
	CompletionTokens    int64 `json:"completion_tokens"`
	InputTokens         int64 `json:"input_tokens"`
	OutputTokens        int64 `json:"output_tokens"`
	TotalTokens         int64 `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens     int64 `json:"cached_tokens"`
		CacheWriteTokens int64 `json:"cache_write_tokens"`
	} `json:"prompt_tokens_details"`
	InputTokensDetails struct {
		CachedTokens     int64 `json:"cached_tokens"`
		CacheWriteTokens int64 `json:"cache_write_tokens"`
	} `json:"input_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens int64 `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
	OutputTokensDetails struct {
		ReasoningTokens int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

// counts returns input, output, cache read, cache write and reasoning tokens.
func (u *usage) counts() (in, out, cacheRead, cacheWrite, reasoning int64) {
	return u.PromptTokens + u.InputTokens, u.CompletionTokens + u.OutputTokens,
		u.PromptTokensDetails.CachedTokens + u.InputTokensDetails.CachedTokens,
		u.PromptTokensDetails.CacheWriteTokens + u.InputTokensDetails.CacheWriteTokens,
		u.CompletionTokensDetails.ReasoningTokens + u.OutputTokensDetails.ReasoningTokens
}

// attributes appends the gen_ai.usage.* attributes: input tokens, output tokens (not for
// embeddings, which have none), the cache and reasoning subsets when not zero.
func (u *usage) attributes(attrs []attribute.KeyValue, output bool) []attribute.KeyValue {
	if u == nil {
		return attrs
	}
	in, out, cacheRead, cacheWrite, reasoning := u.counts()
	attrs = append(attrs, attribute.Int64(semconv.GenAIUsageInputTokens, in))
	if output {
		attrs = append(attrs, attribute.Int64(semconv.GenAIUsageOutputTokens, out))
	}
	for _, kv := range []struct {
		key string
		n   int64
	}{
		{semconv.GenAIUsageCacheReadInputTokens, cacheRead},
		{semconv.GenAIUsageCacheCreationTokens, cacheWrite},
		{semconv.GenAIUsageReasoningTokens, reasoning},
	} {
		if kv.n != 0 {
			attrs = append(attrs, attribute.Int64(kv.key, kv.n))
		}
	}
	return attrs
}

type chatChoice struct {
	Index        int             `json:"index"`
	Message      chatWireMessage `json:"message"`
	FinishReason string          `json:"finish_reason"`
}

// response reads a JSON reply of the call's endpoint.
func (c *call) response(b []byte) {
	switch c.ep {
	case chatCompletions:
		var r struct {
			ID                string       `json:"id"`
			Model             string       `json:"model"`
			ServiceTier       string       `json:"service_tier"`
			SystemFingerprint string       `json:"system_fingerprint"`
			Choices           []chatChoice `json:"choices"`
			Usage             *usage       `json:"usage"`
		}
		if json.Unmarshal(b, &r) != nil {
			return
		}
		c.id, c.model, c.serviceTier, c.fingerprint, c.usage = r.ID, r.Model, r.ServiceTier, r.SystemFingerprint, r.Usage
		for _, ch := range r.Choices {
			c.finish = append(c.finish, ch.FinishReason)
			if c.s.capture {
				parts := contentParts(ch.Message.Content)
				if ch.Message.Refusal != "" {
					parts = append(parts, genaiclient.Part{"type": "refusal", "content": ch.Message.Refusal})
				}
				for _, tc := range ch.Message.ToolCalls {
					parts = append(parts, genaiclient.ToolCallPart(tc.ID, tc.Function.Name, genaiclient.Arguments(tc.Function.Arguments)))
				}
				if parts == nil {
					parts = []genaiclient.Part{}
				}
				c.output = append(c.output, genaiclient.Message{Role: "assistant", Parts: parts, FinishReason: outputFinishReason(ch.FinishReason)})
			}
		}
	case responsesAPI:
		c.responsesObject(b)
	case embeddingsAPI:
		var r struct {
			Model string `json:"model"`
			Usage *usage `json:"usage"`
		}
		if json.Unmarshal(b, &r) != nil {
			return
		}
		c.model, c.usage = r.Model, r.Usage
	}
}

// responsesObject reads a Responses API response object (a JSON reply, or the response of
// a stream's response.completed / .incomplete / .failed event). The API has no finish
// reason; the span's is derived from status, in the output-message schema's vocabulary:
// completed → "stop" ("tool_call" when the output holds a function call), incomplete →
// incomplete_details.reason ("max_output_tokens" → "length"), failed → "error".
func (c *call) responsesObject(b []byte) {
	var r struct {
		ID                string          `json:"id"`
		Model             string          `json:"model"`
		Status            string          `json:"status"`
		ServiceTier       string          `json:"service_tier"`
		Output            []responsesItem `json:"output"`
		Usage             *usage          `json:"usage"`
		IncompleteDetails *struct {
			Reason string `json:"reason"`
		} `json:"incomplete_details"`
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &r) != nil {
		return
	}
	c.id, c.model, c.serviceTier = r.ID, r.Model, r.ServiceTier
	if r.Status == "queued" || r.Status == "in_progress" {
		return // response.created / response.in_progress: the response is not there yet
	}
	c.usage = r.Usage
	parts, toolCall := responsesOutputParts(r.Output)
	reason := semconv.FinishStop
	switch {
	case r.Status == "failed":
		reason = semconv.FinishError
		if r.Error != nil {
			genaiclient.RecordFailure(c.span, r.Error.Code, r.Error.Message)
		}
	case r.Status == "incomplete" && r.IncompleteDetails != nil:
		reason = r.IncompleteDetails.Reason
		if reason == "max_output_tokens" {
			reason = semconv.FinishLength
		}
	case toolCall:
		reason = semconv.FinishToolCall
	}
	c.finish = []string{reason}
	if c.s.capture {
		c.output = []genaiclient.Message{{Role: "assistant", Parts: parts, FinishReason: reason}}
	}
}
