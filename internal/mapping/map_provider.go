package mapping

import (
	"strings"

	sc "github.com/llmtrace/llmtrace/semconv"
)

// modelName is the span's model as the event names it (readModel, then modelRules),
// without consuming any key.
func (p *prepared) modelName() string {
	if m, _ := p.a.firstStr(p.a.rules.modelKeys...); m != "" {
		return m
	}
	for _, rule := range p.a.rules.modelRules {
		if m := rule(p); m != "" {
			return m
		}
	}
	return ""
}

// providerAliases maps deprecated gen_ai.system values, OpenInference llm.provider /
// llm.system values and AI SDK provider ids (before the first '.') onto gen_ai.provider.name.
var providerAliases = map[string]string{
	"openai": sc.ProviderOpenAI, "anthropic": sc.ProviderAnthropic, "cohere": sc.ProviderCohere,
	"deepseek": sc.ProviderDeepseek, "groq": sc.ProviderGroq, "perplexity": sc.ProviderPerplexity,
	"xai": sc.ProviderXAI, "x_ai": sc.ProviderXAI, "x-ai": sc.ProviderXAI,
	"vertex_ai": sc.ProviderGCPVertexAI, "vertexai": sc.ProviderGCPVertexAI, "vertex": sc.ProviderGCPVertexAI,
	"google.vertex": sc.ProviderGCPVertexAI, "google-vertex": sc.ProviderGCPVertexAI,
	"gemini": sc.ProviderGCPGemini, "google": sc.ProviderGCPGemini, "google.generative-ai": sc.ProviderGCPGemini,
	"az.ai.inference": sc.ProviderAzureAIInference, "az.ai.openai": sc.ProviderAzureAIOpenAI,
	"azure": sc.ProviderAzureAIOpenAI, "azure-openai": sc.ProviderAzureAIOpenAI, "azure_openai": sc.ProviderAzureAIOpenAI,
	"aws": sc.ProviderAWSBedrock, "bedrock": sc.ProviderAWSBedrock, "amazon-bedrock": sc.ProviderAWSBedrock,
	"aws_bedrock": sc.ProviderAWSBedrock, "mistral": sc.ProviderMistralAI, "mistralai": sc.ProviderMistralAI,
	"moonshot": sc.ProviderMoonshotAI, "moonshotai": sc.ProviderMoonshotAI, "watsonx": sc.ProviderIBMWatsonxAI,
	"ibm": sc.ProviderIBMWatsonxAI,
	// Python instrumentations: pydantic-ai Model.system values (google-gla is the Gemini API,
	// google-vertex Vertex AI), openai-v2's base-URL vendors (google_vertex, aws_bedrock).
	"google-gla": sc.ProviderGCPGemini, "google_gla": sc.ProviderGCPGemini, "google_vertex": sc.ProviderGCPVertexAI,
	"google_genai": sc.ProviderGCPGenAI, "google-genai": sc.ProviderGCPGenAI, "mistral_ai": sc.ProviderMistralAI,
	// LangChain ls_provider values (semconv.LangChainLSProvider).
	"google_vertexai": sc.ProviderGCPVertexAI, "amazon_bedrock": sc.ProviderAWSBedrock,
}

// knownProviders are the gen_ai.provider.name values kept as they are.
var knownProviders = map[string]bool{
	sc.ProviderAnthropic: true, sc.ProviderAWSBedrock: true, sc.ProviderAzureAIInference: true,
	sc.ProviderAzureAIOpenAI: true, sc.ProviderCohere: true, sc.ProviderDeepseek: true, sc.ProviderGCPGemini: true,
	sc.ProviderGCPGenAI: true, sc.ProviderGCPVertexAI: true, sc.ProviderGroq: true, sc.ProviderIBMWatsonxAI: true,
	sc.ProviderMistralAI: true, sc.ProviderOpenAI: true, sc.ProviderPerplexity: true, sc.ProviderXAI: true,
	sc.ProviderMoonshotAI: true,
}

