package semconv

// OpenTelemetry gen_ai semantic conventions, current names (semconv v1.37–v1.41, plus the
// semantic-conventions-genai registry where noted). Source: open-telemetry/semantic-conventions
// v1.41.1 docs/gen-ai and go.opentelemetry.io/otel/semconv/v1.41.0.
const (
	GenAIOperationName        = "gen_ai.operation.name"
	GenAIPrefix               = "gen_ai." // every key and event name of the conventions
	GenAIProviderName         = "gen_ai.provider.name"
	GenAIConversationID       = "gen_ai.conversation.id"
	GenAIAgentID              = "gen_ai.agent.id"
	GenAIAgentName            = "gen_ai.agent.name"
	GenAIAgentDescription     = "gen_ai.agent.description"
	GenAIAgentVersion         = "gen_ai.agent.version"
	GenAIWorkflowName         = "gen_ai.workflow.name"
	GenAIDataSourceID         = "gen_ai.data_source.id"
	GenAIOutputType           = "gen_ai.output.type"
	GenAIPromptName           = "gen_ai.prompt.name"
	GenAIEmbeddingsDimCount   = "gen_ai.embeddings.dimension.count"
	GenAIRequestModel         = "gen_ai.request.model"
	GenAIRequestPrefix        = "gen_ai.request." // every request parameter
	GenAIRequestTemperature   = "gen_ai.request.temperature"
	GenAIRequestMaxTokens     = "gen_ai.request.max_tokens"
	GenAIRequestTopP          = "gen_ai.request.top_p"
	GenAIRequestTopK          = "gen_ai.request.top_k"
	GenAIRequestFrequencyPen  = "gen_ai.request.frequency_penalty"
	GenAIRequestPresencePen   = "gen_ai.request.presence_penalty"
	GenAIRequestStopSequences = "gen_ai.request.stop_sequences"
	GenAIRequestSeed          = "gen_ai.request.seed"
	GenAIRequestChoiceCount   = "gen_ai.request.choice.count"
	GenAIRequestStream        = "gen_ai.request.stream"
	GenAIRequestEncodingFmts  = "gen_ai.request.encoding_formats"
	GenAIResponseModel        = "gen_ai.response.model"
	GenAIResponseID           = "gen_ai.response.id"
	GenAIResponseFinishReason = "gen_ai.response.finish_reasons"
	GenAIResponseTTFC         = "gen_ai.response.time_to_first_chunk" // seconds

	GenAIUsageInputTokens          = "gen_ai.usage.input_tokens"  // includes cached
	GenAIUsageOutputTokens         = "gen_ai.usage.output_tokens" // includes reasoning
	GenAIUsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens"
	GenAIUsageCacheCreationTokens  = "gen_ai.usage.cache_creation.input_tokens"
	GenAIUsageReasoningTokens      = "gen_ai.usage.reasoning.output_tokens"

	GenAIInputMessages      = "gen_ai.input.messages"
	GenAIOutputMessages     = "gen_ai.output.messages"
	GenAISystemInstructions = "gen_ai.system_instructions"
	GenAIToolDefinitions    = "gen_ai.tool.definitions"

	GenAIToolName        = "gen_ai.tool.name"
	GenAIToolType        = "gen_ai.tool.type"
	GenAIToolDescription = "gen_ai.tool.description"
	GenAIToolCallID      = "gen_ai.tool.call.id"
	GenAIToolCallArgs    = "gen_ai.tool.call.arguments"
	GenAIToolCallResult  = "gen_ai.tool.call.result"

	GenAIRetrievalQueryText = "gen_ai.retrieval.query.text"
	GenAIRetrievalDocuments = "gen_ai.retrieval.documents"

	// EventInferenceDetails is the opt-in span event carrying the inference span's
	// attributes, including the content keys.
	EventInferenceDetails = "gen_ai.client.inference.operation.details"
)

// gen_ai.operation.name values (v1.41 enum, registry additions, custom values of real
// emitters: AI SDK v7 agent_step / rerank, older completion / generate).
const (
	OpChat            = "chat"
	OpGenerateContent = "generate_content"
	OpTextCompletion  = "text_completion"
	OpEmbeddings      = "embeddings"
	OpRetrieval       = "retrieval"
	OpCreateAgent     = "create_agent"
	OpInvokeAgent     = "invoke_agent"
	OpExecuteTool     = "execute_tool"
	OpInvokeWorkflow  = "invoke_workflow"
	OpPlan            = "plan"                     // genai registry
	OpAgentStep       = "agent_step"               // AI SDK v7
	OpRerank          = "rerank"                   // AI SDK v7
	OpCompletion      = "completion"               // older emitters
	OpGenerate        = "generate"                 // older emitters
	OpMemoryPrefix    = "memory"                   // create_memory, search_memory, … contain "memory"
	OpHandoff         = "handoff"                  // agent frameworks
	OpGuardrail       = "guardrail"                // agent frameworks
	OpExecuteLoop     = "execute_event_loop_cycle" // Strands
)

// gen_ai.provider.name well-known values (v1.41 enum plus the genai registry's moonshot_ai).
const (
	ProviderAnthropic        = "anthropic"
	ProviderAWSBedrock       = "aws.bedrock"
	ProviderAzureAIInference = "azure.ai.inference"
	ProviderAzureAIOpenAI    = "azure.ai.openai"
	ProviderCohere           = "cohere"
	ProviderDeepseek         = "deepseek"
	ProviderGCPGemini        = "gcp.gemini"
	ProviderGCPGenAI         = "gcp.gen_ai"
	ProviderGCPVertexAI      = "gcp.vertex_ai"
	ProviderGroq             = "groq"
	ProviderIBMWatsonxAI     = "ibm.watsonx.ai"
	ProviderMistralAI        = "mistral_ai"
	ProviderOpenAI           = "openai"
	ProviderPerplexity       = "perplexity"
	ProviderXAI              = "x_ai"
	ProviderMoonshotAI       = "moonshot_ai"
)

// General OTel keys the mapping reads (semconv v1.41.0 / v1.43.0, not GenAI-specific).
const (
	ErrorType           = "error.type"
	ExceptionEvent      = "exception" // span event name
	ExceptionType       = "exception.type"
	ExceptionMessage    = "exception.message"
	ExceptionStacktrace = "exception.stacktrace"
	ServerAddress       = "server.address"
	ServerPort          = "server.port"
	UserID              = "user.id"
	SessionID           = "session.id"
	EnduserID           = "enduser.id"
	ServiceName         = "service.name"
)
