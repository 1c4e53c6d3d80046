package mapping

import (
	"testing"
)

// Provider inference for model calls whose keys name no provider (issue 10, item 4). Each
// case is an OpenInference LLM span (openinference.span.kind, llm.model_name — what
// @arizeai/openinference-instrumentation-langchain writes) or a gen_ai chat span, with the
// model ids and ls_provider values the named libraries emit.
func TestInferProvider(t *testing.T) {
	oi := func(model string, extra ...kv) []kv {
		return append([]kv{str("openinference.span.kind", "LLM"), str("llm.model_name", model)}, extra...)
	}
	cases := []struct {
		name     string
		attrs    []kv
		want     string
		inferred bool
	}{
		// LangChain's LangSmith params in OpenInference's metadata JSON, verbatim from
		// @langchain/openai 1.6.0 (testdata/captures/langchain-openinference-openai-tool-loop.json).
		{"ls_provider openai", oi("gpt-4o-mini", str("metadata", `{"ls_provider":"openai","ls_model_name":"gpt-4o-mini","ls_model_type":"chat","ls_temperature":0.2}`)), "openai", true},
		// @langchain/aws ChatBedrockConverse getLsParams: ls_provider "amazon_bedrock".
		{"ls_provider amazon_bedrock", oi("eu.anthropic.claude-3-haiku-20240307-v1:0", str("metadata", `{"ls_provider":"amazon_bedrock","ls_model_name":"eu.anthropic.claude-3-haiku-20240307-v1:0"}`)), "aws.bedrock", true},
		// @langchain/google-vertexai getLsParams: "google_vertexai" — wins over the model family.
		{"ls_provider google_vertexai", oi("gemini-2.5-flash", str("metadata", `{"ls_provider":"google_vertexai","ls_model_name":"gemini-2.5-flash"}`)), "gcp.vertex_ai", true},
		// A value outside gen_ai.provider.name's list (@langchain/ollama "ollama") names
		// nothing; an open model family is ambiguous.
		{"ls_provider ollama, llama", oi("llama3.1", str("metadata", `{"ls_provider":"ollama","ls_model_name":"llama3.1"}`)), "", false},
		{"ls_provider ollama, known family", oi("mistral-small", str("metadata", `{"ls_provider":"ollama"}`)), "mistral_ai", true},
		// server.address (gen_ai client span attribute).
		{"server.address", oi("some-model", str("server.address", "api.mistral.ai")), "mistral_ai", true},
		// Provider prefixes on the model id.
		{"litellm openai/", oi("openai/gpt-4o"), "openai", true},
		{"openrouter anthropic/", oi("anthropic/claude-sonnet-4"), "anthropic", true},
		{"bedrock model id", oi("anthropic.claude-3-5-sonnet-20240620-v1:0"), "aws.bedrock", true},
		{"bedrock inference profile", oi("us.anthropic.claude-3-5-haiku-20241022-v1:0"), "aws.bedrock", true},
		{"bedrock amazon nova", oi("amazon.nova-pro-v1:0"), "aws.bedrock", true},
		{"bedrock arn", oi("arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0"), "aws.bedrock", true},
		{"gemini api resource", oi("models/gemini-2.0-flash"), "gcp.gemini", true},
		{"vertex publisher resource", oi("publishers/google/models/gemini-1.5-pro-002"), "gcp.vertex_ai", true},
		{"huggingface org", oi("meta-llama/Llama-3.1-8B-Instruct"), "", false},
		// Model families.
		{"gpt-", oi("gpt-4o-2024-08-06"), "openai", true},
		{"o1 alone", oi("o1"), "openai", true},
		{"o3-mini", oi("o3-mini"), "openai", true},
		{"o4-mini", oi("o4-mini-2025-04-16"), "openai", true},
		{"chatgpt-", oi("chatgpt-4o-latest"), "openai", true},
		{"omni is not o1", oi("omni-moderation-latest"), "", false},
		{"claude-", oi("claude-sonnet-4-20250514"), "anthropic", true},
		{"gemini-", oi("gemini-2.5-pro"), "gcp.gemini", true},
		{"mixtral-", oi("mixtral-8x7b-32768"), "mistral_ai", true},
		{"codestral-", oi("codestral-latest"), "mistral_ai", true},
		{"command-", oi("command-r-plus"), "cohere", true},
		{"deepseek-", oi("deepseek-chat"), "deepseek", true},
		{"grok-", oi("grok-3-mini"), "x_ai", true},
		{"llama is ambiguous", oi("llama-3.3-70b-versatile"), "", false},
		// A provider key wins and is not inferred.
		{"provider key", oi("llama-3.3-70b-versatile", str("llm.provider", "groq")), "groq", false},
		{"gen_ai.provider.name", []kv{str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
			str("gen_ai.request.model", "claude-sonnet-4")}, "openai", false},
	}
	for _, c := range cases {
		ev := mapOne(t, MapOptions{}, newSpan(1, 0, "llm", c.attrs...))[0]
		_, marked := ev.Metadata.Lookup("provider_inferred")
		if ev.Provider != c.want || marked != c.inferred || (marked && ev.Metadata.Get("provider_inferred") != true) {
			t.Errorf("%s: provider %q inferred %v, want %q %v", c.name, ev.Provider, ev.Metadata.Get("provider_inferred"), c.want, c.inferred)
		}
	}
}

// Only model calls get an inferred provider: a tool or a chain naming a model gets none.
func TestInferProviderModelCallsOnly(t *testing.T) {
	ev := mapOne(t, MapOptions{}, newSpan(1, 0, "chain", str("openinference.span.kind", "CHAIN"),
		str("metadata", `{"ls_provider":"openai"}`)))[0]
	if ev.Provider != "" || ev.Metadata.Get("provider_inferred") != nil {
		t.Errorf("chain: provider %q inferred %v, want none", ev.Provider, ev.Metadata.Get("provider_inferred"))
	}
}
