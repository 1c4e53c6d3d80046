package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The Vercel AI SDK (semconv/vercelai.go): the ai.* spans of v3–v6 and v7's
// LegacyOpenTelemetry, in instrumentation scope "ai". The provider-call spans (ai.*.doGenerate,
// doStream, doEmbed) carry ai.prompt.messages, ai.prompt.tools, ai.response.*, ai.usage.*,
// the model and provider; the outer call spans (ai.generateText, ai.generateObject, …) carry
// ai.prompt and the result object (vercelAIOuter); tool calls ai.toolCall.*
// (vercelAITool); embeddings ai.value(s) / ai.embedding(s) (vercelAIEmbed). Trace-wide ids
// come from the app's telemetry metadata (ai.telemetry.metadata.*) or v7's runtime context.
var vercelAI = &dialect{
	name:             "vercel-ai",
	detect:           []string{sc.AIPrefix},
	scopes:           []string{sc.AIScope},
	spanType:         vercelAIType,
	input:            vercelAIInput,
	tools:            vercelAITools,
	output:           vercelAIOutput,
	finishReasonKeys: []string{sc.AIResponseFinish, sc.AIFinishReasonOld},
	valueKeys:        valueKeys{input: []string{sc.AIPromptMessages}},
	content: []string{sc.AIPromptMessages, sc.AIPromptTools, sc.AIResponseText, sc.AIResponseToolCalls,
		sc.AIResultText, sc.AIResultToolCalls},
	usageKeys: usageKeys{
		prompt:        []string{sc.AIUsageInputTokens, sc.AIUsagePromptTokens},
		completion:    []string{sc.AIUsageOutputTokens, sc.AIUsageCompletionToks},
		total:         []string{sc.AIUsageTotalTokens},
		cached:        []string{sc.AIUsageCachedInput, sc.AIUsageCacheRead},
		cacheCreation: []string{sc.AIUsageCacheWrite},
		reasoning:     []string{sc.AIUsageReasoning, sc.AIUsageReasoningDet},
		// AI SDK v5 copies Anthropic's input_tokens into its prompt count;
		// ai.usage.inputTokenDetails.noCacheTokens (v6+) states the count without cache.
		anthropicInput: []string{sc.AIUsagePromptTokens, sc.AIUsageInputTokens, sc.AIUsageCachedInput},
		noCache:        []string{sc.AIUsageNoCacheTokens},
	},
	modelKeys:    modelNames{response: []string{sc.AIResponseModel}, request: []string{sc.AIModelID}},
	providerKeys: []string{sc.AIModelProvider},
	ids: idKeys{
		conversation: []string{
			sc.AIMetadataPrefix + sc.AIMetaConversationID, sc.AIRuntimeCtxPrefix + sc.AIMetaConversationID, sc.AIContextPrefix + sc.AIMetaConversationID,
			sc.AIMetadataPrefix + sc.AIMetaThreadID, sc.AIRuntimeCtxPrefix + sc.AIMetaThreadID, sc.AIContextPrefix + sc.AIMetaThreadID},
		user:    []string{sc.AIMetadataPrefix + sc.AIMetaUserID, sc.AIRuntimeCtxPrefix + sc.AIMetaUserID, sc.AIContextPrefix + sc.AIMetaUserID},
		session: []string{sc.AIMetadataPrefix + sc.AIMetaSessionID, sc.AIRuntimeCtxPrefix + sc.AIMetaSessionID, sc.AIContextPrefix + sc.AIMetaSessionID},
		tags:    []string{sc.AIMetadataPrefix + sc.AIMetaTags},
	},
	jsonKeys:       []string{sc.AIResponseProviderMD, sc.AIPromptToolChoice},
	anthropicUsage: vercelAIAnthropicUsage,
	anthropicCache: aiSDKAnthropicCache,
}

// vercelAIOuter is an outer call span's prompt (ai.prompt, JSON) and result object
// (ai.response.object, ai.result.object before v4).
var vercelAIOuter = &dialect{
	name:      "vercel-ai outer call",
	valueKeys: valueKeys{input: []string{sc.AIPrompt}, output: []string{sc.AIResponseObject, sc.AIResultObject}},
	content:   []string{sc.AIPrompt, sc.AIResponseObject, sc.AIResultObject},
}

// vercelAITool is an ai.toolCall span's arguments and result.
var vercelAITool = &dialect{
	name: "vercel-ai tool call",
	valueKeys: valueKeys{input: []string{sc.AIToolCallArgs}, toolInput: []string{sc.AIToolCallArgs},
		output: []string{sc.AIToolCallResult}, toolOutput: []string{sc.AIToolCallResult}},
	toolKeys: toolKeys{callID: []string{sc.AIToolCallID}, name: []string{sc.AIToolCallName}},
	content:  []string{sc.AIToolCallArgs, sc.AIToolCallResult},
}

