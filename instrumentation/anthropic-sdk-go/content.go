package llmtraceanthropic

import (
	"encoding/json"
	"strings"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
	"github.com/llmtrace/llmtrace/semconv"
)

// Message content in the conventions' part schema (gen-ai-input-messages.json,
// gen-ai-output-messages.json, gen-ai-system-instructions.json,
// gen-ai-tool-definitions.json, v1.41.1), built from the Messages API wire shapes only
// when content capture is on.

// block is one content block of a request or a response.
type block struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	Thinking  string          `json:"thinking"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"` // tool_result: a string or blocks
	Source    *struct {
		Type      string `json:"type"`
		MediaType string `json:"media_type"`
		Data      string `json:"data"`
		URL       string `json:"url"`
		FileID    string `json:"file_id"`
	} `json:"source"`
}

// blocks reads "content" or "system": a string (one text block) or an array of blocks.
func blocks(raw json.RawMessage) []block {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []block{{Type: "text", Text: s}}
	}
	var bs []block
	_ = json.Unmarshal(raw, &bs)
	return bs
}

// part converts one block.
func part(b block) genaiclient.Part {
	switch b.Type {
	case "text":
		return genaiclient.TextPart(b.Text)
	case "thinking":
		return genaiclient.ReasoningPart(b.Thinking)
	case "tool_use":
		return genaiclient.ToolCallPart(b.ID, b.Name, b.Input)
	case "tool_result":
		return genaiclient.ToolCallResponsePart(b.ToolUseID, toolResult(b.Content))
	case "image", "document":
		modality := "image"
		if b.Type == "document" {
			modality = "document"
		}
		if b.Source != nil {
			switch b.Source.Type {
			case "base64":
				return genaiclient.BlobPart(modality, b.Source.MediaType, b.Source.Data)
			case "url":
				return genaiclient.Part{"type": "uri", "modality": modality, "uri": b.Source.URL}
			case "file":
				return genaiclient.Part{"type": "file", "modality": modality, "file_id": b.Source.FileID}
			case "text":
				return genaiclient.TextPart(b.Source.Data)
			}
		}
	}
	return genaiclient.Part{"type": b.Type}
}

// toolResult is a tool_result's content: its string, or the text of its text blocks.
func toolResult(raw json.RawMessage) any {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b strings.Builder
	for _, bl := range blocks(raw) {
		b.WriteString(bl.Text)
	}
	return b.String()
}

func parts(bs []block) []genaiclient.Part {
	ps := make([]genaiclient.Part, 0, len(bs))
	for _, b := range bs {
		ps = append(ps, part(b))
	}
	return ps
}

// systemParts converts "system" into gen_ai.system_instructions.
func systemParts(raw json.RawMessage) []genaiclient.Part {
	return parts(blocks(raw))
}

// inputMessages converts "messages". A tool result stays in the user message it was sent
// in, as a tool_call_response part whose id is the tool_use id it answers.
func inputMessages(raw json.RawMessage) []genaiclient.Message {
	var wire []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &wire) != nil {
		return nil
	}
	msgs := make([]genaiclient.Message, 0, len(wire))
	for _, m := range wire {
		msgs = append(msgs, genaiclient.Message{Role: m.Role, Parts: parts(blocks(m.Content))})
	}
	return msgs
}

// toolDefinitions converts "tools": client tools become
// {"type":"function","name","description","parameters": input_schema}, server tools
// {"type","name"}.
func toolDefinitions(raw json.RawMessage) []genaiclient.Part {
	var tools []struct {
		Type        string          `json:"type"`
		Name        string          `json:"name"`
		Description string          `json:"description"`
		InputSchema json.RawMessage `json:"input_schema"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &tools) != nil {
		return nil
	}
	defs := make([]genaiclient.Part, 0, len(tools))
	for _, t := range tools {
		if t.Type == "" || t.Type == "custom" {
			d := genaiclient.Part{"type": "function", "name": t.Name}
			if t.Description != "" {
				d["description"] = t.Description
			}
			if len(t.InputSchema) > 0 {
				d["parameters"] = t.InputSchema
			}
			defs = append(defs, d)
			continue
		}
		defs = append(defs, genaiclient.Part{"type": t.Type, "name": t.Name})
	}
	return defs
}

// outputFinishReason maps a stop_reason onto the output-message schema's vocabulary.
func outputFinishReason(r string) string {
	switch r {
	case "end_turn", "stop_sequence":
		return semconv.FinishStop
	case "max_tokens", "model_context_window_exceeded":
		return semconv.FinishLength
	case "tool_use":
		return semconv.FinishToolCall
	case "refusal":
		return semconv.FinishContentFilter
	}
	return r
}
