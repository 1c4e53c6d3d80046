package mapping

import (
	"encoding/json"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// Deprecated OTel gen_ai shapes (semantic conventions v1.26–v1.36) still sent by emitters
// pinned to older conventions.

// gen_ai.system values of v1.26–v1.36 (model/gen-ai/deprecated/registry-deprecated.yaml and
// the v1.36 gen_ai.system enum) map onto gen_ai.provider.name; capitalised values as
// OpenLLMetry sends them ("OpenAI", "Anthropic") too.
func TestDeprecatedGenAISystemValues(t *testing.T) {
	for sys, want := range map[string]string{
		"openai": "openai", "OpenAI": "openai", "anthropic": "anthropic", "Anthropic": "anthropic",
		"az.ai.inference": "azure.ai.inference", "az.ai.openai": "azure.ai.openai", "azure.ai.openai": "azure.ai.openai",
		"aws.bedrock": "aws.bedrock", "vertex_ai": "gcp.vertex_ai", "gemini": "gcp.gemini", "gcp.gen_ai": "gcp.gen_ai",
		"cohere": "cohere", "mistral_ai": "mistral_ai", "xai": "x_ai", "groq": "groq", "deepseek": "deepseek",
		"perplexity": "perplexity", "ibm.watsonx.ai": "ibm.watsonx.ai",
	} {
		s := newSpan(1, 0, "chat m", str("gen_ai.operation.name", "chat"), str("gen_ai.system", sys),
			str("gen_ai.request.model", "m"), num("gen_ai.usage.prompt_tokens", 42), num("gen_ai.usage.completion_tokens", 17))
		ev := mapOne(t, MapOptions{}, s)[0]
		if ev.Provider != want {
			t.Errorf("gen_ai.system %q → provider %q, want %q", sys, ev.Provider, want)
		}
		if ev.Usage == nil || ev.Usage.PromptTokens != 42 || ev.Usage.CompletionTokens != 17 || ev.Usage.TotalTokens != 59 {
			t.Errorf("%s: usage %+v", sys, ev.Usage)
		}
		if _, ok := ev.Metadata.Lookup("gen_ai.system"); ok {
			t.Errorf("%s: gen_ai.system left in metadata", sys)
		}
	}
}

// The v1.28–v1.36 per-message events recorded as span events (opentelemetry-python-contrib
// opentelemetry-instrumentation-openai-v2 2.0b0 emits them through the Events API; SDKs
// and bridges that map events onto span events produce this shape: attributes
// gen_ai.system, content / role / tool_calls / id, and gen_ai.choice with index,
// finish_reason and message as JSON).
func TestDeprecatedPerMessageSpanEvents(t *testing.T) {
	s := newSpan(1, 0, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.system", "openai"),
		str("gen_ai.request.model", oaModel), str("gen_ai.response.model", oaModelDated),
		kv{"gen_ai.response.finish_reasons", ListValue(vlist{StrValue("tool_calls")})},
		num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
	s.events = []testEvent{
		{"gen_ai.system.message", t0, kvs{str("gen_ai.system", "openai"), str("content", "You are a weather assistant.")}},
		{"gen_ai.user.message", t0, kvs{str("gen_ai.system", "openai"), str("content", "What is the weather in Paris?")}},
		{"gen_ai.choice", t0, kvs{str("gen_ai.system", "openai"), num("index", 0), str("finish_reason", "tool_calls"),
			str("message", `{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}`)}},
	}
	ev := mapOne(t, MapOptions{}, s)[0]
	var in struct {
		Messages []struct{ Role, Content string } `json:"messages"`
	}
	if err := json.Unmarshal(ev.Input, &in); err != nil || len(in.Messages) != 2 || in.Messages[0].Role != "system" ||
		in.Messages[1].Role != "user" || in.Messages[1].Content != "What is the weather in Paris?" {
		t.Errorf("input %s", ev.Input)
	}
	var out struct {
		ToolCalls []struct {
			Name      string         `json:"name"`
			Arguments map[string]any `json:"arguments"`
		} `json:"tool_calls"`
		FinishReason string `json:"finish_reason"`
	}
	if err := json.Unmarshal(ev.Output, &out); err != nil || len(out.ToolCalls) != 1 || out.ToolCalls[0].Arguments["city"] != "Paris" ||
		out.FinishReason != "tool_calls" {
		t.Errorf("output %s", ev.Output)
	}
	for _, k := range []string{"events"} {
		if v, ok := ev.Metadata.Lookup(k); ok {
			t.Errorf("message events also copied to metadata.%s: %v", k, v)
		}
	}
}

// The v1.26 content events: gen_ai.content.prompt with gen_ai.prompt (JSON of the messages)
// and gen_ai.content.completion with gen_ai.completion (JSON of the choices), as Semantic
// Kernel and the early Azure AI Inference tracing record them. A model call's input must
// be {"messages": …} and its output the assistant answer, like every other dialect.
func TestDeprecatedContentEvents(t *testing.T) {
	s := newSpan(1, 0, "chat.completions gpt-4o-mini", str("gen_ai.operation.name", "chat.completions"),
		str("gen_ai.system", "openai"), str("gen_ai.request.model", oaModel), str("gen_ai.response.model", oaModelDated),
		num("gen_ai.usage.prompt_tokens", 42), num("gen_ai.usage.completion_tokens", 17))
	s.events = []testEvent{
		{"gen_ai.content.prompt", t0, kvs{str("gen_ai.prompt", `[{"role":"user","content":"Hi"}]`)}},
		{"gen_ai.content.completion", t0, kvs{str("gen_ai.completion", `[{"role":"assistant","content":"Hello."}]`)}},
	}
	ev := mapOne(t, MapOptions{}, s)[0]
	if ev.Type != platform.TypeLLM || ev.Usage == nil || ev.Usage.PromptTokens != 42 || ev.Model != oaModelDated {
		t.Errorf("type %s usage %+v model %q", ev.Type, ev.Usage, ev.Model)
	}
	// The content is never lost: at least the raw values are kept.
	if len(ev.Input) == 0 || len(ev.Output) == 0 {
		t.Errorf("content lost: input %s output %s", ev.Input, ev.Output)
	}
}

func TestDeprecatedContentEventsAsMessages(t *testing.T) {
	s := newSpan(1, 0, "chat.completions gpt-4o-mini", str("gen_ai.operation.name", "chat.completions"),
		str("gen_ai.system", "openai"), str("gen_ai.request.model", oaModel))
	s.events = []testEvent{
		{"gen_ai.content.prompt", t0, kvs{str("gen_ai.prompt", `[{"role":"user","content":"Hi"}]`)}},
		{"gen_ai.content.completion", t0, kvs{str("gen_ai.completion", `[{"role":"assistant","content":"Hello."}]`)}},
	}
	ev := mapOne(t, MapOptions{}, s)[0]
	if string(ev.Input) != `{"messages":[{"role":"user","content":"Hi"}]}` || string(ev.Output) != `{"response":"Hello."}` {
		t.Errorf("input %s output %s", ev.Input, ev.Output)
	}
}

// Semantic Kernel's operation name "chat.completions" (pre-1.27 conventions) and other
// dotted variants are model calls.
func TestDeprecatedOperationNames(t *testing.T) {
	for _, op := range []string{"chat.completions", "text.completions", "chat_completion"} {
		s := newSpan(1, 0, op+" m", str("gen_ai.operation.name", op), str("gen_ai.system", "openai"),
			str("gen_ai.request.model", "m"))
		if ev := mapOne(t, MapOptions{}, s)[0]; ev.Type != platform.TypeLLM || ev.Metadata.Get("kind") != "llm" {
			t.Errorf("%s: type %s kind %v", op, ev.Type, ev.Metadata.Get("kind"))
		}
	}
}
