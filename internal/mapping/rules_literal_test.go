package mapping

import (
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// Rules that a mutation probe (issue 14) found pinned by no test with literal expected
// values: each is pinned here, through Mapper.Map, with the attribute keys and values
// written out as the emitting libraries and the gen_ai semconv spell them (not through
// package semconv), so a changed key or value in the core fails here.

// mapSingle maps one span (a child of span 1, so no root rules apply) and returns its
// only event.
func mapSingle(t *testing.T, opts MapOptions, name string, attrs ...kv) platform.TraceEvent {
	t.Helper()
	evs := mapOne(t, opts, newSpan(2, 1, name, attrs...))
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	return evs[0]
}

// server.address names the provider of a model call that names none (gen_ai semconv
// provider values, v1.41).
func TestProviderFromServerAddressLiteral(t *testing.T) {
	for host, want := range map[string]string{
		"api.openai.com":                                  "openai",
		"api.anthropic.com":                               "anthropic",
		"my-resource.openai.azure.com":                    "azure.ai.openai",
		"my-resource.services.ai.azure.com":               "azure.ai.inference",
		"my-model.eastus.inference.ai.azure.com":          "azure.ai.inference",
		"generativelanguage.googleapis.com":               "gcp.gemini",
		"us-central1-aiplatform.googleapis.com":           "gcp.vertex_ai",
		"bedrock-runtime.us-east-1.amazonaws.com":         "aws.bedrock",
		"api.mistral.ai":                                  "mistral_ai",
		"api.groq.com":                                    "groq",
		"api.deepseek.com":                                "deepseek",
		"api.x.ai":                                        "x_ai",
		"api.cohere.com":                                  "cohere",
		"api.perplexity.ai":                               "perplexity",
		"API.OPENAI.COM":                                  "openai",
		"llm-gateway.internal.example":                    "",
		"bedrock-runtime.us-east-1.amazonaws.com.example": "",
	} {
		e := mapSingle(t, MapOptions{}, "chat m", str("gen_ai.operation.name", "chat"),
			str("gen_ai.request.model", "in-house-model"), str("server.address", host))
		if e.Provider != want {
			t.Errorf("server.address %q: provider %q, want %q", host, e.Provider, want)
		}
	}
}

// A model call whose gen_ai.system names only its framework (Strands: "strands-agents")
// gets the provider its model family implies.
func TestProviderFromModelFamilyLiteral(t *testing.T) {
	for model, want := range map[string]string{
		"claude-sonnet-4-20250514":               "anthropic",
		"gpt-4o-mini":                            "openai",
		"o3-mini":                                "openai",
		"o1":                                     "openai",
		"chatgpt-4o-latest":                      "openai",
		"text-embedding-3-small":                 "openai",
		"gemini-2.5-flash":                       "gcp.gemini",
		"mistral-large-latest":                   "mistral_ai",
		"mixtral-8x7b":                           "mistral_ai",
		"anthropic.claude-3-haiku-20240307-v1:0": "aws.bedrock",
		"us.anthropic.claude-3-7-sonnet-20250219-v1:0": "aws.bedrock",
		"amazon.nova-pro-v1:0":                         "aws.bedrock",
		"models/gemini-2.0-flash":                      "gcp.gemini",
		"omni-local":                                   "",
		"llama3":                                       "",
	} {
		e := mapSingle(t, MapOptions{}, "chat m", str("gen_ai.operation.name", "chat"),
			str("gen_ai.system", "strands-agents"), str("gen_ai.request.model", model))
		if e.Provider != want {
			t.Errorf("model %q: provider %q, want %q", model, e.Provider, want)
		}
	}
}

// NormalizeProvider: gen_ai.provider.name values kept, deprecated gen_ai.system values and
// the AI SDK's "<provider>.<api>" ids mapped onto them.
func TestNormalizeProviderLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"openai": "openai", " OpenAI ": "openai", "gcp.vertex_ai": "gcp.vertex_ai",
		"xai": "x_ai", "vertex_ai": "gcp.vertex_ai", "az.ai.openai": "azure.ai.openai", "mistralai": "mistral_ai",
		"bedrock": "aws.bedrock", "watsonx": "ibm.watsonx.ai", "moonshot": "moonshot_ai",
		"openai.chat": "openai", "openai.responses": "openai", "anthropic.messages": "anthropic",
		"google.vertex.chat": "gcp.vertex_ai", "google.generative-ai": "gcp.gemini", "amazon-bedrock": "aws.bedrock",
		"acme.chat": "acme", "acme": "acme", "": "",
	} {
		if got := NormalizeProvider(in); got != want {
			t.Errorf("NormalizeProvider(%q) = %q, want %q", in, got, want)
		}
	}
}

