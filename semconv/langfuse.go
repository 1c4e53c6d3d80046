package semconv

// Langfuse's own attribute namespace (langfuse/langfuse-python langfuse/_client/attributes.py,
// LangfuseOtelSpanAttributes; langfuse/langfuse-js packages/core/src/constants.ts): set by the
// Langfuse SDKs on the spans they create, and read by Langfuse's OTLP ingest ahead of the
// other dialects. Trace-level keys hold the trace's user, session, tags and metadata;
// observation-level keys one span's type, input, output, model and metadata. Metadata keys
// are flattened: langfuse.trace.metadata.<key>, langfuse.observation.metadata.<key>.
const (
	LangfuseTraceTags            = "langfuse.trace.tags"
	LangfuseTags                 = "langfuse.tags" // older SDKs
	LangfuseUserID               = "langfuse.user.id"
	LangfuseSessionID            = "langfuse.session.id"
	LangfuseTraceMetadata        = "langfuse.trace.metadata"
	LangfuseMetadata             = "langfuse.metadata" // older SDKs
	LangfuseTraceConversationID  = "langfuse.trace.metadata.conversation_id"
	LangfuseTraceUserID          = "langfuse.trace.metadata.langfuse_user_id"
	LangfuseTraceSessionID       = "langfuse.trace.metadata.langfuse_session_id"
	LangfuseObservationType      = "langfuse.observation.type"
	LangfuseObservationInput     = "langfuse.observation.input"
	LangfuseObservationOutput    = "langfuse.observation.output"
	LangfuseObservationModelName = "langfuse.observation.model.name"
	LangfuseObservationMetadata  = "langfuse.observation.metadata"
	LangfuseObservationUserID    = "langfuse.observation.metadata.langfuse_user_id"
	LangfuseObservationSessionID = "langfuse.observation.metadata.langfuse_session_id"
	LangfusePrefix               = "langfuse."

	// Langfuse JS SDK v4 (@langfuse/core LangfuseOtelSpanAttributes): usage and cost
	// details are JSON objects name → number (tokens; USD), level one of DEBUG, DEFAULT,
	// WARNING, ERROR (ERROR is the SDK's failure signal), trace input / output JSON.
	LangfuseObservationUsageDetails = "langfuse.observation.usage_details"
	LangfuseObservationCostDetails  = "langfuse.observation.cost_details"
	LangfuseObservationLevel        = "langfuse.observation.level"
	LangfuseObservationStatusMsg    = "langfuse.observation.status_message"
	LangfuseTraceName               = "langfuse.trace.name"
	LangfuseTraceInput              = "langfuse.trace.input"
	LangfuseTraceOutput             = "langfuse.trace.output"
	LangfuseLevelError              = "ERROR"
)
