package llmtraceopenai_test

import (
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	llmtraceopenai "github.com/llmtrace/llmtrace/instrumentation/openai-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
	"github.com/llmtrace/llmtrace/platform"
)

// UsageFromOpenAI reads the SDK's own decoding of each response type.
func TestUsageFromOpenAI(t *testing.T) {
	fake := fakellm.New(t)
	client := openai.NewClient(option.WithBaseURL(fake.URL()), option.WithAPIKey("sk-test"))
	u := fakellm.OpenAIUsage{Prompt: 100, Completion: 40, Cached: 60, CacheWrite: 10, Reasoning: 25}
	want := platform.Usage{PromptTokens: 100, CompletionTokens: 40, TotalTokens: 140, CachedTokens: 60, ReasoningTokens: 25}
	fake.Enqueue(
		fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "c", Model: "o4-mini", Text: "x", Usage: u}),
		fakellm.OpenAIResponse(fakellm.OpenAIChat{ID: "r", Model: "o4-mini", Text: "x", Usage: u}),
		fakellm.OpenAIChatStream(fakellm.OpenAIChat{ID: "s", Model: "o4-mini", Text: "xyz", Usage: u}, true),
		fakellm.OpenAIEmbeddings("text-embedding-3-small", 1, 4, 7),
	)
	chat, err := client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{Model: "o4-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := llmtraceopenai.UsageFromOpenAI(chat); got != want {
		t.Errorf("chat completion: %+v, want %+v", got, want)
	}
	if got := llmtraceopenai.UsageFromOpenAI(chat.Usage); got != want {
		t.Errorf("completion usage: %+v", got)
	}
	resp, err := client.Responses.New(t.Context(), responses.ResponseNewParams{Model: "o4-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := llmtraceopenai.UsageFromOpenAI(resp); got != want {
		t.Errorf("response: %+v, want %+v", got, want)
	}
	st := client.Chat.Completions.NewStreaming(t.Context(), openai.ChatCompletionNewParams{Model: "o4-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}})
	var last openai.ChatCompletionChunk
	for st.Next() {
		last = st.Current()
	}
	if got := llmtraceopenai.UsageFromOpenAI(&last); got != want {
		t.Errorf("usage chunk: %+v, want %+v", got, want)
	}
	emb, err := client.Embeddings.New(t.Context(), openai.EmbeddingNewParams{Model: "text-embedding-3-small",
		Input: openai.EmbeddingNewParamsInputUnion{OfString: openai.String("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := llmtraceopenai.UsageFromOpenAI(emb); got != (platform.Usage{PromptTokens: 7, TotalTokens: 7}) {
		t.Errorf("embeddings: %+v", got)
	}
	if got := llmtraceopenai.UsageFromOpenAI((*openai.ChatCompletion)(nil)); !got.IsZero() {
		t.Errorf("nil: %+v", got)
	}
}
