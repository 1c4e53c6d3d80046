package fakellm

import (
	"encoding/json"
	"strconv"
)

// ToolCall is one function call a model makes: its call id, the function's name and its
// arguments as a JSON text.
type ToolCall struct {
	ID, Name, Arguments string
}

// OpenAIUsage are the token counts of an OpenAI reply (prompt_tokens includes cached,
// completion_tokens includes reasoning, as OpenAI reports them).
type OpenAIUsage struct {
	Prompt, Completion, Cached, CacheWrite, Reasoning int64
}

// OpenAIChat is one chat completion (or Responses API response) to serve.
type OpenAIChat struct {
	ID, Model, Text string
	ToolCalls       []ToolCall
	FinishReason    string // "stop" when empty, "tool_calls" when ToolCalls are set
	Usage           OpenAIUsage
}

func (c OpenAIChat) finish() string {
	switch {
	case c.FinishReason != "":
		return c.FinishReason
	case len(c.ToolCalls) > 0:
		return "tool_calls"
	}
	return "stop"
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (u OpenAIUsage) chat() map[string]any {
	return map[string]any{
		"prompt_tokens":     u.Prompt,
		"completion_tokens": u.Completion,
		"total_tokens":      u.Prompt + u.Completion,
		"prompt_tokens_details": map[string]any{
			"cached_tokens": u.Cached, "cache_write_tokens": u.CacheWrite, "audio_tokens": 0,
		},
		"completion_tokens_details": map[string]any{
			"reasoning_tokens": u.Reasoning, "audio_tokens": 0,
			"accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0,
		},
	}
}

// OpenAIChatCompletion is the JSON reply of POST /chat/completions.
func OpenAIChatCompletion(c OpenAIChat) Reply {
	msg := map[string]any{"role": "assistant", "content": nil, "refusal": nil, "annotations": []any{}}
	if c.Text != "" {
		msg["content"] = c.Text
	}
	if len(c.ToolCalls) > 0 {
		var tcs []any
		for _, tc := range c.ToolCalls {
			tcs = append(tcs, map[string]any{"id": tc.ID, "type": "function",
				"function": map[string]any{"name": tc.Name, "arguments": tc.Arguments}})
		}
		msg["tool_calls"] = tcs
	}
	return Reply{Body: mustJSON(map[string]any{
		"id": c.ID, "object": "chat.completion", "created": 1741569952, "model": c.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "logprobs": nil, "finish_reason": c.finish()}},
		"usage":   c.Usage.chat(), "service_tier": "default", "system_fingerprint": "fp_b3f1157249",
	})}
}

// OpenAIChatStream is the SSE reply of POST /chat/completions with "stream": true: a role
// chunk, the text in pieces, the tool-call deltas (id and name first, then the arguments in
// two pieces), the finish_reason chunk, then — with includeUsage, as
// stream_options.include_usage asks — the usage chunk with empty choices, and [DONE].
func OpenAIChatStream(c OpenAIChat, includeUsage bool) Reply {
	chunk := func(delta map[string]any, finish any) Event {
		return Event{Data: mustJSON(map[string]any{
			"id": c.ID, "object": "chat.completion.chunk", "created": 1741569952, "model": c.Model,
			"service_tier": "default", "system_fingerprint": "fp_b3f1157249",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
			"usage":   nil,
		})}
	}
	evs := []Event{chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil)}
	for _, piece := range split(c.Text) {
		evs = append(evs, chunk(map[string]any{"content": piece}, nil))
	}
	for i, tc := range c.ToolCalls {
		evs = append(evs, chunk(map[string]any{"tool_calls": []any{map[string]any{"index": i, "id": tc.ID, "type": "function",
			"function": map[string]any{"name": tc.Name, "arguments": ""}}}}, nil))
		for _, piece := range split(tc.Arguments) {
			evs = append(evs, chunk(map[string]any{"tool_calls": []any{map[string]any{"index": i,
				"function": map[string]any{"arguments": piece}}}}, nil))
		}
	}
	evs = append(evs, chunk(map[string]any{}, c.finish()))
	if includeUsage {
		evs = append(evs, Event{Data: mustJSON(map[string]any{
			"id": c.ID, "object": "chat.completion.chunk", "created": 1741569952, "model": c.Model,
			"service_tier": "default", "system_fingerprint": "fp_b3f1157249",
			"choices": []any{}, "usage": c.Usage.chat(),
		})})
	}
	return Reply{Events: append(evs, Event{Data: "[DONE]"})}
}

