package llmtraceopenai_test

import (
	"reflect"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"

	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// A streamed chat completion reaches the application chunk by chunk: the first chunk is
// read while the fake provider still holds the rest, and the span is still open; it ends
// with the stream, with the usage chunk's counts, the finish reason and
// time_to_first_chunk.
func TestChatStreamIsNotBufferedAndEndsWithTheStream(t *testing.T) {
	h := newHarness(t, true)
	hold := make(chan struct{})
	rep := fakellm.OpenAIChatStream(fakellm.OpenAIChat{ID: "chatcmpl-s1", Model: "gpt-4o-mini-2024-07-18", Text: "Hello there, friend!",
		Usage: fakellm.OpenAIUsage{Prompt: 12, Completion: 5, Cached: 2}}, true)
	rep.Hold = hold
	h.fake.Enqueue(rep)

	st := h.client.Chat.Completions.NewStreaming(t.Context(), openai.ChatCompletionNewParams{
		Model:         "gpt-4o-mini",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: param.NewOpt(true)},
	})
	if !st.Next() {
		t.Fatalf("no first chunk: %v", st.Err())
	}
	if n := len(h.rec.Ended()); n != 0 {
		t.Fatalf("%d spans ended before the stream did", n)
	}
	close(hold)
	var acc openai.ChatCompletionAccumulator
	acc.AddChunk(st.Current())
	for st.Next() {
		acc.AddChunk(st.Current())
	}
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	if acc.Choices[0].Message.Content != "Hello there, friend!" {
		t.Errorf("the application read %q", acc.Choices[0].Message.Content)
	}
	_ = st.Close()
	s := h.spans(t, 1)[0]
	checkKeys(t, s)
	a := attrs(s)
	if a["gen_ai.request.stream"].AsBool() != true || a["gen_ai.usage.input_tokens"].AsInt64() != 12 ||
		a["gen_ai.usage.output_tokens"].AsInt64() != 5 || a["gen_ai.usage.cache_read.input_tokens"].AsInt64() != 2 ||
		a["gen_ai.response.id"].AsString() != "chatcmpl-s1" || a["gen_ai.response.model"].AsString() != "gpt-4o-mini-2024-07-18" {
		t.Errorf("attributes %v", a)
	}
	if got := a["gen_ai.response.finish_reasons"].AsStringSlice(); !reflect.DeepEqual(got, []string{"stop"}) {
		t.Errorf("finish reasons %v", got)
	}
	if ttfc := a["gen_ai.response.time_to_first_chunk"].AsFloat64(); ttfc <= 0 || ttfc > s.EndTime().Sub(s.StartTime()).Seconds() {
		t.Errorf("time_to_first_chunk %v s, span lasted %v", ttfc, s.EndTime().Sub(s.StartTime()))
	}
	if got, want := canonical(t, a["gen_ai.output.messages"].AsString()), canonical(t,
		`[{"role":"assistant","parts":[{"type":"text","content":"Hello there, friend!"}],"finish_reason":"stop"}]`); got != want {
		t.Errorf("output messages\n got %s\nwant %s", got, want)
	}
}

// Streamed tool calls are assembled from their deltas; without stream_options.include_usage
// OpenAI sends no usage and the span has none.
func TestChatStreamToolCallWithoutUsage(t *testing.T) {
	h := newHarness(t, true)
	h.fake.Enqueue(fakellm.OpenAIChatStream(fakellm.OpenAIChat{ID: "chatcmpl-s2", Model: "gpt-4o-mini",
		ToolCalls: []fakellm.ToolCall{{ID: "call_9", Name: "get_weather", Arguments: `{"location":"Lyon"}`}}}, false))
	st := h.client.Chat.Completions.NewStreaming(t.Context(), openai.ChatCompletionNewParams{
		Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Lyon?")}})
	for st.Next() {
	}
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	s := h.spans(t, 1)[0]
	a := attrs(s)
	if _, ok := a["gen_ai.usage.input_tokens"]; ok {
		t.Error("usage without a usage chunk")
	}
	if got, want := canonical(t, a["gen_ai.output.messages"].AsString()), canonical(t,
		`[{"role":"assistant","parts":[{"type":"tool_call","id":"call_9","name":"get_weather","arguments":{"location":"Lyon"}}],"finish_reason":"tool_call"}]`); got != want {
		t.Errorf("output messages\n got %s\nwant %s", got, want)
	}
}

// An application that stops reading and closes the stream ends the span then, with what
// was read and no error.
func TestChatStreamClosedEarlyEndsTheSpan(t *testing.T) {
	h := newHarness(t, false)
	hold := make(chan struct{})
	defer close(hold)
	rep := fakellm.OpenAIChatStream(fakellm.OpenAIChat{ID: "chatcmpl-s3", Model: "gpt-4o-mini", Text: "a long answer"}, true)
	rep.Hold = hold
	h.fake.Enqueue(rep)
	st := h.client.Chat.Completions.NewStreaming(t.Context(), openai.ChatCompletionNewParams{
		Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}})
	if !st.Next() {
		t.Fatal(st.Err())
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	s := h.spans(t, 1)[0]
	a := attrs(s)
	if a["gen_ai.response.id"].AsString() != "chatcmpl-s3" || s.Status().Code != 0 {
		t.Errorf("attributes %v status %v", a, s.Status())
	}
	if _, ok := a["gen_ai.usage.input_tokens"]; ok {
		t.Error("usage recorded from a stream closed before its usage chunk")
	}
}
