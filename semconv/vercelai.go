package semconv

// Vercel AI SDK keys: the `ai.*` spans of v3–v6 (and v7's LegacyOpenTelemetry), plus the
// `ai.*` extras v7's gen_ai integration adds. Sources: ai@6.0.322 / ai@7.0.173
// docs/03-ai-sdk-core/60-telemetry.mdx and dist/index.mjs. Instrumentation scope "ai".
const (
	AIScope            = "ai"
	AIPrefix           = "ai." // every key, operation id and span name
	AIOperationID      = "ai.operationId"
	AIOperationName    = "operation.name" // "<operationId> <functionId>"
	AIResourceName     = "resource.name"
	AIModelID          = "ai.model.id"
	AIModelProvider    = "ai.model.provider" // e.g. "openai.chat", "anthropic.messages"
	AIFunctionID       = "ai.telemetry.functionId"
	AIMetadataPrefix   = "ai.telemetry.metadata."
	AIRuntimeCtxPrefix = "ai.settings.runtimeContext." // v7 legacy
	AIContextPrefix    = "ai.settings.context."        // v7 gen_ai integration
	// Names an app gives trace-wide values under AIMetadataPrefix, AIRuntimeCtxPrefix or
	// AIContextPrefix (experimental_telemetry.metadata, runtimeContext / context).
	AIMetaConversationID  = "conversationId"
	AIMetaThreadID        = "threadId"
	AIMetaUserID          = "userId"
	AIMetaSessionID       = "sessionId"
	AIMetaTags            = "tags" // under AIMetadataPrefix only
	AISettingsPrefix      = "ai.settings."
	AIPrompt              = "ai.prompt"          // JSON, outer span
	AIPromptMessages      = "ai.prompt.messages" // JSON, do* span
	AIPromptTools         = "ai.prompt.tools"    // string[] of JSON
	AIPromptToolChoice    = "ai.prompt.toolChoice"
	AIResponseText        = "ai.response.text"
	AIResponseToolCalls   = "ai.response.toolCalls" // JSON
	AIResponseObject      = "ai.response.object"
	AIResponseFinish      = "ai.response.finishReason"
	AIResponseModel       = "ai.response.model"
	AIResponseID          = "ai.response.id"
	AIResponseProviderMD  = "ai.response.providerMetadata" // JSON
	AIResultText          = "ai.result.text"               // AI SDK < 4
	AIResultToolCalls     = "ai.result.toolCalls"
	AIResultObject        = "ai.result.object"
	AIFinishReasonOld     = "ai.finishReason"
	AIToolCallName        = "ai.toolCall.name"
	AIToolCallID          = "ai.toolCall.id"
	AIToolCallArgs        = "ai.toolCall.args"
	AIToolCallResult      = "ai.toolCall.result"
	AIValue               = "ai.value"  // embed input
	AIValues              = "ai.values" // embedMany input
	AIEmbedding           = "ai.embedding"
	AIEmbeddings          = "ai.embeddings"
	AIUsageInputTokens    = "ai.usage.inputTokens"
	AIUsageOutputTokens   = "ai.usage.outputTokens"
	AIUsagePromptTokens   = "ai.usage.promptTokens"
	AIUsageCompletionToks = "ai.usage.completionTokens"
	AIUsageTotalTokens    = "ai.usage.totalTokens"
	AIUsageTokens         = "ai.usage.tokens" // embeddings
	AIUsageReasoning      = "ai.usage.reasoningTokens"
	AIUsageCachedInput    = "ai.usage.cachedInputTokens"
	AIUsageNoCacheTokens  = "ai.usage.inputTokenDetails.noCacheTokens"
	AIUsageCacheRead      = "ai.usage.inputTokenDetails.cacheReadTokens"
	AIUsageCacheWrite     = "ai.usage.inputTokenDetails.cacheWriteTokens"
	AIUsageReasoningDet   = "ai.usage.outputTokenDetails.reasoningTokens"
)

// ai.operationId suffixes and ids.
const (
	AIOpToolCall     = "ai.toolCall"
	AIOpSuffixGen    = ".doGenerate"
	AIOpSuffixStream = ".doStream"
	AIOpSuffixEmbed  = ".doEmbed"
	AIOpEmbed        = "ai.embed"
	AIOpEmbedMany    = "ai.embedMany"
)
