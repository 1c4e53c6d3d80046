// Package otelbridge ships the spans of an OpenTelemetry Go SDK app to the platform
// (docs/platform-api.md): gen_ai, OpenInference, Traceloop (OpenLLMetry) and Vercel AI SDK
// attributes become platform TraceEvents (package platform) with UUID v7 IDs, type
// llm|tool|chat|error|custom, input, output, usage, model and provider. It is what a Go
// app imports; it compiles no OpenTelemetry Collector module.
//
// Two ways in:
//
//   - NewSpanProcessor: an sdktrace.SpanProcessor with its own bounded queue and batcher,
//     added beside the app's other processors. It also stamps the conversation, user and
//     session of the context (ContextWithConversation, ContextWithUser,
//     ContextWithSession) onto every span of the trace.
//   - NewExporter: an sdktrace.SpanExporter for apps that batch with the SDK's own
//     sdktrace.WithBatcher; it maps and ships each batch the SDK hands it.
//
// Both take the same Options (WithEndpoint, WithAPIKey, …, each with an LLMTRACE_*
// environment fallback) and produce, for the same span, the same bytes as the collector
// exporter (collectorexporter) and `llmtrace map`. NewIDGenerator makes the OTel trace ID
// a UUID v7, so the platform's traceId is the OTel trace ID itself.
//
// # Why SpanProcessor keeps its own queue
//
// SpanProcessor could be the SDK's BatchSpanProcessor fed by Exporter. It is not, because
// the BatchSpanProcessor bounds what it holds in spans only (OTEL_BSP_MAX_QUEUE_SIZE,
// 2 048 by default) while one LLM span carries up to platform.MaxContentBytes (320 KiB) of
// input and as much output: 2 048 such spans hold over a gigabyte. SpanProcessor bounds the bytes it holds
// as well (WithMaxQueueBytes, 64 MiB by default; spans past it are dropped at End() and
// counted in Stats and llmtrace.processor.spans.dropped). The BatchSpanProcessor has no
// such bound and no hook to add one. BenchmarkHeldBytesHangingPlatform
// (processor_heap_bench_test.go) measures both in the same run: 1 000 spans of 100 KiB
// against a platform that never answers grow the heap by about 30 MiB through SpanProcessor
// with a 16 MiB bound (837 spans dropped and counted) and by 113–233 MiB through the
// BatchSpanProcessor and Exporter (none dropped, none counted). Apps that accept the
// span-count bound use NewExporter with sdktrace.WithBatcher.
package otelbridge
