// Package mapping is the core of llmtrace: it maps finished OpenTelemetry spans onto
// platform events (platform.TraceEvent, docs/platform-api.md). Every way in shares it —
// otelbridge (the SDK's sdktrace.ReadOnlySpan), collectorexporter and `llmtrace map`
// (ptrace.Span through internal/pdataview) — so the same span gives the same bytes
// wherever it is mapped.
//
// The span view (spanview.go: SpanView, Map, List, Value, SpanKind, StatusCode) is what an
// adapter presents, without copying attributes. Mapper.Map turns a batch of views into
// events: type and kind (map_type.go: one rule per dialect, their precedence one table,
// typeRules; dialects that keep usage, model, messages or failure inside their own
// structured values register one rule per concern in the tables usageRules, modelRules,
// providerRules, inputRules, outputRules, valueInputRules, valueOutputRules, failureRules
// and conversationRules — Genkit in genkit.go, the Langfuse SDK in langfuse.go), input and
// output messages (map_io.go, map_messages.go), usage (map_usage.go; cost and context
// window of model calls from the price table of package prices, cost.go), model and
// provider (map_provider.go), metadata
// (map_metadata.go), and the trace-wide values — conversation, user, session, tags, usage
// roll-ups — resolved per trace with a bounded memory across calls (map_trace.go); late
// trace-wide values are filled in by re-sending events the shipper reported accepted
// (Mapper.Delivered, map_resend.go). IDs
// are derived deterministically from the OTel IDs as UUID v7 (ids.go). The attribute keys
// come from package semconv. After every named dialect: the general fallback for emitters
// no dialect names (fallback.go), provider inference (provider_infer.go), tool arguments
// from the requesting tool call (toolargs.go) and large base64 payloads replaced by
// references (multimodal.go).
package mapping
