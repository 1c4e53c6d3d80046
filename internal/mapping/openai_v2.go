package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// openAIV2 is opentelemetry-instrumentation-openai-v2's content and usage extras outside
// the semantic conventions (semconv/frameworks.go): the request's Chat Completions messages
// as JSON in gen_ai.request.messages, the answer's text in gen_ai.response.content, and
// gen_ai.usage.output_tokens_details.reasoning.
var openAIV2 = &dialect{
	name:      "openai-v2",
	input:     openAIV2Input,
	output:    openAIV2Output,
	content:   []string{sc.OpenAIV2RequestMessages, sc.OpenAIV2ResponseContent},
	usageKeys: usageKeys{reasoning: []string{sc.OpenAIV2ReasoningDetails}},
}

// openAIV2Input reads gen_ai.request.messages.
func openAIV2Input(c *spanCtx) ([]nmsg, *jv, bool) {
	if j := c.attrJV(sc.OpenAIV2RequestMessages); isMessageArray(j, false) {
		return c.messages(j), nil, true
	}
	return nil, nil, false
}

// openAIV2Output reads gen_ai.response.content, the answer's text.
func openAIV2Output(c *spanCtx) (*nmsg, bool) {
	if s := c.a.str(sc.OpenAIV2ResponseContent); s != "" {
		m := nmsg{role: "assistant"}
		m.addText(s)
		return &m, true
	}
	return nil, false
}
