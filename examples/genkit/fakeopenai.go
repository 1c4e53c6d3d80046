package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
)

// The numbers the fake provider serves on every successful chat completion, as the
// captures of testdata/captures/ record them (testdata/captures/README.md).
const (
	FakePromptTokens     = 42
	FakeCompletionTokens = 17
	FakeTotalTokens      = 59
	FakeCachedTokens     = 8
	FakeReasoningTokens  = 5

	// FakeFailMarker in a user message makes the fake answer HTTP 500 with an OpenAI error
	// body, the provider error of the error scenario.
	FakeFailMarker = "(the provider fails this one)"
	// FakeToolCallID is the id of the tool call the fake requests.
	FakeToolCallID = "call_fake_weather_1"
	// FakeAnswer is the text of every final answer.
	FakeAnswer = "It is 18 °C and clear in Paris."
	// FakeErrorMessage is the message of the HTTP 500 error body.
	FakeErrorMessage = "The server had an error while processing your request (fake)"
)

// fakeModels maps a requested model to the dated snapshot the fake reports.
var fakeModels = map[string]string{
	"gpt-4o-mini": "gpt-4o-mini-2024-07-18",
	"gpt-4o":      "gpt-4o-2024-08-06",
}

// fakeOpenAI is a deterministic OpenAI-compatible Chat Completions server for loopback
// use: POST {base}/chat/completions, JSON or SSE (stream: true). A request that offers
// tools and carries no tool result yet gets a call to its first tool with
// {"city":"Paris"}; every other request gets FakeAnswer. Usage is always the Fake*
// numbers above; in a stream it comes as the final chunk only when
// stream_options.include_usage is true, as OpenAI does.
type fakeOpenAI struct {
	n atomic.Int64 // completions served, for response ids
}

type fakeRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Tools []struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	} `json:"tools"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		writeOpenAIError(w, http.StatusNotFound, "no such route "+r.URL.Path, "invalid_request_error")
		return
	}
	var req fakeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeOpenAIError(w, http.StatusBadRequest, "bad JSON: "+err.Error(), "invalid_request_error")
		return
	}
	hasToolResult := false
	for _, m := range req.Messages {
		if m.Role == "tool" {
			hasToolResult = true
		}
		if m.Role == "user" && strings.Contains(string(m.Content), FakeFailMarker) {
			writeOpenAIError(w, http.StatusInternalServerError, FakeErrorMessage, "server_error")
			return
		}
	}
	model := req.Model
	if snap, ok := fakeModels[model]; ok {
		model = snap
	}
	id := fmt.Sprintf("chatcmpl-fake%06d", f.n.Add(1))
	var toolName string
	if len(req.Tools) > 0 && !hasToolResult {
		toolName = req.Tools[0].Function.Name
	}
	if req.Stream {
		f.stream(w, id, model, toolName, req.StreamOptions != nil && req.StreamOptions.IncludeUsage)
		return
	}
	msg := map[string]any{"role": "assistant", "content": FakeAnswer, "refusal": nil}
	finish := "stop"
	if toolName != "" {
		msg["content"] = nil
		msg["tool_calls"] = []any{map[string]any{
			"id": FakeToolCallID, "type": "function",
			"function": map[string]any{"name": toolName, "arguments": `{"city":"Paris"}`},
		}}
		finish = "tool_calls"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": id, "object": "chat.completion", "created": 1795300000, "model": model,
		"system_fingerprint": "fp_fake",
		"choices":            []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish, "logprobs": nil}},
		"usage":              fakeUsage(),
	})
}

func fakeUsage() map[string]any {
	return map[string]any{
		"prompt_tokens": FakePromptTokens, "completion_tokens": FakeCompletionTokens, "total_tokens": FakeTotalTokens,
		"prompt_tokens_details":     map[string]any{"cached_tokens": FakeCachedTokens, "audio_tokens": 0},
		"completion_tokens_details": map[string]any{"reasoning_tokens": FakeReasoningTokens, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
	}
}

// stream answers as OpenAI's SSE stream does: a role chunk, content (or tool call)
// deltas, a finish chunk, the usage chunk when asked for, then [DONE].
func (f *fakeOpenAI) stream(w http.ResponseWriter, id, model, toolName string, includeUsage bool) {
	w.Header().Set("Content-Type", "text/event-stream")
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": 1795300000, "model": model,
			"system_fingerprint": "fp_fake",
			"choices":            []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		}
	}
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
	}
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	finish := "stop"
	if toolName != "" {
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{
			"index": 0, "id": FakeToolCallID, "type": "function",
			"function": map[string]any{"name": toolName, "arguments": ""},
		}}}, nil))
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{
			"index": 0, "function": map[string]any{"arguments": `{"city":"Paris"}`},
		}}}, nil))
		finish = "tool_calls"
	} else {
		for _, piece := range []string{"It is 18 °C", " and clear", " in Paris."} {
			send(chunk(map[string]any{"content": piece}, nil))
		}
	}
	send(chunk(map[string]any{}, finish))
	if includeUsage {
		send(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": 1795300000, "model": model,
			"system_fingerprint": "fp_fake", "choices": []any{}, "usage": fakeUsage(),
		})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func writeOpenAIError(w http.ResponseWriter, status int, msg, typ string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nil},
	})
}
