package llmtraceopenai_test

import (
	"reflect"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// The Responses API: operation chat, openai.api.type responses, instructions as
// gen_ai.system_instructions, usage from the response object.
func TestResponsesAPISpan(t *testing.T) {
	h := newHarness(t, true)
	h.fake.Enqueue(fakellm.OpenAIResponse(fakellm.OpenAIChat{ID: "resp_67ccd2bed1ec8190", Model: "gpt-4.1-2025-04-14",
		Text: "Bonjour!", Usage: fakellm.OpenAIUsage{Prompt: 36, Completion: 87, Cached: 10, Reasoning: 40}}))
	_, err := h.client.Responses.New(t.Context(), responses.ResponseNewParams{
		Model:           "gpt-4.1",
		Instructions:    openai.String("Speak French."),
		Input:           responses.ResponseNewParamsInputUnion{OfString: openai.String("Say hello")},
		MaxOutputTokens: openai.Int(200),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := h.spans(t, 1)[0]
	checkKeys(t, s)
	a := attrs(s)
	if s.Name() != "chat gpt-4.1" || a["openai.api.type"].AsString() != "responses" || a["gen_ai.request.max_tokens"].AsInt64() != 200 ||
		a["gen_ai.response.id"].AsString() != "resp_67ccd2bed1ec8190" || a["gen_ai.usage.input_tokens"].AsInt64() != 36 ||
		a["gen_ai.usage.output_tokens"].AsInt64() != 87 || a["gen_ai.usage.cache_read.input_tokens"].AsInt64() != 10 ||
		a["gen_ai.usage.reasoning.output_tokens"].AsInt64() != 40 {
		t.Errorf("span %q attributes %v", s.Name(), a)
	}
	if got := a["gen_ai.response.finish_reasons"].AsStringSlice(); !reflect.DeepEqual(got, []string{"stop"}) {
		t.Errorf("finish reasons %v", got)
	}
	for key, want := range map[string]string{
		"gen_ai.system_instructions": `[{"type":"text","content":"Speak French."}]`,
		"gen_ai.input.messages":      `[{"role":"user","parts":[{"type":"text","content":"Say hello"}]}]`,
		"gen_ai.output.messages":     `[{"role":"assistant","parts":[{"type":"text","content":"Bonjour!"}],"finish_reason":"stop"}]`,
	} {
		if got := canonical(t, a[key].AsString()); got != canonical(t, want) {
			t.Errorf("%s\n got %s\nwant %s", key, got, want)
		}
	}
}

// A streamed Responses API call takes its usage and output from response.completed.
func TestResponsesAPIStream(t *testing.T) {
	h := newHarness(t, false)
	h.fake.Enqueue(fakellm.OpenAIResponseStream(fakellm.OpenAIChat{ID: "resp_s", Model: "gpt-4.1-2025-04-14",
		Text: "Streaming works.", Usage: fakellm.OpenAIUsage{Prompt: 20, Completion: 4}}))
	st := h.client.Responses.NewStreaming(t.Context(), responses.ResponseNewParams{Model: "gpt-4.1",
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("Go")}})
	var text string
	for st.Next() {
		if ev := st.Current(); ev.Type == "response.output_text.delta" {
			text += ev.Delta
		}
	}
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	if text != "Streaming works." {
		t.Errorf("application read %q", text)
	}
	s := h.spans(t, 1)[0]
	checkKeys(t, s)
	a := attrs(s)
	if !a["gen_ai.request.stream"].AsBool() || a["gen_ai.usage.input_tokens"].AsInt64() != 20 || a["gen_ai.usage.output_tokens"].AsInt64() != 4 ||
		a["gen_ai.response.time_to_first_chunk"].AsFloat64() <= 0 || a["gen_ai.response.id"].AsString() != "resp_s" {
		t.Errorf("attributes %v", a)
	}
	if _, ok := a["gen_ai.output.messages"]; ok {
		t.Error("content with capture off")
	}
}

// Embeddings: operation embeddings, the encoding format and dimensions, input tokens only.
func TestEmbeddingsSpan(t *testing.T) {
	h := newHarness(t, true)
	h.fake.Enqueue(fakellm.OpenAIEmbeddings("text-embedding-3-small", 2, 8, 11))
	_, err := h.client.Embeddings.New(t.Context(), openai.EmbeddingNewParams{
		Model:          openai.EmbeddingModelTextEmbedding3Small,
		Input:          openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"a", "b"}},
		Dimensions:     openai.Int(8),
		EncodingFormat: openai.EmbeddingNewParamsEncodingFormatFloat,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := h.spans(t, 1)[0]
	checkKeys(t, s)
	got := map[string]any{}
	for k, v := range attrs(s) {
		got[k] = v.AsInterface()
	}
	want := map[string]any{
		"gen_ai.operation.name": "embeddings", "gen_ai.provider.name": "openai",
		"gen_ai.request.model": "text-embedding-3-small", "gen_ai.request.encoding_formats": []string{"float"},
		"gen_ai.embeddings.dimension.count": int64(8), "server.address": "127.0.0.1", "server.port": fakePort(t, h),
		"gen_ai.response.model": "text-embedding-3-small", "gen_ai.usage.input_tokens": int64(11),
	}
	if !reflect.DeepEqual(got, want) || s.Name() != "embeddings text-embedding-3-small" {
		t.Errorf("span %q\n got %v\nwant %v", s.Name(), got, want)
	}
}

// Endpoints that are not model calls pass through without a span.
func TestOtherEndpointsAreNotTraced(t *testing.T) {
	h := newHarness(t, true)
	h.fake.Enqueue(fakellm.Reply{Body: `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}]}`})
	page, err := h.client.Models.List(t.Context())
	if err != nil || len(page.Data) != 1 {
		t.Fatalf("%v %v", page, err)
	}
	h.spans(t, 0)
}
