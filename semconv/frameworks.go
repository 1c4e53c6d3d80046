package semconv

// Keys of Python agent frameworks and instrumentations that extend the gen_ai namespace with
// names of their own.
//
// Pydantic AI (pydantic/pydantic-ai pydantic_ai_slim/pydantic_ai/models/instrumented.py,
// usage.py, agent/__init__.py; instrumentation scope "pydantic-ai"): data format v1 puts
// the model call's messages in the JSON attribute `events` (a list of deprecated gen_ai
// events, each {…body, "event.name", "gen_ai.system", "gen_ai.message.index"}) and the
// agent run's in `all_messages_events`; v2+ use gen_ai.input.messages /
// gen_ai.output.messages and `pydantic_ai.all_messages` on the agent run span. Usage details
// are flattened as gen_ai.usage.details.<key>; `operation.cost` is the call's price in USD.
const (
	PydanticEvents            = "events"
	PydanticAllMessagesEvents = "all_messages_events"
	PydanticAllMessages       = "pydantic_ai.all_messages"
	PydanticFinalResult       = "final_result"
	PydanticToolArguments     = "tool_arguments"
	PydanticToolResponse      = "tool_response"
	PydanticAgentName         = "agent_name"
	PydanticAgentRunSpan      = "agent run" // agent run span name, data format v1/v2
	PydanticScope             = "pydantic-ai"
	PydanticOperationCost     = "operation.cost" // USD
	PydanticUsageDetails      = "gen_ai.usage.details."
	PydanticCacheRead         = "gen_ai.usage.details.cache_read_tokens"
	PydanticCacheWrite        = "gen_ai.usage.details.cache_write_tokens"
	PydanticReasoning         = "gen_ai.usage.details.reasoning_tokens"
	// EventNameKey names the event of one entry of `events` (v1 event dicts).
	EventNameKey = "event.name"
)

// Strands Agents (strands-agents/sdk-python src/strands/telemetry/tracer.py): gen_ai.system
// (or gen_ai.provider.name with gen_ai_latest_experimental) is the framework's name, not the
// model provider; cache writes use a key of their own; inputTokens follow Bedrock Converse
// semantics (cache reads and writes excluded, included in totalTokens).
const (
	StrandsSystem           = "strands-agents"
	StrandsCacheWriteTokens = "gen_ai.usage.cache_write_input_tokens"
)

// Frameworks that write their own name where the provider belongs (gen_ai.system), so the
// provider is inferred like a missing one (internal/mapping provider_infer.go):
// langsmith's OTel exporter writes "langchain" for a run whose model it does not recognise
// (langsmith js experimental/otel/translator.ts setGenAiSystem); Google ADK writes
// "gcp.vertex.agent", its tracer's name, on every model-call span whatever the model's
// provider (adk-js telemetry/tracing.ts traceCallLlm; adk-python telemetry/tracing.py
// trace_call_llm).
const (
	LangSmithSystem = "langchain"
	ADKSystem       = "gcp.vertex.agent"
)

// opentelemetry-instrumentation-openai-v2 as kept under instrumentation-genai/llm-clients/
// of open-telemetry/opentelemetry-python-contrib (utils.py): content and usage extras
// outside the semantic conventions.
const (
	OpenAIV2RequestMessages  = "gen_ai.request.messages" // JSON of the Chat Completions messages
	OpenAIV2ResponseContent  = "gen_ai.response.content" // the answer's text
	OpenAIV2ReasoningDetails = "gen_ai.usage.output_tokens_details.reasoning"
)

// LangChain's LangSmith parameters (BaseChatModel.getLsParams / _get_ls_params in
// langchain-core, filled by each integration: @langchain/openai "openai",
// @langchain/anthropic "anthropic", @langchain/google-vertexai "google_vertexai",
// @langchain/aws "amazon_bedrock", langchain-mistralai "mistral", …). LangChain copies them
// into a run's metadata, which OpenInference's LangChain instrumentation serialises into its
// `metadata` JSON attribute and Traceloop into traceloop.association.properties.ls_*.
const (
	LangChainLSProvider  = "ls_provider"
	LangChainLSModelName = "ls_model_name"
)

// Bare keys some frameworks write without a namespace: a span's input and output, as JSON
// or text. Read after every namespaced key.
const (
	PlainInput  = "input"
	PlainOutput = "output"
)