// type and metadata.kind of each dialect's span kinds that no other test pins.
func TestClassifyLiteral(t *testing.T) {
	for _, tc := range []struct {
		attrs          []kv
		spanName       string
		wantType, kind string
	}{
		{[]kv{str("langfuse.observation.type", "generation")}, "x", "llm", "llm"},
		{[]kv{str("langfuse.observation.type", "embedding")}, "x", "llm", "embedding"},
		{[]kv{str("langfuse.observation.type", "tool")}, "x", "tool", "tool"},
		{[]kv{str("langfuse.observation.type", "retriever")}, "x", "custom", "retrieval"},
		{[]kv{str("langfuse.observation.type", "guardrail")}, "x", "custom", "guardrail"},
		{[]kv{str("gen_ai.operation.name", "plan")}, "x", "custom", "plan"},
		{[]kv{str("gen_ai.operation.name", "search_memory")}, "x", "custom", "memory"},
		{[]kv{str("gen_ai.operation.name", "create_agent")}, "x", "custom", "agent"},
		{[]kv{str("gen_ai.operation.name", "invoke_workflow")}, "x", "custom", "workflow"},
		{[]kv{str("gen_ai.operation.name", "retrieval")}, "x", "custom", "retrieval"},
		{[]kv{str("gen_ai.operation.name", "embeddings")}, "x", "llm", "embedding"},
		{[]kv{str("gen_ai.operation.name", "generate_content")}, "x", "llm", "llm"},
		{[]kv{str("traceloop.span.kind", "task")}, "x", "custom", "task"},
		{[]kv{str("traceloop.span.kind", "tool")}, "x", "tool", "tool"},
		{[]kv{str("llm.request.type", "rerank")}, "x", "custom", "reranker"},
		{[]kv{str("llm.request.type", "embedding")}, "x", "llm", "embedding"},
		{[]kv{str("ai.operationId", "ai.embed.doEmbed")}, "x", "llm", "embedding"},
		{[]kv{str("ai.operationId", "ai.toolCall")}, "x", "tool", "tool"},
		{[]kv{str("ai.operationId", "ai.generateObject")}, "x", "custom", "task"},
		{[]kv{str("gen_ai.tool.call.id", "call_1")}, "x", "tool", "tool"},
		{nil, "invoke_agent planner", "custom", "agent"},
		{[]kv{str("gen_ai.request.model", "gpt-4o")}, "x", "llm", "llm"},
		{nil, "x", "custom", ""},
	} {
		e := mapSingle(t, MapOptions{}, tc.spanName, tc.attrs...)
		if kind, _ := e.Metadata.Get("kind").(string); string(e.Type) != tc.wantType || kind != tc.kind {
			t.Errorf("%v %q: type %s kind %q, want %s %q", tc.attrs, tc.spanName, e.Type, kind, tc.wantType, tc.kind)
		}
	}
}

