package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
)

// The model that answered (issue 18): a model call whose span names only the model it
// asked for (a request-model or model-name key, no response-model key) takes the model its
// serialized answer names, since providers answer with a dated snapshot (gpt-4o-mini →
// gpt-4o-mini-2024-07-18). The answer read is the span's output value (valueOutputKeys:
// OpenInference's output.value, …) when it is LangChain's LLMResult, the shape every
// LangChain callback handler serializes a chat model's result in (langchain-core
// outputs/llm_result.py, JS @langchain/core outputs.ts):
//
//	{generations: [[{text, message: AIMessage, generationInfo}]], llmOutput | llm_output}
//
// whose model is llm_output.model_name (Python integrations) or the first generation's
// message response_metadata.model_name (langchain-core AIMessage.response_metadata, set by
// the chat model integrations; the message plain or in LangChain's serialized form
// {lc: 1, type: "constructor", kwargs: {…}}). The request model stays in metadata when it
// differs.

// answeredModel returns the model the span's serialized answer names, "" when the span is no
// model call, has a response-model key, or its answer names none.
func (c *spanCtx) answeredModel() string {
	if c.typ != platform.TypeLLM {
		return ""
	}
	if c.a.hasOne(c.rules.modelKeys[:c.rules.modelResponseN]) {
		return ""
	}
	keys := c.rules.valueOutputKeys
	bits := c.rules.listBits(keys)
	for i := range keys {
		v, ok := c.a.getAt(keys, bits, i)
		if !ok || !mayHoldLLMResult(v) {
			continue
		}
		if j := c.attrTree(v); j != nil && j.k == 'o' {
			if m := llmResultModel(j); m != "" {
				return m
			}
		}
	}
	return ""
}

// mayHoldLLMResult reports whether v may be a serialized LLMResult: a map, or a string
// naming the generations member, as it is or through a \u escape (the only escape that
// can stand for a letter of a name). Any other value is not parsed: the output builder
// parses the span's output value only if it shows it (attrTree remembers the tree for it
// when answeredModel did parse).
func mayHoldLLMResult(v Value) bool {
	if v.Kind() != ValueStr {
		return true
	}
	s := v.Str()
	return strings.Contains(s, "generations") || strings.Contains(s, `\u`)
}

// llmResultModel reads the model of a LangChain LLMResult, "" when o is none.
func llmResultModel(o *jv) string {
	gens := o.get("generations")
	if !isArray(gens) || len(gens.vals) == 0 {
		return ""
	}
	for _, k := range []string{"llm_output", "llmOutput"} {
		if m := o.get(k).get("model_name").str(); m != "" {
			return m
		}
	}
	first := &gens.vals[0]
	if isArray(first) {
		if len(first.vals) == 0 {
			return ""
		}
		first = &first.vals[0]
	}
	msg := first.get("message")
	if kw := msg.get("kwargs"); kw != nil && kw.k == 'o' {
		msg = kw
	}
	return msg.get("response_metadata").get("model_name").str()
}
