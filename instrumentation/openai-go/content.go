package llmtraceopenai

import (
	"encoding/json"
	"strings"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
	"github.com/llmtrace/llmtrace/semconv"
)

// Message content in the conventions' part schema (gen-ai-input-messages.json,
// gen-ai-output-messages.json, gen-ai-tool-definitions.json, v1.41.1), built from the OpenAI
// wire shapes only when content capture is on.

type wireToolCall struct {
	ID       string `json:"id"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type chatWireMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	Refusal    string          `json:"refusal"`
	ToolCalls  []wireToolCall  `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
}

// contentPart is one element of a content array, of either API.
type contentPart struct {
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	Refusal  string          `json:"refusal"`
	ImageURL json.RawMessage `json:"image_url"` // chat: {"url"}; responses: a string
	FileID   string          `json:"file_id"`
	Audio    *struct {
		Data   string `json:"data"`
		Format string `json:"format"`
	} `json:"input_audio"`
	File *struct {
		FileID   string `json:"file_id"`
		FileData string `json:"file_data"`
	} `json:"file"`
}

// contentParts converts "content": a string, or an array of typed parts.
func contentParts(raw json.RawMessage) []genaiclient.Part {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []genaiclient.Part{genaiclient.TextPart(s)}
	}
	var items []contentPart
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	parts := make([]genaiclient.Part, 0, len(items))
	for _, it := range items {
		switch it.Type {
		case "text", "input_text", "output_text":
			parts = append(parts, genaiclient.TextPart(it.Text))
		case "refusal":
			parts = append(parts, genaiclient.Part{"type": "refusal", "content": it.Refusal})
		case "image_url", "input_image":
			var url string
			if json.Unmarshal(it.ImageURL, &url) != nil {
				var obj struct {
					URL string `json:"url"`
				}
				_ = json.Unmarshal(it.ImageURL, &obj)
				url = obj.URL
			}
			switch {
			case url != "":
				parts = append(parts, genaiclient.MediaPart("image", url))
			case it.FileID != "":
				parts = append(parts, genaiclient.Part{"type": "file", "modality": "image", "file_id": it.FileID})
			}
		case "input_audio":
			if it.Audio != nil {
				parts = append(parts, genaiclient.BlobPart("audio", "audio/"+it.Audio.Format, it.Audio.Data))
			}
		case "file", "input_file":
			id := it.FileID
			if it.File != nil && id == "" {
				id = it.File.FileID
			}
			if id != "" {
				parts = append(parts, genaiclient.Part{"type": "file", "modality": "document", "file_id": id})
			} else {
				parts = append(parts, genaiclient.Part{"type": it.Type})
			}
		default:
			parts = append(parts, genaiclient.Part{"type": it.Type})
		}
	}
	return parts
}

// textOf joins the text of parts (a tool result sent as an array of text parts).
func textOf(raw json.RawMessage) any {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b strings.Builder
	for _, p := range contentParts(raw) {
		if c, ok := p["content"].(string); ok {
			b.WriteString(c)
		}
	}
	return b.String()
}

// chatInputMessages converts the Chat Completions "messages" array.
func chatInputMessages(raw json.RawMessage) []genaiclient.Message {
	var wire []chatWireMessage
	if json.Unmarshal(raw, &wire) != nil {
		return nil
	}
	msgs := make([]genaiclient.Message, 0, len(wire))
	for _, m := range wire {
		if m.Role == "tool" {
			msgs = append(msgs, genaiclient.Message{Role: "tool",
				Parts: []genaiclient.Part{genaiclient.ToolCallResponsePart(m.ToolCallID, textOf(m.Content))}})
			continue
		}
		parts := contentParts(m.Content)
		if m.Refusal != "" {
			parts = append(parts, genaiclient.Part{"type": "refusal", "content": m.Refusal})
		}
		for _, tc := range m.ToolCalls {
			parts = append(parts, genaiclient.ToolCallPart(tc.ID, tc.Function.Name, genaiclient.Arguments(tc.Function.Arguments)))
		}
		if parts == nil {
			parts = []genaiclient.Part{}
		}
		msgs = append(msgs, genaiclient.Message{Role: m.Role, Parts: parts})
	}
	return msgs
}

