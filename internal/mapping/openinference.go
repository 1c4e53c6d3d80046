package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// OpenInference (Arize; semconv/openinference.go): openinference.span.kind, the flattened
// llm.input_messages.{i}.* / llm.output_messages.{i}.* / llm.tools.{i}.*, input.value /
// output.value with their mime types, llm.token_count.* and llm.cost.total, the model and
// provider keys, user.id / session.id (the OTel names, which Langfuse v4 also writes),
// tag.tags, and the trace-wide ids an app puts in the `metadata` JSON object. Its
// completions-API keys (llm.prompts / llm.choices) are openInferencePrompts; the OpenAI
// Agents processors' refinements are openAIAgents (openai_agents.go).
var openInference = &dialect{
	name:             "openinference",
	detect:           []string{sc.OILLMPrefix, sc.OIPrefix, sc.OIEmbeddingPrefix, sc.OIRetrievalPrefix, sc.OIToolPrefix, sc.OIInputValue, sc.OIOutputValue},
	spanType:         openInferenceType,
	input:            openInferenceInput,
	tools:            openInferenceTools,
	output:           openInferenceOutput,
	finishReasonKeys: []string{sc.OILLMFinishReason},
	valueKeys: valueKeys{input: []string{sc.OIInputValue}, output: []string{sc.OIOutputValue},
		toolInput: []string{sc.OIInputValue}, toolOutput: []string{sc.OIOutputValue}},
	toolKeys:        toolKeys{callID: []string{sc.OIToolCallID}, name: []string{sc.OIToolName}},
	content:         []string{sc.OIInputValue, sc.OIOutputValue, sc.OIInputMimeType, sc.OIOutputMimeType},
	contentPrefixes: []string{sc.OILLMInputMessages, sc.OILLMOutputMessages, sc.OILLMTools, sc.OIEmbeddings, sc.OIRetrievalDocs},
	usageKeys: usageKeys{
		prompt: []string{sc.OITokenPrompt}, completion: []string{sc.OITokenCompletion}, total: []string{sc.OITokenTotal},
		cached: []string{sc.OITokenCacheRead}, cacheCreation: []string{sc.OITokenCacheWrite},
		reasoning: []string{sc.OITokenReasoning}, cost: []string{sc.OICostTotal},
	},
	modelKeys: modelNames{response: []string{sc.OILLMResponseModelName}, request: []string{sc.OILLMRequestModelName},
		name: []string{sc.OILLMModelName, sc.OIEmbeddingModelName}},
	providerKeys: []string{sc.OILLMProvider, sc.OILLMSystem},
	ids:          idKeys{user: []string{sc.OIUserID}, session: []string{sc.OISessionID}, tags: []string{sc.OITagTags}},
	metadataIDs: idKeys{
		conversation: []string{sc.OIMetaConversationID, sc.OIMetaConversationIDCamel, sc.OIMetaThreadID, sc.OIMetaThreadIDCamel},
		user:         []string{sc.OIMetaUserID, sc.OIMetaUserIDCamel},
		session:      []string{sc.OIMetaSessionID, sc.OIMetaSessionIDCamel},
	},
	jsonKeys:       []string{sc.OIMetadata, sc.OILLMInvocationParams, sc.OIEmbeddingParams, sc.OIToolParameters},
	anthropicUsage: openInferenceAnthropicUsage,
}

// openInferencePrompts is the completions-API form: llm.prompts.{i}.prompt.text (a user
// turn) and llm.choices.{i}.completion.text; llm.prompts.{i} also holds the oldest
// OpenLLMetry's role / content messages.
var openInferencePrompts = &dialect{
	name:            "openinference completions",
	input:           openInferencePromptsInput,
	output:          openInferenceChoicesOutput,
	contentPrefixes: []string{sc.OILLMPrompts, sc.OILLMChoices},
}

// openInferenceType reads openinference.span.kind.
func openInferenceType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	if k := strings.ToUpper(a.str(sc.OISpanKind)); k != "" {
		switch k {
		case sc.OIKindLLM:
			return platform.TypeLLM, "llm", true
		case sc.OIKindEmbedding:
			return platform.TypeLLM, "embedding", true
		case sc.OIKindTool:
			return platform.TypeTool, "tool", true
		case sc.OIKindAgent:
			return platform.TypeCustom, "agent", true
		case sc.OIKindChain:
			return platform.TypeCustom, "chain", true
		case sc.OIKindRetriever:
			return platform.TypeCustom, "retrieval", true
		case sc.OIKindReranker:
			return platform.TypeCustom, "reranker", true
		case sc.OIKindGuardrail:
			return platform.TypeCustom, "guardrail", true
		case sc.OIKindEvaluator:
			return platform.TypeCustom, "evaluator", true
		case sc.OIKindPrompt:
			return platform.TypeCustom, "prompt", true
		}
	}
	return "", "", false
}

