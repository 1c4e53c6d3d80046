package devserver

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	"github.com/llmtrace/llmtrace/semconv"
)

// message is one turn of a rendered conversation: a role ("system", "user", "assistant",
// "tool"), its text, the tool calls it makes and, for a tool result, the call it answers.
// Body holds non-text content pretty-printed as JSON.
type message struct {
	Role       string
	Text       string
	Body       string
	ToolCalls  []toolCall
	ToolCallID string
	Name       string
}

// toolCall is a call an assistant message makes: its id, the tool's name and the arguments
// pretty-printed as JSON.
type toolCall struct {
	ID, Name, Arguments string
}

// conversation is what the page renders for an input or an output: the messages found in
// it, the names of the tools offered, the finish reason, and whether the shape was
// recognised (when not, the page shows the JSON itself).
type conversation struct {
	Messages     []message
	Tools        []string
	FinishReason string
	Recognised   bool
}

// renderContent turns an event's input or output (the shapes the mapper writes; see
// testdata/golden) into a conversation:
//
//   - {"messages": [{role, content, tool_calls, tool_call_id}], "system", "tools"} and a
//     bare array of such messages (input of llm and agent spans);
//   - {"response", "tool_calls", "finish_reason"} (output of llm and agent spans);
//   - {"prompt", "system"} (Vercel AI SDK top-level input);
//   - a JSON string: a user turn for an input, an assistant turn for an output;
//   - a tool span: its input is the call's arguments, its output the tool's result (with
//     gen_ai.tool.name and gen_ai.tool.call.id from metadata when present).
//
// Content may be a string, an array of parts ({"type":"text","text":…} and others) or any
// JSON. Anything else is left unrecognised and shown as JSON.
func renderContent(raw json.RawMessage, isOutput bool, ev *platform.TraceEvent) conversation {
	var c conversation
	if len(raw) == 0 || string(raw) == "null" {
		return c
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return c
	}
	defaultRole := "user"
	if isOutput {
		defaultRole = "assistant"
	}
	if ev.Type == platform.TypeTool {
		name, _ := ev.Metadata.Get(semconv.GenAIToolName).(string)
		if name == "" {
			name = strings.TrimPrefix(ev.Name, "execute_tool ")
		}
		callID, _ := ev.Metadata.Get(semconv.GenAIToolCallID).(string)
		body := prettyJSON(raw) // the tool's own key order
		if s, ok := v.(string); ok {
			body = s
		}
		if isOutput {
			c.Messages = []message{{Role: "tool", Name: name, Body: body, ToolCallID: callID}}
		} else {
			c.Messages = []message{{Role: "assistant", ToolCalls: []toolCall{{ID: callID, Name: name, Arguments: body}}}}
		}
		c.Recognised = true
		return c
	}
	switch x := v.(type) {
	case string:
		c.Messages = []message{{Role: defaultRole, Text: x}}
		c.Recognised = true
	case []any:
		if msgs, ok := messagesOf(x); ok {
			c.Messages, c.Recognised = msgs, true
		}
	case map[string]any:
		if _, ok := x["role"]; ok { // one message object (e.g. Langfuse's generation output)
			if msgs, ok := messagesOf([]any{x}); ok {
				c.Messages, c.Recognised = msgs, true
				return c
			}
		}
		if s, ok := x["system"].(string); ok {
			c.Messages = append(c.Messages, message{Role: "system", Text: s})
		}
		if arr, ok := x["messages"].([]any); ok {
			if msgs, ok := messagesOf(arr); ok {
				c.Messages = append(c.Messages, msgs...)
				c.Recognised = true
			}
		}
		if p, ok := x["prompt"].(string); ok {
			c.Messages = append(c.Messages, message{Role: "user", Text: p})
			c.Recognised = true
		}
		resp, hasResp := x["response"]
		calls, _ := x["tool_calls"].([]any)
		if hasResp || len(calls) > 0 {
			m := message{Role: "assistant", ToolCalls: toolCallsOf(calls)}
			if hasResp {
				m.Text, m.Body = contentOf(resp)
			}
			c.Messages = append(c.Messages, m)
			c.Recognised = true
		}
		if fr, ok := x["finish_reason"].(string); ok {
			c.FinishReason = fr
			c.Recognised = true
		}
		if tools, ok := x["tools"].([]any); ok {
			for _, t := range tools {
				if tm, ok := t.(map[string]any); ok {
					if n := toolName(tm); n != "" {
						c.Tools = append(c.Tools, n)
					}
				}
			}
		}
	}
	return c
}

// messagesOf reads an array of {role, content, tool_calls, tool_call_id, name} objects;
// false when an element has no role.
func messagesOf(arr []any) ([]message, bool) {
	out := make([]message, 0, len(arr))
	for _, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		role, _ := m["role"].(string)
		if role == "" {
			return nil, false
		}
		msg := message{Role: role}
		if content, ok := m["content"]; ok {
			msg.Text, msg.Body = contentOf(content)
		}
		if calls, ok := m["tool_calls"].([]any); ok {
			msg.ToolCalls = toolCallsOf(calls)
		}
		msg.ToolCallID, _ = m["tool_call_id"].(string)
		msg.Name, _ = m["name"].(string)
		out = append(out, msg)
	}
	return out, true
}

// toolCallsOf reads [{id, name, arguments}] (OpenAI's {function: {name, arguments}} too);
// arguments may be an object or a JSON string.
func toolCallsOf(calls []any) []toolCall {
	var out []toolCall
	for _, c := range calls {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if fn, ok := m["function"].(map[string]any); ok {
			m = mergeMaps(m, fn)
		}
		tc := toolCall{}
		tc.ID, _ = m["id"].(string)
		tc.Name, _ = m["name"].(string)
		switch a := m["arguments"].(type) {
		case nil:
		case string:
			var parsed any
			if json.Unmarshal([]byte(a), &parsed) == nil {
				tc.Arguments = pretty(parsed)
			} else {
				tc.Arguments = a
			}
		default:
			tc.Arguments = pretty(a)
		}
		out = append(out, tc)
	}
	return out
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// contentOf renders message content: a string as text; an array of parts as the text of
// its text parts, other parts as JSON; anything else as JSON.
func contentOf(v any) (text, body string) {
	switch x := v.(type) {
	case nil:
		return "", ""
	case string:
		return x, ""
	case []any:
		var texts []string
		var others []any
		for _, p := range x {
			if pm, ok := p.(map[string]any); ok {
				if t, ok := pm["text"].(string); ok && (pm["type"] == nil || pm["type"] == "text") {
					texts = append(texts, t)
					continue
				}
				if t, ok := pm["content"].(string); ok && pm["type"] == "text" {
					texts = append(texts, t)
					continue
				}
			}
			others = append(others, p)
		}
		if len(others) > 0 {
			body = pretty(others)
		}
		return strings.Join(texts, "\n"), body
	default:
		return "", pretty(v)
	}
}

func toolName(m map[string]any) string {
	if n, ok := m["name"].(string); ok {
		return n
	}
	if fn, ok := m["function"].(map[string]any); ok {
		n, _ := fn["name"].(string)
		return n
	}
	return ""
}

// pretty is v as indented JSON (a string value as itself).
func pretty(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if enc.Encode(v) != nil {
		return ""
	}
	return strings.TrimRight(buf.String(), "\n")
}
