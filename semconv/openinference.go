package semconv

// OpenInference (Arize) keys. Source: Arize-ai/openinference
// python/openinference-semantic-conventions/src/openinference/semconv/trace/__init__.py.
const (
	OISpanKind             = "openinference.span.kind"
	OIPrefix               = "openinference."
	OILLMPrefix            = "llm." // also OpenLLMetry's
	OIEmbeddingPrefix      = "embedding."
	OIRetrievalPrefix      = "retrieval."
	OIToolPrefix           = "tool."
	OIInputValue           = "input.value"
	OIInputMimeType        = "input.mime_type"
	OIOutputValue          = "output.value"
	OIOutputMimeType       = "output.mime_type"
	OILLMModelName         = "llm.model_name"
	OILLMRequestModelName  = "llm.request.model_name"
	OILLMResponseModelName = "llm.response.model_name"
	OILLMProvider          = "llm.provider"
	OILLMSystem            = "llm.system"
	OILLMInvocationParams  = "llm.invocation_parameters" // JSON string
	OILLMFinishReason      = "llm.finish_reason"
	OIEmbeddingModelName   = "embedding.model_name"
	OIEmbeddingParams      = "embedding.invocation_parameters"

	// Flattened prefixes: {prefix}{i}.message.role, .message.content,
	// .message.contents.{j}.message_content.{type,text,image.image.url},
	// .message.tool_calls.{k}.tool_call.{id,function.name,function.arguments},
	// .message.tool_call_id, .message.name.
	OILLMInputMessages  = "llm.input_messages."
	OILLMOutputMessages = "llm.output_messages."
	OILLMPrompts        = "llm.prompts."          // {i}.prompt.text (completions API)
	OILLMChoices        = "llm.choices."          // {i}.completion.text
	OILLMTools          = "llm.tools."            // {i}.tool.json_schema
	OIEmbeddings        = "embedding.embeddings." // {i}.embedding.text / .vector
	OIRetrievalDocs     = "retrieval.documents."  // {i}.document.{id,content,score,metadata}
	OIPromptTemplate    = "llm.prompt_template."

	OITokenPrompt      = "llm.token_count.prompt"
	OITokenCompletion  = "llm.token_count.completion"
	OITokenTotal       = "llm.token_count.total"
	OITokenCacheRead   = "llm.token_count.prompt_details.cache_read"
	OITokenCacheWrite  = "llm.token_count.prompt_details.cache_write"
	OITokenReasoning   = "llm.token_count.completion_details.reasoning"
	OITokenCountPrefix = "llm.token_count."
	OICostTotal        = "llm.cost.total" // USD
	OICostPrefix       = "llm.cost."

	OIToolName        = "tool.name"
	OIToolDescription = "tool.description"
	OIToolParameters  = "tool.parameters"
	OIToolID          = "tool.id"
	// OIToolCallID is the id of the model's tool call a TOOL span executes
	// (ToolCallAttributes.TOOL_CALL_ID of the OpenInference semantic conventions).
	OIToolCallID = "tool_call.id"

	OISessionID = "session.id"
	OIUserID    = "user.id"
	OIMetadata  = "metadata" // JSON object string
	// Trace-wide ids an app puts in the `metadata` object (members of OIMetadata, not span
	// attributes): OpenInference's using_metadata / LangChain run metadata, snake_case or
	// camelCase.
	OIMetaConversationID      = "conversation_id"
	OIMetaConversationIDCamel = "conversationId"
	OIMetaThreadID            = "thread_id"
	OIMetaThreadIDCamel       = "threadId"
	OIMetaUserID              = "user_id"
	OIMetaUserIDCamel         = "userId"
	OIMetaSessionID           = "session_id"
	OIMetaSessionIDCamel      = "sessionId"
	OITagTags                 = "tag.tags" // string[]
	OIAgentName               = "agent.name"

	// Set on guardrail spans (kind CHAIN) by the OpenAI Agents processors
	// (openinference-instrumentation-openai-agents, JS processor.ts addGuardrailAttributes).
	OIGuardrailTriggered = "guardrail.triggered"
	// OIHandoffNamePrefix starts the name of a handoff span (kind TOOL, no tool.name) in the
	// OpenAI Agents processors: "handoff to <agent>" (JS getSpanName, Python _get_span_name).
	OIHandoffNamePrefix = "handoff to "
)

// openinference.span.kind values.
const (
	OIKindLLM       = "LLM"
	OIKindChain     = "CHAIN"
	OIKindTool      = "TOOL"
	OIKindAgent     = "AGENT"
	OIKindRetriever = "RETRIEVER"
	OIKindEmbedding = "EMBEDDING"
	OIKindReranker  = "RERANKER"
	OIKindGuardrail = "GUARDRAIL"
	OIKindEvaluator = "EVALUATOR"
	OIKindPrompt    = "PROMPT"
	OIKindUnknown   = "UNKNOWN"
)

// MimeJSON is the input/output.mime_type value meaning the value is a JSON string.
const MimeJSON = "application/json"