// NormalizeProvider maps a provider name of any dialect onto gen_ai.provider.name
// (semconv v1.41 values): deprecated gen_ai.system aliases (xai → x_ai, vertex_ai →
// gcp.vertex_ai, az.ai.openai → azure.ai.openai, …), OpenInference values (mistralai,
// google, aws, …) and AI SDK provider ids ("openai.chat" → openai, "anthropic.messages" →
// anthropic). Unknown values are returned lower-cased.
func NormalizeProvider(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	if p == "" || knownProviders[p] {
		return p
	}
	if n, ok := providerAliases[p]; ok {
		return n
	}
	// AI SDK ids: "<provider>.<api>", e.g. openai.chat, google.vertex.chat.
	if i := strings.IndexByte(p, '.'); i > 0 {
		if j := strings.IndexByte(p[i+1:], '.'); j > 0 {
			if n, ok := providerAliases[p[:i+1+j]]; ok {
				return n
			}
		}
		if n, ok := providerAliases[p[:i]]; ok {
			return n
		}
		return p[:i]
	}
	return p
}

// providerFromHost infers the provider from server.address.
func providerFromHost(host string) string {
	host = strings.ToLower(host)
	switch {
	case host == "api.openai.com":
		return sc.ProviderOpenAI
	case host == "api.anthropic.com":
		return sc.ProviderAnthropic
	case strings.HasSuffix(host, ".openai.azure.com"):
		return sc.ProviderAzureAIOpenAI
	case strings.HasSuffix(host, ".services.ai.azure.com"), strings.HasSuffix(host, ".inference.ai.azure.com"):
		return sc.ProviderAzureAIInference
	case host == "generativelanguage.googleapis.com":
		return sc.ProviderGCPGemini
	case strings.HasSuffix(host, "aiplatform.googleapis.com"):
		return sc.ProviderGCPVertexAI
	case strings.HasPrefix(host, "bedrock-runtime.") && strings.HasSuffix(host, ".amazonaws.com"):
		return sc.ProviderAWSBedrock
	case host == "api.mistral.ai":
		return sc.ProviderMistralAI
	case host == "api.groq.com":
		return sc.ProviderGroq
	case host == "api.deepseek.com":
		return sc.ProviderDeepseek
	case host == "api.x.ai":
		return sc.ProviderXAI
	case host == "api.cohere.com", host == "api.cohere.ai":
		return sc.ProviderCohere
	case host == "api.perplexity.ai":
		return sc.ProviderPerplexity
	}
	return ""
}

// readProvider returns the normalised provider and consumes its keys (providerKeys, then
// providerRules; precedence.go). A framework name (isFrameworkSystem) is skipped and kept in
// metadata; a model call whose keys name no provider gets the one inferProvider finds (from
// model, else the span's model keys), with inferred true.
func readProvider(a *spanAttrs, llm bool, model, scope string) (provider string, inferred bool) {
	r := a.rules
	keys := r.providerKeys
	bits := r.listBits(keys)
	p := ""
	for i := range keys {
		if v := a.strAt(keys, bits, i); v != "" && !r.isFrameworkSystem(v, scope) {
			p = v
			break
		}
	}
	for i := range keys {
		j := a.at(keys, bits, i)
		if j < 0 {
			continue
		}
		if v := valueString(a.e[j].v); v != "" && r.isFrameworkSystem(v, scope) {
			continue // kept in metadata: it names the framework
		}
		a.e[j].used = true
	}
	for _, rule := range r.providerRules {
		if p != "" {
			break
		}
		p = rule(a)
	}
	if p == "" && llm {
		if model == "" {
			model, _ = a.firstStr(r.modelKeys...)
		}
		if p = inferProvider(a, model); p != "" {
			return p, true
		}
	}
	return NormalizeProvider(p), false
}

// isFrameworkSystem reports a provider-key value that names the instrumenting framework,
// not the provider: one of the dialects' frameworkNames (frameworkSystems: Strands Agents,
// langsmith, Google ADK), or the name of the span's instrumentation scope (a library that
// writes its tracer's name as gen_ai.system names itself) unless that is a provider name.
func (r *ruleset) isFrameworkSystem(v, scope string) bool {
	l := strings.ToLower(v)
	if r.frameworkSystems[l] {
		return true
	}
	return scope != "" && strings.EqualFold(v, scope) && !knownProviders[NormalizeProvider(v)]
}

// readModel returns the model (response over request) and consumes the keys whose value it
// equals; a request model that differs stays in metadata.
func readModel(a *spanAttrs) string {
	m, _ := a.firstStr(a.rules.modelKeys...)
	if m == "" {
		return ""
	}
	a.useValue(a.rules.modelKeys, m)
	return m
}

// useValue consumes those of keys whose string value is v.
func (a *spanAttrs) useValue(keys []string, v string) {
	bits := a.rules.listBits(keys)
	for i := range keys {
		if j := a.at(keys, bits, i); j >= 0 && valueString(a.e[j].v) == v {
			a.e[j].used = true
		}
	}
}
