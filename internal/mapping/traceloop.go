package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// OpenLLMetry / Traceloop (semconv/traceloop.go): traceloop.span.kind and llm.request.type,
// traceloop.entity.input / output, the flattened gen_ai.prompt.{i}.* / gen_ai.completion.{i}.*
// messages, llm.usage.*, llm.response.model, and the oldest key set before the gen_ai rename
// (llm.vendor, llm.request.model, llm.completions.{i}.*, llm.request.functions.{i}.*,
// llm.user). The association properties an app sets are traceloopAssociation.
var traceloop = &dialect{
	name:             "traceloop",
	detect:           []string{sc.TLPrefix, sc.OILLMPrefix},
	spanType:         traceloopType,
	input:            traceloopInput,
	tools:            traceloopTools,
	output:           traceloopOutput,
	finishReasonKeys: []string{sc.TLFinishReason},
	valueKeys: valueKeys{input: []string{sc.TLEntityInput}, output: []string{sc.TLEntityOutput},
		toolInput: []string{sc.TLEntityInput}, toolOutput: []string{sc.TLEntityOutput}},
	toolKeys:        toolKeys{name: []string{sc.TLEntityName}},
	content:         []string{sc.TLEntityInput, sc.TLEntityOutput},
	contentPrefixes: []string{sc.TLRequestFunctions, sc.TLLegacyCompletions},
	// gen_ai.prompt. is also the root of the official gen_ai.prompt.name: only indexed
	// keys (gen_ai.prompt.{i}.…) are content.
	indexedContent: []string{sc.TLPromptPrefix, sc.TLCompletionPrefix},
	usageKeys: usageKeys{
		prompt: []string{sc.TLUsagePromptTokens}, completion: []string{sc.TLUsageCompletionTokens},
		total: []string{sc.TLUsageTotalTokens}, cached: []string{sc.TLUsageCacheRead},
	},
	modelKeys:    modelNames{response: []string{sc.TLResponseModel}, request: []string{sc.TLRequestModel}},
	providerKeys: []string{sc.TLVendor},
	ids:          idKeys{user: []string{sc.TLUser}},
}

// traceloopAssociation is the association properties an app sets through Traceloop
// (traceloop.association.properties.*): its conversation, thread or chat, user and session.
var traceloopAssociation = &dialect{
	name: "traceloop association properties",
	ids: idKeys{
		conversation: []string{sc.TLAssocConvID, sc.TLAssocThreadID, sc.TLAssocChatID},
		user:         []string{sc.TLAssocUserID},
		session:      []string{sc.TLAssocSessionID},
	},
}

// traceloopType reads traceloop.span.kind, then llm.request.type.
func traceloopType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	if k := strings.ToLower(a.str(sc.TLSpanKind)); k != "" {
		switch k {
		case sc.TLKindWorkflow, sc.TLKindTask, sc.TLKindAgent:
			return platform.TypeCustom, k, true
		case sc.TLKindTool:
			return platform.TypeTool, "tool", true
		}
	}
	if rt := strings.ToLower(a.str(sc.TLRequestType)); rt != "" {
		switch rt {
		case sc.TLRequestChat, sc.TLRequestCompletion:
			return platform.TypeLLM, "llm", true
		case sc.TLRequestEmbedding:
			return platform.TypeLLM, "embedding", true
		case sc.TLRequestRerank:
			return platform.TypeCustom, "reranker", true
		}
	}
	return "", "", false
}

// traceloopInput reads the flattened gen_ai.prompt.{i}.* messages.
func traceloopInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if !c.a.hasIndexed(sc.TLPromptPrefix) {
		return nil, nil, false
	}
	j := c.unflatten(sc.TLPromptPrefix)
	return c.messages(&j), nil, true
}

// traceloopTools reads llm.request.functions.{i}.*.
func traceloopTools(c *spanCtx) *jv {
	if !c.a.hasIndexed(sc.TLRequestFunctions) {
		return nil
	}
	j := c.unflatten(sc.TLRequestFunctions)
	return &j
}

// traceloopOutput reads the flattened gen_ai.completion.{i}.*, else the oldest
// llm.completions.{i}.*.
func traceloopOutput(c *spanCtx) (*nmsg, bool) {
	for _, p := range [...]string{sc.TLCompletionPrefix, sc.TLLegacyCompletions} {
		if c.a.hasIndexed(p) {
			j := c.unflatten(p)
			return pickOutput(c.messages(&j)), true
		}
	}
	return nil, false
}
