package otelbridge

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// ProcessorStats are the SpanProcessor's running totals since it was created.
//
// Spans counts spans seen in OnEnd; the delivery outcomes count platform events (one per
// span, plus one "error" event per recorded exception, so they can exceed Spans). After
// ForceFlush returns nil, every received span is accounted for:
// Received = Filtered + Dropped + the spans whose events are Exported / Rejected / Failed.
type ProcessorStats struct {
	Received int64 // sampled spans handed to OnEnd before Shutdown
	Filtered int64 // spans the span filter left out
	Dropped  int64 // spans dropped because the queue was full (never waited on)
	Exported int64 // events the platform accepted
	Rejected int64 // events refused for good: invalid (partial success) or a permanent reply (400, 401, 403, 413 for one event)
	Failed   int64 // events given up on: retries exhausted, export timeout, shutdown, or a mapping error (spans, for batches left unmapped when Shutdown's budget ended)
	Panics   int64 // panics recovered inside the processor (reported once through otel.Handle)
	Batches  int64 // batches handed to the platform client (each may be several requests)
}

// Instrument names of the processor's self-observability (OTel metrics API, meter
// "github.com/llmtrace/llmtrace/otelbridge"). They follow the SDK's
// otel.sdk.processor.span.processed: monotonic counters, plural-noun namespaces, curly
// units. Each carries otel.component.type = "llmtrace_span_processor". The dropped
// counter additionally carries error.type = "queue_full" as the SDK's does.
const (
	MetricSpansReceived  = "llmtrace.processor.spans.received"  // {span}
	MetricSpansFiltered  = "llmtrace.processor.spans.filtered"  // {span}
	MetricSpansDropped   = "llmtrace.processor.spans.dropped"   // {span}, error.type=queue_full
	MetricEventsExported = "llmtrace.processor.events.exported" // {event}
	MetricEventsRejected = "llmtrace.processor.events.rejected" // {event}
	MetricEventsFailed   = "llmtrace.processor.events.failed"   // {event}
	MetricPanics         = "llmtrace.processor.panics"          // {panic}
	MetricQueueSize      = "llmtrace.processor.queue.size"      // {span}, up-down (observed)
	MetricQueueCapacity  = "llmtrace.processor.queue.capacity"  // {span}, up-down (observed)
	// MetricEventsUnpriced counts llm events with token usage and no reported cost that the
	// price table could not price (unknown model), with gen_ai.response.model = the event's
	// model: the first 100 distinct names, then "other".
	MetricEventsUnpriced = "llmtrace.processor.events.unpriced" // {event}, gen_ai.response.model
)

const meterName = "github.com/llmtrace/llmtrace/otelbridge"

// counters are the atomics behind Stats and the observable instruments. The hot path
// (OnEnd) only does atomic adds; the metrics SDK reads them on collection.
type counters struct {
	received, filtered, dropped atomic.Int64
	exported, rejected, failed  atomic.Int64
	panics, batchesSent         atomic.Int64
	reg                         metric.Registration
	queueLen, queueCap          func() int64
	unpriced                    func() map[string]int64 // by model (mapping.Mapper.Unpriced)
}

func (c *counters) stats() ProcessorStats {
	return ProcessorStats{
		Received: c.received.Load(),
		Filtered: c.filtered.Load(),
		Dropped:  c.dropped.Load(),
		Exported: c.exported.Load(),
		Rejected: c.rejected.Load(),
		Failed:   c.failed.Load(),
		Panics:   c.panics.Load(),
		Batches:  c.batchesSent.Load(),
	}
}

// register creates the observable instruments on mp (noop when nil).
func (c *counters) register(mp metric.MeterProvider) error {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	m := mp.Meter(meterName, metric.WithInstrumentationVersion(platform.Version))
	var errs []error
	counter := func(name, unit, desc string) metric.Int64ObservableCounter {
		inst, err := m.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return inst
	}
	gauge := func(name, desc string) metric.Int64ObservableUpDownCounter {
		inst, err := m.Int64ObservableUpDownCounter(name, metric.WithUnit("{span}"), metric.WithDescription(desc))
		errs = append(errs, err)
		return inst
	}
	received := counter(MetricSpansReceived, "{span}", "Sampled spans handed to the llmtrace span processor.")
	filtered := counter(MetricSpansFiltered, "{span}", "Spans left out by the span filter.")
	dropped := counter(MetricSpansDropped, "{span}", "Spans dropped because the queue was full.")
	exported := counter(MetricEventsExported, "{event}", "Events the platform accepted.")
	rejected := counter(MetricEventsRejected, "{event}", "Events the platform refused for good (invalid or permanent error).")
	failed := counter(MetricEventsFailed, "{event}", "Events given up on after retries, timeout or shutdown.")
	panics := counter(MetricPanics, "{panic}", "Panics recovered inside the span processor.")
	unpriced := counter(MetricEventsUnpriced, "{event}", "LLM events without a reported cost that the price table could not price.")
	qSize := gauge(MetricQueueSize, "Spans waiting in the queue.")
	qCap := gauge(MetricQueueCapacity, "Capacity of the span queue.")
	if err := errors.Join(errs...); err != nil {
		return err
	}
	base := metric.WithAttributes(attribute.String("otel.component.type", "llmtrace_span_processor"))
	full := metric.WithAttributes(attribute.String("otel.component.type", "llmtrace_span_processor"),
		attribute.String("error.type", "queue_full"))
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(received, c.received.Load(), base)
		o.ObserveInt64(filtered, c.filtered.Load(), base)
		o.ObserveInt64(dropped, c.dropped.Load(), full)
		o.ObserveInt64(exported, c.exported.Load(), base)
		o.ObserveInt64(rejected, c.rejected.Load(), base)
		o.ObserveInt64(failed, c.failed.Load(), base)
		o.ObserveInt64(panics, c.panics.Load(), base)
		if c.unpriced != nil {
			for model, n := range c.unpriced() {
				o.ObserveInt64(unpriced, n, metric.WithAttributes(attribute.String("otel.component.type", "llmtrace_span_processor"),
					attribute.String("gen_ai.response.model", model)))
			}
		}
		if c.queueLen != nil {
			o.ObserveInt64(qSize, c.queueLen(), base)
			o.ObserveInt64(qCap, c.queueCap(), base)
		}
		return nil
	}, received, filtered, dropped, exported, rejected, failed, panics, unpriced, qSize, qCap)
	if err != nil {
		return err
	}
	c.reg = reg
	return nil
}

func (c *counters) unregister() error {
	if c.reg == nil {
		return nil
	}
	return c.reg.Unregister()
}
