package otelbridge

import (
	"context"
	"errors"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// Exporter is an sdktrace.SpanExporter that maps each batch of spans onto platform events
// (the same mapping core as SpanProcessor) and sends them to the platform, for apps that
// batch with the SDK themselves:
//
//	exp, err := otelbridge.NewExporter(otelbridge.WithEndpoint("https://api.example.com"))
//	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
//
// ExportSpans retries what the platform may accept later (RetryDelay: 408, 429, 5xx,
// network errors) with capped exponential backoff and ±50 % jitter, never sooner than
// Retry-After, within the ctx the batcher passes (its export timeout), WithExportTimeout
// per request and RetryConfig.MaxElapsedTime; a Retry-After reaching past ctx's deadline
// drops the events at once (the rules of SpanProcessor, in processor_retry.go). It returns
// an error naming how many events were rejected by the platform or dropped, and why; the
// SDK's batcher hands that error to otel.Handle. What the SDK's BatchSpanProcessor queues is
// bounded in spans only (its MaxQueueSize) and drops are counted by the SDK's own
// otel.sdk.processor.span.processed metric; SpanProcessor bounds bytes as well.
//
// Of the Options, the queue and batch settings, WithSpanFilter and WithMeterProvider
// belong to SpanProcessor and are ignored here; the context helpers
// (ContextWithConversation, …) need SpanProcessor, which stamps them in OnStart. An
// Exporter is safe for concurrent use.
type Exporter struct {
	client  *platform.Client
	state   *tracestate.State
	retry   RetryConfig
	stopped atomic.Bool
}

var _ sdktrace.SpanExporter = (*Exporter)(nil)

// NewExporter returns an Exporter configured by opts, falling back to the LLMTRACE_*
// environment variables and the defaults as NewSpanProcessor does. A missing endpoint, an
// unparsable or non-http(s) URL or an out-of-range setting gives a
// *platform.ConfigurationError (never containing the API key).
func NewExporter(opts ...Option) (*Exporter, error) {
	cfg, err := resolve(opts, osLookupEnv)
	if err != nil {
		return nil, err
	}
	client, err := cfg.newClient("llmtrace-exporter")
	if err != nil {
		return nil, err
	}
	return &Exporter{client: client, state: tracestate.New(cfg.stateOpts), retry: cfg.retry}, nil
}

// ExportSpans maps spans and sends the events; see Exporter for retries and errors. After
// Shutdown it sends nothing and returns an error.
func (e *Exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if e.stopped.Load() {
		return errors.New("llmtrace: exporter is shut down")
	}
	if len(spans) == 0 {
		return nil
	}
	views := make([]mapping.SpanView, len(spans))
	for i, s := range spans {
		views[i] = sdkSpanView(s)
	}
	return e.send(ctx, e.state.Map(views))
}

// send delivers events with the rules SpanProcessor follows (deliver), within ctx.
func (e *Exporter) send(ctx context.Context, events []platform.TraceEvent) error {
	d := deliver(ctx, e.client, e.state, e.retry, events)
	return d.err()
}

// Shutdown stops the Exporter: later ExportSpans calls send nothing. It holds nothing
// itself (the SDK's batcher flushes before it calls Shutdown), so it returns at once.
func (e *Exporter) Shutdown(ctx context.Context) error {
	e.stopped.Store(true)
	return ctx.Err()
}
