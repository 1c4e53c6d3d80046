package semconv

// OpenLLMetry / Traceloop keys. Source: traceloop/openllmetry
// packages/opentelemetry-semantic-conventions-ai/opentelemetry/semconv_ai/__init__.py.
const (
	TLSpanKind       = "traceloop.span.kind"
	TLPrefix         = "traceloop."
	TLEntityName     = "traceloop.entity.name"
	TLEntityPath     = "traceloop.entity.path"
	TLEntityVersion  = "traceloop.entity.version"
	TLEntityInput    = "traceloop.entity.input"  // JSON string, usually {"args":[…],"kwargs":{…}}
	TLEntityOutput   = "traceloop.entity.output" // JSON string
	TLWorkflowName   = "traceloop.workflow.name"
	TLAssocPrefix    = "traceloop.association.properties." // user-defined keys
	TLAssocSessionID = "traceloop.association.properties.session_id"
	TLAssocUserID    = "traceloop.association.properties.user_id"
	TLAssocChatID    = "traceloop.association.properties.chat_id"
	TLAssocConvID    = "traceloop.association.properties.conversation_id"
	TLAssocThreadID  = "traceloop.association.properties.thread_id"
	TLAssocModelName = "traceloop.association.properties.ls_model_name"
	TLAssocProvider  = "traceloop.association.properties.ls_provider"
	TLRequestType    = "llm.request.type"

	// The oldest OpenLLMetry key set, before the gen_ai rename (traceloop/openllmetry-js
	// packages/ai-semantic-conventions/src/SemanticAttributes.ts, early 2024; Python
	// semconv_ai < 0.3): llm.vendor, llm.request.model, llm.usage.{prompt,completion}_tokens,
	// llm.prompts.{i}.{role,content}, llm.completions.{i}.{role,content,finish_reason}.
	TLVendor                = "llm.vendor"
	TLRequestModel          = "llm.request.model"
	TLUsagePromptTokens     = "llm.usage.prompt_tokens"
	TLUsageCompletionTokens = "llm.usage.completion_tokens"
	TLLegacyCompletions     = "llm.completions."       // {i}.role / .content / .finish_reason
	TLRequestFunctions      = "llm.request.functions." // {i}.name / .description / .parameters
	TLPromptPrefix          = "gen_ai.prompt."         // {i}.role / .content / .tool_calls.{k}.* / .tool_call_id
	TLCompletionPrefix      = "gen_ai.completion."     // {i}.role / .content / .finish_reason / .tool_calls.{k}.*
	TLUsageTotalTokens      = "llm.usage.total_tokens"
	TLUsageCacheRead        = "llm.usage.cache_read_input_tokens"
	TLIsStreaming           = "llm.is_streaming"
	TLUser                  = "llm.user"
	TLResponseModel         = "llm.response.model"
	TLFinishReason          = "llm.response.finish_reason"
	TLStopReason            = "llm.response.stop_reason"
)

// traceloop.span.kind and llm.request.type values.
const (
	TLKindWorkflow = "workflow"
	TLKindTask     = "task"
	TLKindAgent    = "agent"
	TLKindTool     = "tool"
	TLKindUnknown  = "unknown"

	TLRequestCompletion = "completion"
	TLRequestChat       = "chat"
	TLRequestRerank     = "rerank"
	TLRequestEmbedding  = "embedding"
)
