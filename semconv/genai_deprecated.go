package semconv

// Deprecated OpenTelemetry gen_ai names still sent by real emitters (semconv v1.26–v1.36,
// model/gen-ai/deprecated/registry-deprecated.yaml; OpenLLMetry's non-standard extras).
const (
	GenAISystem                 = "gen_ai.system" // renamed to gen_ai.provider.name
	GenAIUsagePromptTokens      = "gen_ai.usage.prompt_tokens"
	GenAIUsageCompletionTokens  = "gen_ai.usage.completion_tokens"
	GenAIPrompt                 = "gen_ai.prompt"     // v1.26 event attr; OpenLLMetry prefix gen_ai.prompt.{i}.*
	GenAICompletion             = "gen_ai.completion" // v1.26 event attr; OpenLLMetry prefix gen_ai.completion.{i}.*
	GenAIUser                   = "gen_ai.user"
	GenAIFinishReasonOld        = "gen_ai.finishReason" // old AI SDK
	GenAIUsageTotalTokens       = "gen_ai.usage.total_tokens"
	GenAIUsageCost              = "gen_ai.usage.cost"
	GenAIUsageTotalCost         = "gen_ai.usage.total_cost"
	GenAIUsageCacheReadOld      = "gen_ai.usage.cache_read_input_tokens"
	GenAIUsageCacheCreationOld  = "gen_ai.usage.cache_creation_input_tokens"
	GenAIUsageReasoningOld      = "gen_ai.usage.reasoning_tokens"
	GenAIUsageInputCachedSentry = "gen_ai.usage.input_tokens.cached"
	GenAIUsageInputDetailsCache = "gen_ai.usage.input_tokens_details.cached"
	GenAIUsageReasoningSentry   = "gen_ai.usage.output_tokens.reasoning"

	// Per-message span events (v1.28–v1.36) and the legacy v1.26 content events.
	EventSystemMessage     = "gen_ai.system.message"
	EventUserMessage       = "gen_ai.user.message"
	EventAssistantMessage  = "gen_ai.assistant.message"
	EventToolMessage       = "gen_ai.tool.message"
	EventChoice            = "gen_ai.choice"
	EventContentPrompt     = "gen_ai.content.prompt"
	EventContentCompletion = "gen_ai.content.completion"
)

// Deprecated gen_ai.system values and their current gen_ai.provider.name.
const (
	SystemXAI           = "xai"
	SystemVertexAI      = "vertex_ai"
	SystemGemini        = "gemini"
	SystemAzAIInference = "az.ai.inference"
	SystemAzAIOpenAI    = "az.ai.openai"
)
