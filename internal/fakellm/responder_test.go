package fakellm

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func startResponder(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(NewResponder())
	t.Cleanup(srv.Close)
	return srv.URL
}

// post sends body to url+path and returns the status, the content type and the body.
func post(t *testing.T, url, path, body string) (int, string, string) {
	t.Helper()
	resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
}

// sseData returns the data lines of an SSE stream, in order.
func sseData(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

// A Chat Completions tool loop as openai-go sends it: the first request offers a tool
// and gets a call to it with arguments from its schema; the request carrying the tool
// result gets the text answer to the last user message. Usage counts the words.
func TestResponderOpenAIChatToolLoop(t *testing.T) {
	url := startResponder(t)
	tools := `"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
		"properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer"}},
		"required":["location","unit","days"]}}}]`
	status, ctype, body := post(t, url, "/v1/chat/completions",
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the weather in Paris?"}],`+tools+`}`)
	if status != 200 || ctype != "application/json" {
		t.Fatalf("status %d %s: %s", status, ctype, body)
	}
	var first struct {
		Model   string `json:"model"`
		Choices []struct {
			Message struct {
				ToolCalls []struct {
					ID       string `json:"id"`
					Function struct{ Name, Arguments string }
				} `json:"tool_calls"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			Prompt     int64 `json:"prompt_tokens"`
			Completion int64 `json:"completion_tokens"`
		} `json:"usage"`
	}
	decode(t, body, &first)
	tc := first.Choices[0].Message.ToolCalls
	if first.Model != "gpt-4o-mini" || len(tc) != 1 || tc[0].Function.Name != "get_weather" || first.Choices[0].FinishReason != "tool_calls" {
		t.Fatalf("first reply: %s", body)
	}
	if tc[0].Function.Arguments != `{"days":1,"location":"example","unit":"celsius"}` {
		t.Errorf("arguments %s", tc[0].Function.Arguments)
	}
	if first.Usage.Prompt != 6 || first.Usage.Completion != 1 {
		t.Errorf("usage %+v, want 6 prompt words and 1 output word", first.Usage)
	}

	_, _, body = post(t, url, "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[
		{"role":"user","content":[{"type":"text","text":"What is the weather in Paris?"}]},
		{"role":"assistant","content":null,"tool_calls":[{"id":"`+tc[0].ID+`","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
		{"role":"tool","tool_call_id":"`+tc[0].ID+`","content":"18 C"}],`+tools+`}`)
	var second struct {
		Choices []struct {
			Message struct {
				Content   string `json:"content"`
				ToolCalls []any  `json:"tool_calls"`
			} `json:"message"`
		} `json:"choices"`
		Usage struct {
			Prompt     int64 `json:"prompt_tokens"`
			Completion int64 `json:"completion_tokens"`
		} `json:"usage"`
	}
	decode(t, body, &second)
	if m := second.Choices[0].Message; m.Content != "fakellm reply to: What is the weather in Paris?" || m.ToolCalls != nil {
		t.Errorf("second reply: %s", body)
	}
	if second.Usage.Prompt != 8 || second.Usage.Completion != 9 {
		t.Errorf("usage %+v, want 8 prompt words, 9 output words", second.Usage)
	}
}

// A streamed chat completion with include_usage ends with the usage chunk and [DONE]; the
// text chunks add up to the reply.
func TestResponderOpenAIChatStream(t *testing.T) {
	url := startResponder(t)
	status, ctype, body := post(t, url, "/v1/chat/completions",
		`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Count from 1 to 5."}]}`)
	if status != 200 || !strings.HasPrefix(ctype, "text/event-stream") {
		t.Fatalf("status %d %s", status, ctype)
	}
	data := sseData(body)
	if len(data) < 3 || data[len(data)-1] != "[DONE]" {
		t.Fatalf("stream %q", data)
	}
	var text strings.Builder
	for _, d := range data[:len(data)-2] {
		var ch struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		decode(t, d, &ch)
		text.WriteString(ch.Choices[0].Delta.Content)
	}
	if text.String() != "fakellm reply to: Count from 1 to 5." {
		t.Errorf("streamed text %q", text.String())
	}
	var last struct {
		Choices []any `json:"choices"`
		Usage   struct {
			Prompt     int64 `json:"prompt_tokens"`
			Completion int64 `json:"completion_tokens"`
		} `json:"usage"`
	}
	decode(t, data[len(data)-2], &last)
	if len(last.Choices) != 0 || last.Usage.Prompt != 5 || last.Usage.Completion != 8 {
		t.Errorf("usage chunk %s", data[len(data)-2])
	}
}

// The Responses API: a string input gets a text output; an input whose last item is a
// function_call_output after the user's message is answered, not called again.
func TestResponderOpenAIResponses(t *testing.T) {
	url := startResponder(t)
	_, _, body := post(t, url, "/v1/responses", `{"model":"gpt-4.1","input":"Hi there",
		"tools":[{"type":"function","name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}]}`)
	var r struct {
		Status string `json:"status"`
		Output []struct {
			Type, Name, Arguments string
		} `json:"output"`
	}
	decode(t, body, &r)
	if r.Status != "completed" || len(r.Output) != 1 || r.Output[0].Type != "function_call" || r.Output[0].Arguments != `{"q":"example"}` {
		t.Fatalf("first response: %s", body)
	}
	_, _, body = post(t, url, "/v1/responses", `{"model":"gpt-4.1","input":[
		{"role":"user","content":"Hi there"},
		{"type":"function_call","call_id":"c1","name":"lookup","arguments":"{}"},
		{"type":"function_call_output","call_id":"c1","output":"found"}],
		"tools":[{"type":"function","name":"lookup","parameters":{}}]}`)
	var r2 struct {
		Output []struct {
			Type    string                  `json:"type"`
			Content []struct{ Text string } `json:"content"`
		} `json:"output"`
	}
	decode(t, body, &r2)
	if len(r2.Output) != 1 || r2.Output[0].Type != "message" || r2.Output[0].Content[0].Text != "fakellm reply to: Hi there" {
		t.Errorf("second response: %s", body)
	}
}

func TestResponderOpenAIEmbeddings(t *testing.T) {
	url := startResponder(t)
	_, _, body := post(t, url, "/v1/embeddings", `{"model":"text-embedding-3-small","input":["a b","c"],"dimensions":4}`)
	var r struct {
		Data []struct {
			Embedding []float64 `json:"embedding"`
		} `json:"data"`
		Usage struct {
			Prompt int64 `json:"prompt_tokens"`
		} `json:"usage"`
	}
	decode(t, body, &r)
	if len(r.Data) != 2 || len(r.Data[0].Embedding) != 4 || r.Usage.Prompt != 3 {
		t.Errorf("embeddings: %s", body)
	}
}

// The Messages API: a tool_use for the first tool (schema-made input), then — the user
// turn carrying the tool_result — the text answer; streamed, the same answer in
// text_delta events between message_start and message_stop.
func TestResponderAnthropicMessages(t *testing.T) {
	url := startResponder(t)
	tools := `"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}]`
	_, _, body := post(t, url, "/v1/messages", `{"model":"claude-sonnet-4-5","max_tokens":256,"system":"Be brief.",
		"messages":[{"role":"user","content":"Weather in Paris?"}],`+tools+`}`)
	var m struct {
		Model      string `json:"model"`
		StopReason string `json:"stop_reason"`
		Content    []struct {
			Type, ID, Name, Text string
			Input                json.RawMessage
		} `json:"content"`
		Usage struct {
			Input  int64 `json:"input_tokens"`
			Output int64 `json:"output_tokens"`
		} `json:"usage"`
	}
	decode(t, body, &m)
	if m.Model != "claude-sonnet-4-5" || m.StopReason != "tool_use" || len(m.Content) != 1 || m.Content[0].Name != "get_weather" ||
		string(m.Content[0].Input) != `{"location":"example"}` || m.Usage.Input != 5 {
		t.Fatalf("first message: %s", body)
	}
	_, _, body = post(t, url, "/v1/messages", `{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[
		{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},
		{"role":"assistant","content":[{"type":"tool_use","id":"`+m.Content[0].ID+`","name":"get_weather","input":{}}]},
		{"role":"user","content":[{"type":"tool_result","tool_use_id":"`+m.Content[0].ID+`","content":"18 C"}]}],`+tools+`}`)
	decode(t, body, &m)
	if m.StopReason != "end_turn" || len(m.Content) != 1 || m.Content[0].Text != "fakellm reply to: Weather in Paris?" {
		t.Errorf("second message: %s", body)
	}

	status, ctype, body := post(t, url, "/v1/messages", `{"model":"claude-haiku-4-5","max_tokens":64,"stream":true,
		"messages":[{"role":"user","content":"Count from 1 to 5."}]}`)
	if status != 200 || !strings.HasPrefix(ctype, "text/event-stream") {
		t.Fatalf("stream: status %d %s", status, ctype)
	}
	data := sseData(body)
	var text strings.Builder
	for _, d := range data {
		var ev struct {
			Type  string
			Delta struct{ Type, Text string }
		}
		decode(t, d, &ev)
		if ev.Type == "content_block_delta" && ev.Delta.Type == "text_delta" {
			text.WriteString(ev.Delta.Text)
		}
	}
	if !strings.Contains(data[0], `"message_start"`) || !strings.Contains(data[len(data)-1], "message_stop") ||
		text.String() != "fakellm reply to: Count from 1 to 5." {
		t.Errorf("stream text %q, events %q", text.String(), data)
	}
}

// Bad requests: not JSON or no model is a 400 in the provider's error envelope; an
// unknown route is a 404 that names the routes served.
func TestResponderBadRequests(t *testing.T) {
	url := startResponder(t)
	status, _, body := post(t, url, "/v1/chat/completions", `{"model":`)
	var oe struct {
		Error struct{ Type, Message string } `json:"error"`
	}
	decode(t, body, &oe)
	if status != 400 || oe.Error.Type != "invalid_request_error" || !strings.Contains(oe.Error.Message, "not valid JSON") {
		t.Errorf("truncated JSON: %d %s", status, body)
	}
	status, _, body = post(t, url, "/v1/messages", `{"messages":[]}`)
	var ae struct {
		Type  string `json:"type"`
		Error struct{ Type, Message string }
	}
	decode(t, body, &ae)
	if status != 400 || ae.Type != "error" || ae.Error.Message != "model: field required" {
		t.Errorf("no model: %d %s", status, body)
	}
	status, _, body = post(t, url, "/v2/chat", `{}`)
	if status != 404 || !strings.Contains(body, "POST /v2/chat") || !strings.Contains(body, "POST /v1/messages") {
		t.Errorf("unknown route: %d %s", status, body)
	}
	status, _, _ = post(t, url, "/v1/messages", `{"model":"m","pad":"`+strings.Repeat("x", MaxRequestBytes)+`"}`)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", status)
	}
}
