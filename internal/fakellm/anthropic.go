package fakellm

// AnthropicUsage are the token counts of an Anthropic reply as Anthropic reports them:
// Input excludes the cache reads and cache writes, which are counted apart.
type AnthropicUsage struct {
	Input, CacheRead, CacheCreation, Output, Thinking int64
}

func (u AnthropicUsage) wire() map[string]any {
	m := map[string]any{
		"input_tokens":                u.Input,
		"cache_creation_input_tokens": u.CacheCreation,
		"cache_read_input_tokens":     u.CacheRead,
		"cache_creation":              map[string]any{"ephemeral_5m_input_tokens": u.CacheCreation, "ephemeral_1h_input_tokens": 0},
		"output_tokens":               u.Output,
		"service_tier":                "standard",
	}
	if u.Thinking > 0 {
		m["output_tokens_details"] = map[string]any{"thinking_tokens": u.Thinking}
	}
	return m
}

// AnthropicToolUse is one tool_use block: its id, the tool's name, its input as JSON.
type AnthropicToolUse struct {
	ID, Name, Input string
}

// AnthropicMessage is one Messages API reply to serve.
type AnthropicMessage struct {
	ID, Model, Thinking, Text string
	ToolUses                  []AnthropicToolUse
	StopReason                string // "end_turn" when empty, "tool_use" when ToolUses are set
	Usage                     AnthropicUsage
}

func (m AnthropicMessage) stop() string {
	switch {
	case m.StopReason != "":
		return m.StopReason
	case len(m.ToolUses) > 0:
		return "tool_use"
	}
	return "end_turn"
}

func (m AnthropicMessage) blocks() []any {
	var content []any
	if m.Thinking != "" {
		content = append(content, map[string]any{"type": "thinking", "thinking": m.Thinking, "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"})
	}
	if m.Text != "" {
		content = append(content, map[string]any{"type": "text", "text": m.Text})
	}
	for _, tu := range m.ToolUses {
		content = append(content, map[string]any{"type": "tool_use", "id": tu.ID, "name": tu.Name, "input": rawJSON(tu.Input)})
	}
	if content == nil {
		content = []any{}
	}
	return content
}

type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// AnthropicMessageReply is the JSON reply of POST /v1/messages.
func AnthropicMessageReply(m AnthropicMessage) Reply {
	return Reply{Body: mustJSON(map[string]any{
		"id": m.ID, "type": "message", "role": "assistant", "model": m.Model, "content": m.blocks(),
		"stop_reason": m.stop(), "stop_sequence": nil, "usage": m.Usage.wire(),
	})}
}

// AnthropicStream is the SSE reply of POST /v1/messages with "stream": true:
// message_start (with the input-side usage and output_tokens 1), a ping, one
// content_block_start / _delta… / _stop run per block (thinking_delta, text_delta,
// input_json_delta in two pieces), message_delta with the stop reason and the final usage,
// message_stop.
func AnthropicStream(m AnthropicMessage) Reply {
	startUsage := m.Usage.wire()
	startUsage["output_tokens"] = 1
	delete(startUsage, "output_tokens_details")
	evs := []Event{
		{Name: "message_start", Data: mustJSON(map[string]any{"type": "message_start", "message": map[string]any{
			"id": m.ID, "type": "message", "role": "assistant", "model": m.Model, "content": []any{},
			"stop_reason": nil, "stop_sequence": nil, "usage": startUsage}})},
		{Name: "ping", Data: `{"type": "ping"}`},
	}
	idx := 0
	block := func(start map[string]any, deltas []map[string]any) {
		evs = append(evs, Event{Name: "content_block_start", Data: mustJSON(map[string]any{"type": "content_block_start", "index": idx, "content_block": start})})
		for _, d := range deltas {
			evs = append(evs, Event{Name: "content_block_delta", Data: mustJSON(map[string]any{"type": "content_block_delta", "index": idx, "delta": d})})
		}
		evs = append(evs, Event{Name: "content_block_stop", Data: mustJSON(map[string]any{"type": "content_block_stop", "index": idx})})
		idx++
	}
	if m.Thinking != "" {
		var ds []map[string]any
		for _, p := range split(m.Thinking) {
			ds = append(ds, map[string]any{"type": "thinking_delta", "thinking": p})
		}
		ds = append(ds, map[string]any{"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"})
		block(map[string]any{"type": "thinking", "thinking": "", "signature": ""}, ds)
	}
	if m.Text != "" {
		var ds []map[string]any
		for _, p := range split(m.Text) {
			ds = append(ds, map[string]any{"type": "text_delta", "text": p})
		}
		block(map[string]any{"type": "text", "text": ""}, ds)
	}
	for _, tu := range m.ToolUses {
		var ds []map[string]any
		for _, p := range split(tu.Input) {
			ds = append(ds, map[string]any{"type": "input_json_delta", "partial_json": p})
		}
		block(map[string]any{"type": "tool_use", "id": tu.ID, "name": tu.Name, "input": map[string]any{}}, ds)
	}
	final := map[string]any{"output_tokens": m.Usage.Output}
	if m.Usage.Thinking > 0 {
		final["output_tokens_details"] = map[string]any{"thinking_tokens": m.Usage.Thinking}
	}
	evs = append(evs,
		Event{Name: "message_delta", Data: mustJSON(map[string]any{"type": "message_delta",
			"delta": map[string]any{"stop_reason": m.stop(), "stop_sequence": nil}, "usage": final})},
		Event{Name: "message_stop", Data: `{"type":"message_stop"}`},
	)
	return Reply{Events: evs}
}

// AnthropicError is an error reply in Anthropic's envelope
// {"type":"error","error":{"type","message"},"request_id"}; retryAfter, when not empty, is
// sent as the retry-after header (seconds).
func AnthropicError(status int, typ, message, retryAfter string) Reply {
	r := Reply{Status: status, Body: mustJSON(map[string]any{"type": "error",
		"error": map[string]any{"type": typ, "message": message}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"})}
	if retryAfter != "" {
		r = r.WithHeader("retry-after", retryAfter)
	}
	return r.WithHeader("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy")
}
