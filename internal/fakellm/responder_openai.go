package fakellm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// openAIProvider is what a Responder serves of the OpenAI API: Chat Completions, the
// Responses API and embeddings (openai.go has the reply shapes).
var openAIProvider = Provider{
	Name: "openai", BasePath: "/v1", BaseURLEnv: "OPENAI_BASE_URL",
	Routes: []Route{
		{Method: http.MethodPost, Path: "/v1/chat/completions", Answer: answerOpenAIChat},
		{Method: http.MethodPost, Path: "/v1/responses", Answer: answerOpenAIResponses},
		{Method: http.MethodPost, Path: "/v1/embeddings", Answer: answerOpenAIEmbeddings},
	},
}

func openAIBadRequest(err error) Reply {
	return OpenAIError(http.StatusBadRequest, "invalid_request_error", "", err.Error(), "")
}

// answerOpenAIChat answers POST /v1/chat/completions.
func answerOpenAIChat(_ *http.Request, body []byte, seq int64) Reply {
	var req struct {
		Model    string `json:"model"`
		Stream   bool   `json:"stream"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		Tools []struct {
			Function struct {
				Name       string          `json:"name"`
				Parameters json.RawMessage `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
		StreamOptions struct {
			IncludeUsage bool `json:"include_usage"`
		} `json:"stream_options"`
	}
	if err := decodeRequest(body, &req, &req.Model); err != nil {
		return openAIBadRequest(err)
	}
	var sent []string
	lastUser, toolResultSinceUser := "", false
	for _, m := range req.Messages {
		t := contentText(m.Content)
		sent = append(sent, t)
		switch m.Role {
		case "user":
			lastUser, toolResultSinceUser = t, false
		case "tool":
			toolResultSinceUser = true
		}
	}
	c := OpenAIChat{ID: "chatcmpl-fake-" + strconv.FormatInt(seq, 10), Model: req.Model}
	if len(req.Tools) > 0 && !toolResultSinceUser {
		f := req.Tools[0].Function
		c.ToolCalls = []ToolCall{{ID: fmt.Sprintf("call_fake_%d", seq), Name: f.Name, Arguments: sampleArguments(f.Parameters)}}
		c.Usage = OpenAIUsage{Prompt: wordCount(sent...), Completion: wordCount(c.ToolCalls[0].Arguments)}
	} else {
		c.Text = replyText(lastUser)
		c.Usage = OpenAIUsage{Prompt: wordCount(sent...), Completion: wordCount(c.Text)}
	}
	if req.Stream {
		return OpenAIChatStream(c, req.StreamOptions.IncludeUsage)
	}
	return OpenAIChatCompletion(c)
}

// answerOpenAIResponses answers POST /v1/responses (input a string or a list of items;
// a function_call_output item after the last user message counts as the tool result).
func answerOpenAIResponses(_ *http.Request, body []byte, seq int64) Reply {
	var req struct {
		Model  string          `json:"model"`
		Stream bool            `json:"stream"`
		Input  json.RawMessage `json:"input"`
		Tools  []struct {
			Type       string          `json:"type"`
			Name       string          `json:"name"`
			Parameters json.RawMessage `json:"parameters"`
		} `json:"tools"`
	}
	if err := decodeRequest(body, &req, &req.Model); err != nil {
		return openAIBadRequest(err)
	}
	var sent []string
	lastUser, toolResultSinceUser := "", false
	var s string
	if json.Unmarshal(req.Input, &s) == nil {
		sent, lastUser = []string{s}, s
	} else {
		var items []struct {
			Type    string          `json:"type"`
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
			Output  string          `json:"output"`
		}
		if err := json.Unmarshal(req.Input, &items); err != nil {
			return openAIBadRequest(fmt.Errorf("input: want a string or a list of items: %v", err))
		}
		for _, it := range items {
			switch {
			case it.Type == "function_call_output":
				sent = append(sent, it.Output)
				toolResultSinceUser = true
			case it.Role == "user":
				lastUser, toolResultSinceUser = contentText(it.Content), false
				sent = append(sent, lastUser)
			default:
				sent = append(sent, contentText(it.Content))
			}
		}
	}
	c := OpenAIChat{ID: "resp_fake_" + strconv.FormatInt(seq, 10), Model: req.Model}
	var fn *struct {
		Type       string          `json:"type"`
		Name       string          `json:"name"`
		Parameters json.RawMessage `json:"parameters"`
	}
	for i := range req.Tools {
		if req.Tools[i].Type == "function" {
			fn = &req.Tools[i]
			break
		}
	}
	if fn != nil && !toolResultSinceUser {
		c.ToolCalls = []ToolCall{{ID: fmt.Sprintf("call_fake_%d", seq), Name: fn.Name, Arguments: sampleArguments(fn.Parameters)}}
		c.Usage = OpenAIUsage{Prompt: wordCount(sent...), Completion: wordCount(c.ToolCalls[0].Arguments)}
	} else {
		c.Text = replyText(lastUser)
		c.Usage = OpenAIUsage{Prompt: wordCount(sent...), Completion: wordCount(c.Text)}
	}
	if req.Stream {
		return OpenAIResponseStream(c)
	}
	return OpenAIResponse(c)
}

// answerOpenAIEmbeddings answers POST /v1/embeddings: one vector per input (a string or a
// list of strings) of "dimensions" floats (8 when absent).
func answerOpenAIEmbeddings(_ *http.Request, body []byte, _ int64) Reply {
	var req struct {
		Model      string          `json:"model"`
		Input      json.RawMessage `json:"input"`
		Dimensions int             `json:"dimensions"`
	}
	if err := decodeRequest(body, &req, &req.Model); err != nil {
		return openAIBadRequest(err)
	}
	var inputs []string
	var s string
	if json.Unmarshal(req.Input, &s) == nil {
		inputs = []string{s}
	} else if err := json.Unmarshal(req.Input, &inputs); err != nil || len(inputs) == 0 {
		return openAIBadRequest(fmt.Errorf("input: want a string or a non-empty list of strings"))
	}
	dims := req.Dimensions
	if dims <= 0 || dims > 4096 {
		dims = 8
	}
	return OpenAIEmbeddings(req.Model, len(inputs), dims, wordCount(inputs...))
}
