package genaiclient

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Part is one message part of the conventions' JSON schemas (gen-ai-input-messages.json,
// v1.41.1): an object discriminated by "type" (text, reasoning, tool_call,
// tool_call_response, blob, uri, file, or the provider's own type).
type Part map[string]any

// Message is a ChatMessage (input) or, with FinishReason set, an OutputMessage.
type Message struct {
	Role         string `json:"role"`
	Parts        []Part `json:"parts"`
	FinishReason string `json:"finish_reason,omitempty"`
}

// TextPart is {"type":"text","content":s}.
func TextPart(s string) Part { return Part{"type": "text", "content": s} }

// ReasoningPart is {"type":"reasoning","content":s}.
func ReasoningPart(s string) Part { return Part{"type": "reasoning", "content": s} }

// ToolCallPart is {"type":"tool_call","id","name","arguments"}; arguments is JSON.
func ToolCallPart(id, name string, arguments json.RawMessage) Part {
	p := Part{"type": "tool_call", "name": name}
	if id != "" {
		p["id"] = id
	}
	if len(arguments) > 0 {
		p["arguments"] = arguments
	}
	return p
}

// ToolCallResponsePart is {"type":"tool_call_response","id","response"}: the schema's
// field name (the docs' examples say "result"; the schema wins).
func ToolCallResponsePart(id string, response any) Part {
	p := Part{"type": "tool_call_response", "response": response}
	if id != "" {
		p["id"] = id
	}
	return p
}

// MediaPart is the part of an image, audio or file reference: a data: URL becomes a blob
// part (base64 content, mime type), any other URL a uri part.
func MediaPart(modality, url string) Part {
	if rest, ok := strings.CutPrefix(url, "data:"); ok {
		if meta, content, ok := strings.Cut(rest, ","); ok {
			mime, _, _ := strings.Cut(meta, ";")
			p := Part{"type": "blob", "modality": modality, "content": content}
			if mime != "" {
				p["mime_type"] = mime
			}
			return p
		}
	}
	return Part{"type": "uri", "modality": modality, "uri": url}
}

// BlobPart is {"type":"blob","modality","mime_type","content"} with base64 content.
func BlobPart(modality, mime, content string) Part {
	p := Part{"type": "blob", "modality": modality, "content": content}
	if mime != "" {
		p["mime_type"] = mime
	}
	return p
}

// Arguments returns s (tool-call arguments as the provider sends them, a JSON text) as
// JSON when it is valid JSON, else as a JSON string.
func Arguments(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

// JSON encodes v as the JSON-string value of a content attribute (no HTML escaping).
func JSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