// openInferenceInput reads llm.input_messages.{i}.*, with the system of an Anthropic
// request body in input.value (requestSystem).
func openInferenceInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if !c.a.hasIndexed(sc.OILLMInputMessages) {
		return nil, nil, false
	}
	j := c.unflatten(sc.OILLMInputMessages)
	msgs := c.messages(&j)
	return msgs, c.requestSystem(msgs), true
}

// requestSystem returns the top-level "system" of input.value when that is a JSON request
// body (Anthropic Messages API: a string or an array of text blocks, which OpenInference's
// Anthropic instrumentor does not flatten into llm.input_messages), unless msgs already
// hold a system message; nil otherwise.
func (c *spanCtx) requestSystem(msgs []nmsg) *jv {
	for i := range msgs {
		if msgs[i].role == "system" {
			return nil
		}
	}
	v, ok := c.a.get(sc.OIInputValue)
	if !ok || v.Kind() != ValueStr || c.a.str(sc.OIInputMimeType) == "text/plain" {
		return nil
	}
	s := v.Str()
	if !strings.Contains(s, `"system"`) || !looksLikeJSON(s) {
		return nil
	}
	body := c.attrTree(v) // parsed once: provider bodies and the plain value read the same tree
	if body.k != 'o' {
		return nil
	}
	if sys := body.get("system"); sys != nil && (sys.k == 's' || sys.k == 'a') {
		return sys
	}
	return nil
}

// openInferenceTools reads llm.tools.{i}.tool.json_schema.
func openInferenceTools(c *spanCtx) *jv {
	if !c.a.hasIndexed(sc.OILLMTools) {
		return nil
	}
	j := c.unflatten(sc.OILLMTools)
	for i := range j.vals {
		if s := j.vals[i].get("tool"); s != nil {
			if js := s.get("json_schema"); js != nil {
				j.vals[i] = *js
			}
		}
	}
	return &j
}

// openInferenceOutput reads llm.output_messages.{i}.*.
func openInferenceOutput(c *spanCtx) (*nmsg, bool) {
	if !c.a.hasIndexed(sc.OILLMOutputMessages) {
		return nil, false
	}
	j := c.unflatten(sc.OILLMOutputMessages)
	return pickOutput(c.messages(&j)), true
}

// openInferencePromptsInput reads llm.prompts.{i}: OpenInference's prompt.text (completions
// API, a user turn) or the oldest OpenLLMetry role / content (a message).
func openInferencePromptsInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if !c.a.hasIndexed(sc.OILLMPrompts) {
		return nil, nil, false
	}
	var msgs []nmsg
	j := c.unflatten(sc.OILLMPrompts)
	for i := range j.vals {
		e := &j.vals[i]
		if t := e.get("prompt").get("text"); t != nil {
			msgs = append(msgs, nmsg{role: "user", text: t.str(), hasText: true})
		} else if e.get("role") != nil || e.get("content") != nil {
			msgs = append(msgs, normMessage(e))
		}
	}
	return msgs, nil, true
}

// openInferenceChoicesOutput reads llm.choices.{i}.completion.text, the texts joined into
// one answer (without text, an answer with no content).
func openInferenceChoicesOutput(c *spanCtx) (*nmsg, bool) {
	if !c.a.hasIndexed(sc.OILLMChoices) {
		return nil, false
	}
	j := c.unflatten(sc.OILLMChoices)
	m := nmsg{role: "assistant"}
	for i := range j.vals {
		if t := j.vals[i].get("completion").get("text"); t != nil {
			m.addText(t.str())
		}
	}
	return &m, true
}

// openInferenceAnthropicUsage reads Anthropic's raw usage object from output.value when
// output.mime_type is application/json and the value is an Anthropic Message
// ({"type":"message", …, "usage":{…}}): the non-streaming path of
// @arizeai/openinference-instrumentation-anthropic sets output.value to
// JSON.stringify(result) (Arize-ai/openinference
// js/packages/openinference-instrumentation-anthropic/src/instrumentation.ts).
func openInferenceAnthropicUsage(a *spanAttrs) (anthropicUsage, bool) {
	if strings.EqualFold(a.str(sc.OIOutputMimeType), sc.MimeJSON) {
		if v, ok := a.get(sc.OIOutputValue); ok && v.Kind() == ValueStr {
			s := v.Str()
			// Cheap checks before parsing a possibly large response body.
			if strings.Contains(s, `"usage"`) && strings.Contains(s, "input_tokens") {
				if j := a.parsed(s); j != nil && j.get("type").str() == "message" { // kept for the span's build
					if u, ok := anthropicUsageJV(j.get("usage")); ok {
						return u, true
					}
				}
			}
		}
	}
	return anthropicUsage{}, false
}