// responsesItem is one item of a Responses API input or output array.
type responsesItem struct {
	Type      string          `json:"type"`
	Role      string          `json:"role"`
	Content   json.RawMessage `json:"content"`
	CallID    string          `json:"call_id"`
	Name      string          `json:"name"`
	Arguments string          `json:"arguments"`
	Output    json.RawMessage `json:"output"`
	Summary   []struct {
		Text string `json:"text"`
	} `json:"summary"`
}

// responsesInputMessages converts the Responses API "input": a string, or an array of
// message, function_call, function_call_output and reasoning items.
func responsesInputMessages(raw json.RawMessage) []genaiclient.Message {
	if len(raw) == 0 {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []genaiclient.Message{{Role: "user", Parts: []genaiclient.Part{genaiclient.TextPart(s)}}}
	}
	var items []responsesItem
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var msgs []genaiclient.Message
	for _, it := range items {
		switch it.Type {
		case "", "message":
			parts := contentParts(it.Content)
			if parts == nil {
				parts = []genaiclient.Part{}
			}
			msgs = append(msgs, genaiclient.Message{Role: it.Role, Parts: parts})
		case "function_call":
			msgs = append(msgs, genaiclient.Message{Role: "assistant",
				Parts: []genaiclient.Part{genaiclient.ToolCallPart(it.CallID, it.Name, genaiclient.Arguments(it.Arguments))}})
		case "function_call_output":
			msgs = append(msgs, genaiclient.Message{Role: "tool",
				Parts: []genaiclient.Part{genaiclient.ToolCallResponsePart(it.CallID, textOf(it.Output))}})
		case "reasoning":
			msgs = append(msgs, genaiclient.Message{Role: "assistant", Parts: reasoningParts(it)})
		}
	}
	return msgs
}

func reasoningParts(it responsesItem) []genaiclient.Part {
	var parts []genaiclient.Part
	for _, s := range it.Summary {
		parts = append(parts, genaiclient.ReasoningPart(s.Text))
	}
	if parts == nil {
		parts = []genaiclient.Part{}
	}
	return parts
}

// responsesOutputParts converts a response's "output" items into the parts of one
// assistant message, and reports whether it holds a function call.
func responsesOutputParts(items []responsesItem) (parts []genaiclient.Part, toolCall bool) {
	for _, it := range items {
		switch it.Type {
		case "message":
			parts = append(parts, contentParts(it.Content)...)
		case "function_call":
			parts = append(parts, genaiclient.ToolCallPart(it.CallID, it.Name, genaiclient.Arguments(it.Arguments)))
			toolCall = true
		case "reasoning":
			parts = append(parts, reasoningParts(it)...)
		default:
			parts = append(parts, genaiclient.Part{"type": it.Type})
		}
	}
	if parts == nil {
		parts = []genaiclient.Part{}
	}
	return parts, toolCall
}

// toolDefinitions converts "tools" of either API: function tools become
// {"type":"function","name","description","parameters"}, any other tool {"type", "name"}.
func toolDefinitions(raw json.RawMessage) []genaiclient.Part {
	var tools []struct {
		Type        string          `json:"type"`
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
		Function    *struct {
			Name        string          `json:"name"`
			Description string          `json:"description"`
			Parameters  json.RawMessage `json:"parameters"`
		} `json:"function"`
		Custom *struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"custom"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &tools) != nil {
		return nil
	}
	defs := make([]genaiclient.Part, 0, len(tools))
	for _, t := range tools {
		d := genaiclient.Part{"type": t.Type}
		name, desc, params := t.Name, t.Description, t.Parameters
		if t.Function != nil {
			name, desc, params = t.Function.Name, t.Function.Description, t.Function.Parameters
		}
		if t.Custom != nil {
			name, desc = t.Custom.Name, t.Custom.Description
		}
		if name != "" {
			d["name"] = name
		}
		if desc != "" {
			d["description"] = desc
		}
		if len(params) > 0 {
			d["parameters"] = params
		}
		defs = append(defs, d)
	}
	return defs
}

// outputFinishReason maps a Chat Completions finish_reason onto the output-message
// schema's vocabulary (tool_calls and function_call become tool_call).
func outputFinishReason(r string) string {
	switch r {
	case "tool_calls", "function_call":
		return semconv.FinishToolCall
	}
	return r
}
