// Package llmtraceanthropic instruments github.com/anthropics/anthropic-sdk-go/v2 with
// OpenTelemetry spans that follow the gen_ai semantic conventions (v1.41:
// docs/gen-ai/gen-ai-spans.md and docs/gen-ai/anthropic.md), in one line:
//
//	client := anthropic.NewClient(option.WithMiddleware(llmtraceanthropic.Middleware()), option.WithoutOpenTelemetry())
//
// option.WithoutOpenTelemetry turns off the SDK's own spans (on by default since v2.15:
// "anthropic.messages.create", which would otherwise be a second model-call span around
// this one, counting the same tokens twice on the platform).
//
// Every HTTP attempt to POST /v1/messages becomes one CLIENT span named
// "chat {gen_ai.request.model}" with gen_ai.provider.name "anthropic", the request
// parameters, server.address / server.port, the response id, model and stop reason
// (gen_ai.response.finish_reasons), the token usage and, on failure, error.type
// (Anthropic's error type, e.g. "rate_limit_error", "overloaded_error", else the HTTP
// status), an `exception` event and status Error. A retried call (429, 529, 5xx) is one
// span per attempt. Other endpoints pass through untouched.
//
// Token usage follows the conventions, not Anthropic's wire: Anthropic's input_tokens
// excludes the tokens read from and written to the prompt cache, so
// gen_ai.usage.input_tokens = input_tokens + cache_read_input_tokens +
// cache_creation_input_tokens, with gen_ai.usage.cache_read.input_tokens and
// gen_ai.usage.cache_creation.input_tokens as its subsets; gen_ai.usage.output_tokens is
// output_tokens (thinking included) and gen_ai.usage.reasoning.output_tokens is
// output_tokens_details.thinking_tokens.
//
// Streamed responses are read as the application reads them, event by event, never
// buffered or delayed; the span records gen_ai.response.time_to_first_chunk (seconds) and
// ends when the stream ends or the application closes the body.
//
// Message content (gen_ai.input.messages, gen_ai.output.messages, gen_ai.system_instructions
// from "system", gen_ai.tool.definitions, JSON strings in the conventions' part schema) is
// recorded only when [WithCaptureMessageContent] or
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT asks for it.
//
// [UsageFromAnthropic] reads the token counts of a Message into the platform's usage fields
// for code that records usage itself.
package llmtraceanthropic
