// Package genaiclient is what the gen_ai client instrumentations of this repository
// (instrumentation/openai-go, instrumentation/anthropic-sdk-go, each its own Go module) share:
// the CLIENT span of one model call named `{gen_ai.operation.name} {gen_ai.request.model}`
// (OpenTelemetry gen_ai semantic conventions v1.41, docs/gen-ai/gen-ai-spans.md), the
// recording of failures (error.type, an `exception` event, status Error), a
// Server-Sent-Events reader that sees each event as the caller reads the body, and the
// message-part shapes of the conventions' JSON schemas (gen-ai-input-messages.json,
// gen-ai-output-messages.json). It imports no provider SDK, so the core module stays free of
// them; the keys come from package semconv.
package genaiclient