// An empty span name becomes the kind, else "span"; invalid UTF-8 is replaced; a name is
// cut at 512 bytes (platform.MaxNameBytes) on a rune boundary.
func TestEventNameLiteral(t *testing.T) {
	if e := mapSingle(t, MapOptions{}, "", str("gen_ai.operation.name", "execute_tool")); e.Name != "tool" {
		t.Errorf("empty name of a tool span: %q, want \"tool\"", e.Name)
	}
	if e := mapSingle(t, MapOptions{}, ""); e.Name != "span" {
		t.Errorf("empty name, no kind: %q, want \"span\"", e.Name)
	}
	if e := mapSingle(t, MapOptions{}, "bad \xff name"); e.Name != "bad \ufffd name" {
		t.Errorf("invalid UTF-8 name: %q", e.Name)
	}
	long := strings.Repeat("a", 511) + "é" // 513 bytes: "é" does not fit
	if e := mapSingle(t, MapOptions{}, long); e.Name != strings.Repeat("a", 511) {
		t.Errorf("long name: %d bytes, want the 511 a's", len(e.Name))
	}
}

// startTime / endTime / durationMs: a missing start is the end; an end before the start is
// dropped (no endTime, no duration); durationMs is fractional milliseconds.
func TestSpanTimesLiteral(t *testing.T) {
	s := newSpan(2, 1, "x")
	s.start, s.end = time.Time{}, t0.Add(2*time.Second)
	e := mapOne(t, MapOptions{}, s)[0]
	if !e.StartTime.Equal(t0.Add(2*time.Second)) || !e.EndTime.Equal(t0.Add(2*time.Second)) || e.DurationMs != 0 {
		t.Errorf("zero start: %v %v %v, want start = end = t0+2s, 0 ms", e.StartTime, e.EndTime, e.DurationMs)
	}
	s = newSpan(2, 1, "x")
	s.start, s.end = t0.Add(time.Second), t0
	e = mapOne(t, MapOptions{}, s)[0]
	if !e.StartTime.Equal(t0.Add(time.Second)) || !e.EndTime.IsZero() || e.DurationMs != 0 {
		t.Errorf("end before start: %v %v %v, want start t0+1s, no end, no duration", e.StartTime, e.EndTime, e.DurationMs)
	}
	s = newSpan(2, 1, "x") // 1.5 ms
	if e = mapOne(t, MapOptions{}, s)[0]; e.DurationMs != 1.5 {
		t.Errorf("durationMs %v, want 1.5", e.DurationMs)
	}
}

// Tags: trimmed of spaces and quotes, de-duplicated in first-seen order, each cut at 256
// bytes, at most 64.
func TestTagsLiteral(t *testing.T) {
	e := mapSingle(t, MapOptions{Tags: []string{"  prod ", `"beta"`, "prod", "", "eu"}}, "x")
	if got := strings.Join(e.Tags, ","); got != "prod,beta,eu" {
		t.Errorf("tags %q, want prod,beta,eu", got)
	}
	many := make([]string, 70)
	for i := range many {
		many[i] = "t" + strings.Repeat("x", i)
	}
	many[0] = strings.Repeat("é", 200) // 400 bytes
	e = mapSingle(t, MapOptions{Tags: many}, "x")
	if len(e.Tags) != 64 || e.Tags[0] != strings.Repeat("é", 128) || e.Tags[63] != "t"+strings.Repeat("x", 63) {
		t.Errorf("%d tags, first %d bytes, last %q; want 64, 256 bytes, t+63 x", len(e.Tags), len(e.Tags[0]), e.Tags[len(e.Tags)-1])
	}
}

// A reasoning count larger than the output count is exclusive of it (some emitters):
// completion_tokens becomes output + reasoning; a smaller one is already included.
func TestReasoningTokensLiteral(t *testing.T) {
	for _, tc := range []struct{ output, reasoning, want int64 }{{10, 30, 40}, {50, 30, 50}} {
		e := mapSingle(t, MapOptions{}, "chat", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "o3-mini"),
			num("gen_ai.usage.input_tokens", 5), num("gen_ai.usage.output_tokens", tc.output),
			num("gen_ai.usage.reasoning.output_tokens", tc.reasoning))
		if e.Usage == nil || e.Usage.CompletionTokens != tc.want {
			t.Errorf("output %d, reasoning %d: usage %+v, want completion_tokens %d", tc.output, tc.reasoning, e.Usage, tc.want)
		}
	}
}
