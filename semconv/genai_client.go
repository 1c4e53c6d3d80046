package semconv

// Keys and values a gen_ai client instrumentation writes that genai.go does not hold: the
// OpenAI-specific attributes of the conventions (gen-ai/openai.md, semconv v1.41.0 namespace
// "openai"), the content-capture environment variable of the OpenTelemetry GenAI
// instrumentations, and the finish reasons of the output-message schema
// (gen-ai-output-messages.json, v1.41.1). Used by instrumentation/openai-go and
// instrumentation/anthropic-sdk-go.
const (
	OpenAIAPIType                   = "openai.api.type"
	OpenAIRequestServiceTier        = "openai.request.service_tier"
	OpenAIResponseServiceTier       = "openai.response.service_tier"
	OpenAIResponseSystemFingerprint = "openai.response.system_fingerprint"
)

// openai.api.type values (semconv v1.41.0).
const (
	OpenAIAPITypeChatCompletions = "chat_completions"
	OpenAIAPITypeResponses       = "responses"
)

// gen_ai.output.type values (semconv v1.41.0).
const (
	OutputTypeText  = "text"
	OutputTypeJSON  = "json"
	OutputTypeImage = "image"
)

// ErrorTypeOther is error.type's fallback value when no better identifier exists.
const ErrorTypeOther = "_OTHER"

// EnvCaptureMessageContent is the environment variable the OpenTelemetry GenAI
// instrumentations read to put message content on spans ("true" / "false"; the newer
// "SPAN_ONLY" / "SPAN_AND_EVENT" / "EVENT_ONLY" / "NO_CONTENT" values of the Python
// instrumentations are read as well).
const EnvCaptureMessageContent = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

// Finish reasons of the output-message schema (gen-ai-output-messages.json): the
// provider's own value is kept in gen_ai.response.finish_reasons, these go in
// gen_ai.output.messages[].finish_reason.
const (
	FinishStop          = "stop"
	FinishLength        = "length"
	FinishContentFilter = "content_filter"
	FinishToolCall      = "tool_call"
	FinishError         = "error"
)