// split cuts s in up to three pieces, as a model streams text.
func split(s string) []string {
	if len(s) < 3 {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	a, b := len(s)/3, 2*len(s)/3
	return []string{s[:a], s[a:b], s[b:]}
}

func (c OpenAIChat) response(status string) map[string]any {
	var output []any
	if c.Text != "" {
		output = append(output, map[string]any{"type": "message", "id": "msg_" + c.ID, "status": "completed", "role": "assistant",
			"content": []any{map[string]any{"type": "output_text", "text": c.Text, "annotations": []any{}, "logprobs": []any{}}}})
	}
	for _, tc := range c.ToolCalls {
		output = append(output, map[string]any{"type": "function_call", "id": "fc_" + tc.ID, "call_id": tc.ID,
			"name": tc.Name, "arguments": tc.Arguments, "status": "completed"})
	}
	if output == nil {
		output = []any{}
	}
	return map[string]any{
		"id": c.ID, "object": "response", "created_at": 1741476542, "status": status, "error": nil,
		"incomplete_details": nil, "instructions": nil, "model": c.Model, "output": output,
		"parallel_tool_calls": true, "service_tier": "default", "temperature": 1.0, "top_p": 1.0,
		"tools": []any{}, "tool_choice": "auto", "text": map[string]any{"format": map[string]any{"type": "text"}},
		"usage": map[string]any{
			"input_tokens":          c.Usage.Prompt,
			"input_tokens_details":  map[string]any{"cached_tokens": c.Usage.Cached, "cache_write_tokens": c.Usage.CacheWrite},
			"output_tokens":         c.Usage.Completion,
			"output_tokens_details": map[string]any{"reasoning_tokens": c.Usage.Reasoning},
			"total_tokens":          c.Usage.Prompt + c.Usage.Completion,
		},
	}
}

// OpenAIResponse is the JSON reply of POST /responses (the Responses API).
func OpenAIResponse(c OpenAIChat) Reply {
	return Reply{Body: mustJSON(c.response("completed"))}
}

// OpenAIResponseStream is the SSE reply of POST /responses with "stream": true:
// response.created, the output_text deltas, response.completed carrying the whole response
// with its usage.
func OpenAIResponseStream(c OpenAIChat) Reply {
	created := c.response("in_progress")
	created["output"], created["usage"] = []any{}, nil
	evs := []Event{{Name: "response.created", Data: mustJSON(map[string]any{"type": "response.created", "sequence_number": 0, "response": created})}}
	for i, piece := range split(c.Text) {
		evs = append(evs, Event{Name: "response.output_text.delta", Data: mustJSON(map[string]any{
			"type": "response.output_text.delta", "sequence_number": i + 1, "item_id": "msg_" + c.ID,
			"output_index": 0, "content_index": 0, "delta": piece, "logprobs": []any{}})})
	}
	evs = append(evs, Event{Name: "response.completed", Data: mustJSON(map[string]any{
		"type": "response.completed", "sequence_number": len(evs), "response": c.response("completed")})})
	return Reply{Events: evs}
}

// OpenAIEmbeddings is the JSON reply of POST /embeddings: n embeddings of dims floats.
func OpenAIEmbeddings(model string, n, dims int, promptTokens int64) Reply {
	var data []any
	for i := 0; i < n; i++ {
		vec := make([]float64, dims)
		for j := range vec {
			vec[j] = float64(j%7) / 10
		}
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": vec})
	}
	return Reply{Body: mustJSON(map[string]any{"object": "list", "data": data, "model": model,
		"usage": map[string]any{"prompt_tokens": promptTokens, "total_tokens": promptTokens}})}
}

// OpenAIError is an error reply in OpenAI's envelope
// {"error":{"message","type","param","code"}}; code may be empty (null on the wire).
// retryAfter, when not empty, is sent as the Retry-After header (seconds).
func OpenAIError(status int, typ, code, message, retryAfter string) Reply {
	var c any
	if code != "" {
		c = code
	}
	r := Reply{Status: status, Body: mustJSON(map[string]any{"error": map[string]any{
		"message": message, "type": typ, "param": nil, "code": c}})}
	if retryAfter != "" {
		r = r.WithHeader("Retry-After", retryAfter)
	}
	return r.WithHeader("X-Request-Id", "req_"+strconv.Itoa(status))
}
