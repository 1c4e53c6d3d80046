// Package llmtraceopenai instruments github.com/openai/openai-go/v3 with OpenTelemetry spans
// that follow the gen_ai semantic conventions (v1.41: docs/gen-ai/gen-ai-spans.md and
// docs/gen-ai/openai.md), in one line:
//
//	client := openai.NewClient(option.WithMiddleware(llmtraceopenai.Middleware()))
//
// Every HTTP attempt the client makes to POST /chat/completions, /responses or /embeddings
// becomes one CLIENT span named "{gen_ai.operation.name} {gen_ai.request.model}" ("chat" for
// Chat Completions and the Responses API, told apart by openai.api.type; "embeddings"), with
// gen_ai.provider.name ("openai", or "azure.ai.openai" for *.openai.azure.com), the request
// parameters, server.address / server.port, the response id, model and finish reasons, the
// token usage (gen_ai.usage.input_tokens includes cached tokens and output_tokens includes
// reasoning tokens, as OpenAI reports them and the conventions define them), and on failure
// error.type (OpenAI's error code, else its error type, else the HTTP status), an
// `exception` event and status Error. A retried call (429, 5xx) is one span per attempt.
// Other endpoints pass through untouched.
//
// Streamed responses are read as the application reads them, event by event, never
// buffered or delayed; the span records gen_ai.response.time_to_first_chunk (seconds) and
// ends when the stream ends or the application closes the body. OpenAI sends a stream's
// token usage only when the request sets stream_options.include_usage.
//
// Message content (gen_ai.input.messages, gen_ai.output.messages, gen_ai.system_instructions,
// gen_ai.tool.definitions, JSON strings in the conventions' part schema) is recorded only
// when [WithCaptureMessageContent] or OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT
// asks for it.
//
// [UsageFromOpenAI] reads the token counts of a response into the platform's usage fields
// for code that records usage itself.
package llmtraceopenai
