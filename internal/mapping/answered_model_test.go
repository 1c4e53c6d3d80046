package mapping

import (
	"strings"
	"testing"
)

// LangChain's LLMResult in OpenInference's output.value (the LangChain JS form, message
// serialized; @arizeai/openinference-instrumentation-langchain 4.1.1,
// testdata/captures/langchain-openinference-openai-tool-loop.json) and the Python form
// (llm_output.model_name, plain message): the answered snapshot is the model, the request
// model stays in metadata; a response-model key wins; another output shape names none.
func TestAnsweredModelLiteral(t *testing.T) {
	const jsResult = `{"generations":[[{"text":"hi","message":{"lc":1,"type":"constructor","id":["langchain_core","messages","AIMessage"],` +
		`"kwargs":{"content":"hi","response_metadata":{"finish_reason":"stop","model_provider":"openai","model_name":"gpt-4o-mini-2024-07-18"}}},` +
		`"generationInfo":{"finish_reason":"stop"}}]],"llmOutput":{"tokenUsage":{"promptTokens":42,"completionTokens":17,"totalTokens":59}}}`
	const pyResult = `{"generations":[[{"text":"hi","message":{"content":"hi","response_metadata":{}},"type":"ChatGeneration"}]],` +
		`"llm_output":{"token_usage":{"prompt_tokens":42},"model_name":"gpt-4o-mini-2024-07-18"}}`
	span := func(out string, extra ...kv) *testSpan {
		return newSpan(2, 1, "ChatOpenAI", append([]kv{str("openinference.span.kind", "LLM"), str("llm.model_name", "gpt-4o-mini"),
			str("llm.provider", "openai"), num("llm.token_count.prompt", 42), num("llm.token_count.completion", 17),
			str("output.value", out), str("output.mime_type", "application/json")}, extra...)...)
	}
	for _, tc := range []struct {
		name, out, want string
		extra           []kv
		requestInMeta   bool
	}{
		{"js serialized message", jsResult, "gpt-4o-mini-2024-07-18", nil, true},
		{"python llm_output", pyResult, "gpt-4o-mini-2024-07-18", nil, true},
		{"response model key wins", jsResult, "gpt-4o-mini-2024-07-18-b", []kv{str("llm.response.model_name", "gpt-4o-mini-2024-07-18-b")}, true},
		{"generations named through an escape", strings.Replace(pyResult, "generations", `gener\u0061tions`, 1), "gpt-4o-mini-2024-07-18", nil, true},
		{"not an LLMResult", `{"choices":[{"message":{"role":"assistant","content":"hi"}}],"model_name":"x-2024-01-01"}`, "gpt-4o-mini", nil, false},
	} {
		e := mapOne(t, MapOptions{}, span(tc.out, tc.extra...))[0]
		if e.Model != tc.want {
			t.Errorf("%s: model %q, want %q", tc.name, e.Model, tc.want)
		}
		if _, ok := e.Metadata.Lookup("llm.model_name"); ok != tc.requestInMeta {
			t.Errorf("%s: llm.model_name in metadata %v, want %v (%v)", tc.name, ok, tc.requestInMeta, e.Metadata.Get("llm.model_name"))
		}
	}
}