// vercelAIEmbed is an embed / embedMany span's values, embeddings and token count
// (ai.usage.tokens).
var vercelAIEmbed = &dialect{
	name:      "vercel-ai embed",
	valueKeys: valueKeys{input: []string{sc.AIValue, sc.AIValues}, output: []string{sc.AIEmbedding, sc.AIEmbeddings}},
	usageKeys: usageKeys{embedding: []string{sc.AIUsageTokens}},
	content:   []string{sc.AIValue, sc.AIValues, sc.AIEmbedding, sc.AIEmbeddings},
}

// vercelAIType reads the Vercel AI SDK's ai.operationId, or the span name of an ai.* span
// in the AI SDK's scope.
func vercelAIType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	opID := a.str(sc.AIOperationID)
	if opID == "" && scope == sc.AIScope && strings.HasPrefix(name, sc.AIPrefix) {
		opID = name
	}
	if opID != "" {
		switch {
		case strings.HasSuffix(opID, sc.AIOpSuffixGen), strings.HasSuffix(opID, sc.AIOpSuffixStream):
			return platform.TypeLLM, "llm", true
		case strings.HasSuffix(opID, sc.AIOpSuffixEmbed):
			return platform.TypeLLM, "embedding", true
		case opID == sc.AIOpToolCall:
			return platform.TypeTool, "tool", true
		case strings.HasPrefix(opID, sc.AIPrefix):
			return platform.TypeCustom, "task", true // outer ai.generateText / streamText / generateObject / embed …
		}
	}
	return "", "", false
}

// vercelAIInput reads ai.prompt.messages (JSON of the messages).
func vercelAIInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if j := c.attrJV(sc.AIPromptMessages); j != nil && j.k == 'a' {
		return c.messages(j), nil, true
	}
	return nil, nil, false
}

// vercelAITools reads ai.prompt.tools (string[] of JSON).
func vercelAITools(c *spanCtx) *jv {
	v, ok := c.a.get(sc.AIPromptTools)
	if !ok {
		return nil
	}
	j := valueJV(v, true, 0)
	for i := range j.vals {
		j.vals[i] = parsedArgs(&j.vals[i])
	}
	return &j
}

// vercelAIOutput reads ai.response.text and ai.response.toolCalls (ai.result.* before v4).
func vercelAIOutput(c *spanCtx) (*nmsg, bool) {
	text, tcs := c.a.str(sc.AIResponseText), c.attrJV(sc.AIResponseToolCalls)
	if text == "" && tcs == nil {
		text, tcs = c.a.str(sc.AIResultText), c.attrJV(sc.AIResultToolCalls)
	}
	if text == "" && tcs == nil {
		return nil, false
	}
	m := nmsg{role: "assistant"}
	if text != "" {
		m.addText(text)
	}
	if tcs != nil && tcs.k == 'a' {
		for i := range tcs.vals {
			m.toolCalls = append(m.toolCalls, normToolCall(&tcs.vals[i]))
		}
	}
	return &m, true
}

// aiSDKAnthropicCache reads the cache counts the Vercel AI SDK v4 keeps only in
// ai.response.providerMetadata for @ai-sdk/anthropic v1 calls:
// {"anthropic":{"cacheCreationInputTokens":n,"cacheReadInputTokens":m}} (vercel/ai v4
// packages/anthropic/src/anthropic-messages-language-model.ts, `providerMetadata:
// {anthropic: {cacheCreationInputTokens: response.usage.cache_creation_input_tokens ?? null,
// cacheReadInputTokens: response.usage.cache_read_input_tokens ?? null}}`). Later versions
// also carry Anthropic's raw usage object there, read by rawAnthropicUsage (map_usage.go).
// Each count fills in a write (cache creation) or read count the span's attributes did not
// report.
func aiSDKAnthropicCache(a *spanAttrs) (write int64, hasWrite bool, read int64, hasRead bool) {
	v, ok := a.get(sc.AIResponseProviderMD)
	if !ok || v.Kind() != ValueStr || !strings.Contains(v.Str(), "InputTokens") {
		return
	}
	j := a.parsed(v.Str()) // kept for the span's build (metadata)
	if j == nil {
		return
	}
	anth := j.get("anthropic")
	write, hasWrite = jvInt(anth.get("cacheCreationInputTokens"))
	read, hasRead = jvInt(anth.get("cacheReadInputTokens"))
	return write, hasWrite, read, hasRead
}

// vercelAIAnthropicUsage reads Anthropic's raw usage object from ai.response.providerMetadata
// (AI SDK v5–v7, any span of a call made with @ai-sdk/anthropic):
// {"anthropic":{"usage":{input_tokens, output_tokens, cache_read_input_tokens,
// cache_creation_input_tokens, …}, "cacheCreationInputTokens":…}} (vercel/ai
// packages/anthropic/src/anthropic-messages-language-model.ts, `usage: response.usage as
// JSONObject`).
func vercelAIAnthropicUsage(a *spanAttrs) (anthropicUsage, bool) {
	if v, ok := a.get(sc.AIResponseProviderMD); ok {
		if s := v.Str(); v.Kind() == ValueStr && strings.Contains(s, "input_tokens") {
			if j := a.parsed(s); j != nil {
				if u, ok := anthropicUsageJV(j.get("anthropic").get("usage")); ok {
					return u, true
				}
			}
		}
	}
	return anthropicUsage{}, false
}
