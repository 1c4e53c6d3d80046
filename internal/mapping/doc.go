// Package mapping is the core of llmtrace: it maps finished OpenTelemetry spans onto
// platform events (platform.TraceEvent, docs/platform-api.md). Every way in shares it —
// otelbridge (the SDK's sdktrace.ReadOnlySpan), collectorexporter and `llmtrace map`
// (ptrace.Span through internal/pdataview) — so the same span gives the same bytes
// wherever it is mapped.
//
// The span view (spanview.go: SpanView, Map, List, Value, SpanKind, StatusCode) is what an
// adapter presents, without copying attributes. Mapper.MapBatch (mapper.go) turns a batch of
// views into events.
//
// # Dialects
//
// Each emitter's way of describing a span is a dialect: a value of the one type dialect
// (dialect.go), with one field per concern — detection, type and kind, request and answer
// messages, tool definitions, finish reason, plain input / output values, content keys,
// usage, model and provider, failure, trace-wide ids and tags, JSON-valued metadata keys.
// Each dialect's file holds all of its rules and keys; its attribute keys are named in
// package semconv:
//
//   - genai.go: the official gen_ai conventions (and their execute_tool and retrieval keys);
//     genai_deprecated.go: the deprecated names, the v1.28–v1.36 message events and the
//     v1.26 content events; sentry.go, openai_v2.go: gen_ai variants;
//   - openinference.go (and its completions-API keys), openai_agents.go: OpenInference and
//     the OpenAI Agents processors' refinements;
//   - traceloop.go (and its association properties), langchain.go: OpenLLMetry;
//   - vercelai.go: the Vercel AI SDK's provider-call, outer-call, tool-call and embed spans;
//   - pydanticai.go, strands.go, mlflow.go, genkit.go, langfuse.go, otel.go: frameworks and
//     SDKs;
//   - map_type.go: the generic type rules that read several dialects' keys (a tool key, an
//     agent span, a model key); fallback.go: the general fallback for emitters no dialect
//     names, last in the table, with provider_body.go (provider request / response bodies
//     recognised by shape in any JSON attribute) and usage_details.go (usage objects and
//     token details under any key, read with each source's own definition).
//
// precedence.go holds the cross-dialect precedence as one table: for each concern, the
// dialects in the order they are asked. NewMapper compiles it once (compile, ruleset.go)
// into the ruleset the Mapper holds: the rule slices and flat key lists the mapping reads
// (typeRules, inputRules, promptKeys, modelKeys, valueInputKeys, userKeys, …), so a span
// costs what one flat list costs; readers reach it through the span's attributes
// (spanAttrs.rules). docs/precedence.md (generated) lists, for each list, the event field
// it feeds, the functions that read it and every key or rule in order with its dialect and
// file; testdata/precedence.golden pins that order (go test -run Precedence -update
// rewrites both). precedence_test.go checks that each dialect is listed under exactly the
// concerns it defines.
//
// # What is not a dialect
//
// The concern files apply the table and hold what every dialect shares: type and kind
// (map_type.go classify), input and output (map_io.go, map_messages.go: the cross-dialect
// message normaliser), usage with OTel semantics (map_usage.go readUsage: exclusive counts
// made inclusive; cost and context window of model calls from the price table of package
// prices, cost.go), model and provider (map_provider.go, provider_infer.go), metadata
// (map_metadata.go, map_attrs.go), status and failure (mapper.go), and the trace-wide
// values — conversation, user, session, tags, usage roll-ups — resolved per trace against
// the TraceMemory each call is passed (map_trace.go; TraceRecord is what a memory keeps of
// a trace). The Mapper keeps no state of its own: MapBatch reports each trace's values and
// the tool arguments found late (batch.go), and internal/tracestate, which the shippers
// call, keeps the memory, re-sends the accepted events those change and joins gen_ai log
// records to their spans (what a record becomes is the mapping's: map_logs.go,
// mapper_logs.go — JoinRecords, MapLateRecords, MapRecord). IDs
// are derived deterministically from the OTel IDs as UUID v7 (ids.go). After every named
// dialect: the general fallback (fallback.go), provider inference (provider_infer.go; a
// provider value naming the framework is skipped, map_provider.go isFrameworkSystem), a
// usage-less model call around the real one made custom in the trace pass (map_type.go
// unwrapModelCall), evaluation results into metadata.evaluations (evaluation.go), tool
// arguments from the requesting tool call (toolargs.go) and large base64 payloads replaced
// by references (multimodal.go).
//
// # JSON
//
// JSON inside attribute values (message arrays, tool arguments, request bodies, …) is read
// by the parser in jsonscan.go (a quick pass counting each container's members, then one
// recursive-descent pass writing them into place) into one ordered tree (jsontree.go: duplicate
// names kept, invalid UTF-8 kept byte for byte, numbers as written, at most 128 levels; what
// does not parse stays the raw string) and written back by appendJV (map_json.go: strings
// the parser marked plain copied as they are, the rest escaped by internal/jsonesc). The
// parser is held to the tree the go-json-experiment jsontext decoder builds
// (jsonscan_test.go, FuzzParseJSONAgainstJsontext) and to encoding/json (FuzzParseJSON). Every message goes through
// that tree — normalised by map_messages.go, written by buildInput / buildOutput — so
// there is one message path; the trees of the span being built live in a reused arena
// (spanCtx.attrTree), so the path allocates little.
package mapping
