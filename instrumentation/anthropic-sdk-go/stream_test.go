package llmtraceanthropic_test

import (
	"reflect"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// A streamed Message reaches the application event by event: message_start is read while
// the fake API still holds the rest and the span is open; the span ends with the stream,
// usage from message_start (input side, made inclusive) and message_delta (output), the
// stop reason, time_to_first_chunk, and the content rebuilt from its deltas.
func TestStreamIsNotBufferedAndEndsWithTheStream(t *testing.T) {
	h := newHarness(t, true)
	hold := make(chan struct{})
	rep := fakellm.AnthropicStream(fakellm.AnthropicMessage{ID: "msg_s1", Model: "claude-sonnet-4-5-20250929",
		Text: "Hello from the stream!", ToolUses: []fakellm.AnthropicToolUse{{ID: "toolu_s", Name: "get_weather", Input: `{"location":"Nice"}`}},
		Usage: fakellm.AnthropicUsage{Input: 25, CacheRead: 100, Output: 42}})
	rep.Hold = hold
	h.fake.Enqueue(rep)

	st := h.client.Messages.NewStreaming(t.Context(), anthropic.MessageNewParams{Model: model, MaxTokens: 256, Messages: userText("Hi")})
	if !st.Next() {
		t.Fatalf("no first event: %v", st.Err())
	}
	if n := len(h.rec.Ended()); n != 0 {
		t.Fatalf("%d spans ended before the stream did", n)
	}
	close(hold)
	var msg anthropic.Message
	if err := msg.Accumulate(st.Current()); err != nil {
		t.Fatal(err)
	}
	for st.Next() {
		if err := msg.Accumulate(st.Current()); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	if msg.Content[0].Text != "Hello from the stream!" {
		t.Errorf("the application read %+v", msg.Content)
	}
	s := h.spans(t, 1)[0]
	checkKeys(t, s)
	a := attrs(s)
	if !a["gen_ai.request.stream"].AsBool() || a["gen_ai.usage.input_tokens"].AsInt64() != 125 ||
		a["gen_ai.usage.cache_read.input_tokens"].AsInt64() != 100 || a["gen_ai.usage.output_tokens"].AsInt64() != 42 ||
		a["gen_ai.response.id"].AsString() != "msg_s1" {
		t.Errorf("attributes %v", a)
	}
	if got := a["gen_ai.response.finish_reasons"].AsStringSlice(); !reflect.DeepEqual(got, []string{"tool_use"}) {
		t.Errorf("finish reasons %v", got)
	}
	if ttfc := a["gen_ai.response.time_to_first_chunk"].AsFloat64(); ttfc <= 0 || ttfc > s.EndTime().Sub(s.StartTime()).Seconds() {
		t.Errorf("time_to_first_chunk %v", ttfc)
	}
	if got, want := canonical(t, a["gen_ai.output.messages"].AsString()), canonical(t, `[{"role":"assistant","finish_reason":"tool_call","parts":[
		{"type":"text","content":"Hello from the stream!"},
		{"type":"tool_call","id":"toolu_s","name":"get_weather","arguments":{"location":"Nice"}}]}]`); got != want {
		t.Errorf("output messages\n got %s\nwant %s", got, want)
	}
}

// A stream the application closes early ends the span then, without an error, with the
// input-side usage message_start gave.
func TestStreamClosedEarlyEndsTheSpan(t *testing.T) {
	h := newHarness(t, false)
	hold := make(chan struct{})
	defer close(hold)
	rep := fakellm.AnthropicStream(fakellm.AnthropicMessage{ID: "msg_s2", Model: "claude-sonnet-4-5", Text: "long",
		Usage: fakellm.AnthropicUsage{Input: 7, Output: 30}})
	rep.Hold = hold
	h.fake.Enqueue(rep)
	st := h.client.Messages.NewStreaming(t.Context(), anthropic.MessageNewParams{Model: model, MaxTokens: 256, Messages: userText("Hi")})
	if !st.Next() {
		t.Fatal(st.Err())
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	s := h.spans(t, 1)[0]
	a := attrs(s)
	if a["gen_ai.response.id"].AsString() != "msg_s2" || a["gen_ai.usage.input_tokens"].AsInt64() != 7 || s.Status().Code != 0 {
		t.Errorf("attributes %v status %v", a, s.Status())
	}
	if _, ok := a["gen_ai.response.finish_reasons"]; ok {
		t.Error("a stop reason from a stream closed before message_delta")
	}
}

// An "error" event in the middle of a stream (the API's overloaded_error) fails the span.
func TestStreamErrorEventFailsTheSpan(t *testing.T) {
	h := newHarness(t, false)
	rep := fakellm.AnthropicStream(fakellm.AnthropicMessage{ID: "msg_s3", Model: "claude-sonnet-4-5", Text: "partial answer"})
	rep.Events = append(rep.Events[:4], fakellm.Event{Name: "error",
		Data: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`})
	h.fake.Enqueue(rep)
	st := h.client.Messages.NewStreaming(t.Context(), anthropic.MessageNewParams{Model: model, MaxTokens: 256, Messages: userText("Hi")})
	for st.Next() {
	}
	if st.Err() == nil {
		t.Error("the SDK reported no error")
	}
	_ = st.Close()
	checkFailed(t, h.spans(t, 1)[0], "overloaded_error", "Overloaded")
}
