package fakellm

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// anthropicProvider is what a Responder serves of the Anthropic API: the Messages API
// (anthropic.go has the reply shapes).
var anthropicProvider = Provider{
	Name: "anthropic", BasePath: "", BaseURLEnv: "ANTHROPIC_BASE_URL",
	Routes: []Route{
		{Method: http.MethodPost, Path: "/v1/messages", Answer: answerAnthropicMessages},
	},
}

// answerAnthropicMessages answers POST /v1/messages. A user turn whose content holds a
// tool_result block is a tool result, not a new question.
func answerAnthropicMessages(_ *http.Request, body []byte, seq int64) Reply {
	var req struct {
		Model    string          `json:"model"`
		Stream   bool            `json:"stream"`
		System   json.RawMessage `json:"system"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		Tools []struct {
			Name        string          `json:"name"`
			InputSchema json.RawMessage `json:"input_schema"`
		} `json:"tools"`
	}
	if err := decodeRequest(body, &req, &req.Model); err != nil {
		return AnthropicError(http.StatusBadRequest, "invalid_request_error", err.Error(), "")
	}
	sent := []string{contentText(req.System)}
	lastUser, toolResultSinceUser := "", false
	for _, m := range req.Messages {
		t := contentText(m.Content)
		sent = append(sent, t)
		if m.Role != "user" {
			continue
		}
		var blocks []struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(m.Content, &blocks) // a string content has no blocks
		isToolResult := false
		for _, b := range blocks {
			isToolResult = isToolResult || b.Type == "tool_result"
		}
		if isToolResult {
			toolResultSinceUser = true
		} else {
			lastUser, toolResultSinceUser = t, false
		}
	}
	m := AnthropicMessage{ID: fmt.Sprintf("msg_fake_%d", seq), Model: req.Model}
	if len(req.Tools) > 0 && !toolResultSinceUser {
		t := req.Tools[0]
		m.ToolUses = []AnthropicToolUse{{ID: fmt.Sprintf("toolu_fake_%d", seq), Name: t.Name, Input: sampleArguments(t.InputSchema)}}
		m.Usage = AnthropicUsage{Input: wordCount(sent...), Output: wordCount(m.ToolUses[0].Input)}
	} else {
		m.Text = replyText(lastUser)
		m.Usage = AnthropicUsage{Input: wordCount(sent...), Output: wordCount(m.Text)}
	}
	if req.Stream {
		return AnthropicStream(m)
	}
	return AnthropicMessageReply(m)
}
