package llmtraceanthropic

import (
	"encoding/json"

	"go.opentelemetry.io/otel/attribute"

	"github.com/llmtrace/llmtrace/semconv"
)

// usage is Anthropic's "usage" object (or a message_delta's), pointers telling a count
// that is present from one that is not.
type usage struct {
	InputTokens              *int64 `json:"input_tokens"`
	CacheCreationInputTokens *int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int64 `json:"cache_read_input_tokens"`
	OutputTokens             *int64 `json:"output_tokens"`
	OutputTokensDetails      *struct {
		ThinkingTokens *int64 `json:"thinking_tokens"`
	} `json:"output_tokens_details"`
}

// merge overwrites u's counts with those present in d: every count of a message_delta is
// a cumulative whole-message total (as anthropic-sdk-go's Message.Accumulate reads them).
func (u *usage) merge(d *usage) {
	if d == nil {
		return
	}
	for _, p := range []struct{ dst, src **int64 }{
		{&u.InputTokens, &d.InputTokens}, {&u.CacheCreationInputTokens, &d.CacheCreationInputTokens},
		{&u.CacheReadInputTokens, &d.CacheReadInputTokens}, {&u.OutputTokens, &d.OutputTokens},
	} {
		if *p.src != nil {
			*p.dst = *p.src
		}
	}
	if d.OutputTokensDetails != nil {
		u.OutputTokensDetails = d.OutputTokensDetails
	}
}

func val(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// attributes appends the gen_ai.usage.* attributes with the conventions' inclusive input
// count: input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
func (u *usage) attributes(attrs []attribute.KeyValue) []attribute.KeyValue {
	cacheRead, cacheWrite := val(u.CacheReadInputTokens), val(u.CacheCreationInputTokens)
	attrs = append(attrs,
		attribute.Int64(semconv.GenAIUsageInputTokens, val(u.InputTokens)+cacheRead+cacheWrite),
		attribute.Int64(semconv.GenAIUsageOutputTokens, val(u.OutputTokens)))
	if cacheRead != 0 {
		attrs = append(attrs, attribute.Int64(semconv.GenAIUsageCacheReadInputTokens, cacheRead))
	}
	if cacheWrite != 0 {
		attrs = append(attrs, attribute.Int64(semconv.GenAIUsageCacheCreationTokens, cacheWrite))
	}
	if d := u.OutputTokensDetails; d != nil && val(d.ThinkingTokens) != 0 {
		attrs = append(attrs, attribute.Int64(semconv.GenAIUsageReasoningTokens, val(d.ThinkingTokens)))
	}
	return attrs
}

// wireMessage is a Message as the API sends it.
type wireMessage struct {
	ID         string  `json:"id"`
	Model      string  `json:"model"`
	StopReason string  `json:"stop_reason"`
	Content    []block `json:"content"`
	Usage      *usage  `json:"usage"`
}

// message reads a JSON reply.
func (c *call) message(b []byte) {
	var m wireMessage
	if json.Unmarshal(b, &m) != nil {
		return
	}
	c.id, c.model, c.stopReason = m.ID, m.Model, m.StopReason
	if m.Usage != nil {
		c.usage, c.hasUsage = *m.Usage, true
	}
	if c.s.capture {
		c.output = parts(m.Content)
	}
}
