package mapping

import (
	"encoding/json"
	"strings"

	sc "github.com/llmtrace/llmtrace/semconv"
)

// inferProvider returns the provider of a model call whose provider keys name none
// (issue 10), in this order, and "" when no source names one of the gen_ai.provider.name
// values (knownProviders):
//  1. framework metadata: LangChain's ls_provider inside OpenInference's `metadata` JSON
//     (semconv.LangChainLSProvider; "amazon_bedrock" → aws.bedrock, "google_vertexai" →
//     gcp.vertex_ai, … through NormalizeProvider);
//  2. the server the call went to (server.address, providerFromHost);
//  3. a provider prefix on the model id (providerFromModelPrefix);
//  4. the model family when it is unambiguous (providerFromModelFamily).
//
// The event then carries metadata.provider_inferred = true.
func inferProvider(a *spanAttrs, model string) string {
	if p := knownProvider(lsProvider(a)); p != "" {
		return p
	}
	if p := providerFromHost(a.str(sc.ServerAddress)); p != "" {
		return p
	}
	if p := providerFromModelPrefix(model); p != "" {
		return p
	}
	return providerFromModelFamily(model)
}

// knownProvider normalises p and returns it when it is a gen_ai.provider.name value.
func knownProvider(p string) string {
	if p = NormalizeProvider(p); knownProviders[p] {
		return p
	}
	return ""
}

// lsProvider reads ls_provider from OpenInference's `metadata` JSON object (LangChain
// through @arizeai/openinference-instrumentation-langchain or openinference-
// instrumentation-langchain: the run's metadata, where LangChain puts its LangSmith
// parameters). The attribute is parsed only when it mentions the key.
func lsProvider(a *spanAttrs) string {
	v, ok := a.get(sc.OIMetadata)
	if !ok || v.Kind() != ValueStr || !strings.Contains(v.Str(), sc.LangChainLSProvider) {
		return ""
	}
	var md struct {
		LSProvider string `json:"ls_provider"`
	}
	if json.Unmarshal([]byte(v.Str()), &md) != nil {
		return ""
	}
	return md.LSProvider
}

// Bedrock model ids are "<vendor>.<model>" and cross-region inference profiles prefix them
// with a geography ("us.anthropic.claude-3-5-haiku-20241022-v1:0"); AWS Bedrock user guide
// "Supported foundation models" (model IDs) and "Supported Regions and models for inference
// profiles".
var (
	bedrockVendors = []string{"anthropic.", "amazon.", "meta.", "cohere.", "ai21.", "mistral.", "deepseek.",
		"writer.", "stability.", "qwen.", "openai.", "twelvelabs.", "luma."}
	bedrockGeos = []string{"us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."}
)

// providerFromModelPrefix reads a provider named by the model id itself:
//   - a Bedrock model id or inference profile, or a Bedrock ARN
//     ("arn:aws:bedrock:…") → aws.bedrock;
//   - a Vertex AI publisher model resource ("publishers/google/models/gemini-…",
//     "projects/…/publishers/…") → gcp.vertex_ai;
//   - a Gemini API model resource name ("models/gemini-2.0-flash", the google-genai SDKs'
//     and generativelanguage.googleapis.com's form) → gcp.gemini;
//   - "<provider>/<model>" where <provider> is a provider name NormalizeProvider knows
//     ("openai/gpt-4o", "anthropic/claude-sonnet-4" — LiteLLM's and OpenRouter's form).
//
// It returns "" otherwise.
func providerFromModelPrefix(model string) string {
	m := strings.ToLower(strings.TrimSpace(model))
	switch {
	case m == "":
		return ""
	case strings.HasPrefix(m, "arn:aws:bedrock:"):
		return sc.ProviderAWSBedrock
	case strings.HasPrefix(m, "publishers/"), strings.HasPrefix(m, "projects/") && strings.Contains(m, "/publishers/"):
		return sc.ProviderGCPVertexAI
	case strings.HasPrefix(m, "models/"):
		if providerFromModelFamily(m[len("models/"):]) == sc.ProviderGCPGemini {
			return sc.ProviderGCPGemini
		}
		return ""
	}
	if i := strings.IndexByte(m, '/'); i > 0 {
		return knownProvider(m[:i])
	}
	rest := m
	for _, g := range bedrockGeos {
		if strings.HasPrefix(rest, g) {
			rest = rest[len(g):]
			break
		}
	}
	for _, v := range bedrockVendors {
		if strings.HasPrefix(rest, v) && len(rest) > len(v) {
			return sc.ProviderAWSBedrock
		}
	}
	return ""
}

// modelFamilies maps model-id prefixes onto the only provider that serves the family
// under that name (each vendor's published model list: gpt-, o1, o3, o4, chatgpt-,
// text-embedding- OpenAI; claude- Anthropic; gemini- Google's Gemini API; mistral-,
// mixtral-, codestral- Mistral AI; command- Cohere; deepseek- DeepSeek; grok- xAI). Open
// families served by many providers (llama, qwen, gemma, …) are absent: they are
// ambiguous.
var modelFamilies = []struct{ prefix, provider string }{
	{"gpt-", sc.ProviderOpenAI}, {"chatgpt-", sc.ProviderOpenAI}, {"text-embedding-", sc.ProviderOpenAI},
	{"o1", sc.ProviderOpenAI}, {"o3", sc.ProviderOpenAI}, {"o4", sc.ProviderOpenAI},
	{"claude-", sc.ProviderAnthropic}, {"gemini-", sc.ProviderGCPGemini},
	{"mistral-", sc.ProviderMistralAI}, {"mixtral-", sc.ProviderMistralAI}, {"codestral-", sc.ProviderMistralAI},
	{"command-", sc.ProviderCohere}, {"deepseek-", sc.ProviderDeepseek}, {"grok-", sc.ProviderXAI},
}

// providerFromModelFamily infers the provider from the model id's family (modelFamilies),
// read on the id's last path segment; "o1" / "o3" / "o4" match alone or followed by "-".
// It returns "" for an unknown or ambiguous family.
func providerFromModelFamily(model string) string {
	m := strings.ToLower(strings.TrimSpace(model))
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	for _, f := range modelFamilies {
		if !strings.HasPrefix(m, f.prefix) {
			continue
		}
		if f.prefix[len(f.prefix)-1] != '-' && len(m) > len(f.prefix) && m[len(f.prefix)] != '-' {
			continue // "o1" but not "o1x"
		}
		return f.provider
	}
	return ""
}
