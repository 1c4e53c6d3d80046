package otelbridge

import (
	"context"
	"errors"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// ProcessorStats are the SpanProcessor's running totals since it was created.
//
// Spans counts spans seen in OnEnd; the delivery outcomes count platform events (one per
// span, plus one "error" event per recorded exception, so they can exceed spans), in the
// vocabulary both shippers use (package platform, "Delivery rules"): sent, rejected,
// dropped (with a reason), retries. After ForceFlush returns nil every received span is
// accounted for: Received = Filtered + Dropped + the spans whose events are Sent /
// Rejected / EventsDropped.
type ProcessorStats struct {
	Received int64 // sampled spans handed to OnEnd before Shutdown
	Filtered int64 // spans the span filter left out
	Dropped  int64 // spans dropped because the queue was full (never waited on)
	Sent     int64 // events the platform stored: the "accepted" numbers of its 2xx replies
	Rejected int64 // events the platform refused for good: a 200's "rejected" list, 413 alone, or left out of "accepted" without being listed
	// EventsDropped counts events given up on; EventsDroppedBy splits it by reason (the
	// error.type of MetricEventsDropped): DropInvalid, DropThrottled, DropTimeout,
	// DropRetriesExhausted, DropRetriesDisabled, DropShutdown, DropPanic, or the HTTP
	// status of a permanent reply ("400", "401", "403", "301", "200" for a 2xx that is not
	// the platform's reply, …). DropShutdown and DropPanic count spans (left unmapped).
	EventsDropped   int64
	EventsDroppedBy map[string]int64
	Retries         int64 // requests that failed retryably and were sent again
	Panics          int64 // panics recovered inside the processor (reported once through otel.Handle)
	Batches         int64 // batches handed to the platform client (each may be several requests)
}

// Reasons of EventsDroppedBy and of MetricEventsDropped's error.type, besides HTTP statuses.
const (
	DropInvalid          = "invalid"           // refused by the client before sending (TraceEvent.Validate, size)
	DropThrottled        = "throttled"         // the platform's Retry-After reaches past the export timeout
	DropTimeout          = "timeout"           // the export timeout (or Shutdown's budget) ended while retrying
	DropRetriesExhausted = "retries_exhausted" // RetryConfig.MaxElapsedTime passed
	DropRetriesDisabled  = "retries_disabled"  // a retryable failure with RetryConfig.Enabled false
	DropShutdown         = "shutdown"          // spans left unmapped when Shutdown's budget ended
	DropPanic            = "panic"             // spans of a batch whose mapping panicked
)

// Instrument names of the processor's self-observability (OTel metrics API, meter
// "github.com/llmtrace/llmtrace/otelbridge"). They follow the SDK's
// otel.sdk.processor.span.processed: monotonic counters, plural-noun namespaces, curly
// units. Each carries otel.component.type = "llmtrace_span_processor". The dropped
// counters additionally carry error.type: "queue_full" for spans, as the SDK's does; the
// reason (DropInvalid, …, or an HTTP status) for events. The collector exporter counts the
// same outcomes as otelcol_llmtrace_exporter_events_sent, …_rejected, …_dropped and
// …_retries.
const (
	MetricSpansReceived  = "llmtrace.processor.spans.received"  // {span}
	MetricSpansFiltered  = "llmtrace.processor.spans.filtered"  // {span}
	MetricSpansDropped   = "llmtrace.processor.spans.dropped"   // {span}, error.type=queue_full
	MetricEventsSent     = "llmtrace.processor.events.sent"     // {event}
	MetricEventsRejected = "llmtrace.processor.events.rejected" // {event}
	MetricEventsDropped  = "llmtrace.processor.events.dropped"  // {event}, error.type=reason
	MetricRetries        = "llmtrace.processor.retries"         // {request}
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
	sent, rejected, retries     atomic.Int64
	panics, batchesSent         atomic.Int64
	dropMu                      sync.Mutex
	droppedBy                   map[string]int64 // events given up on, by reason
	reg                         metric.Registration
	queueLen, queueCap          func() int64
	unpriced                    func() map[string]int64 // by model (mapping.Mapper.Unpriced)
}

func (c *counters) stats() ProcessorStats {
	st := ProcessorStats{
		Received: c.received.Load(),
		Filtered: c.filtered.Load(),
		Dropped:  c.dropped.Load(),
		Sent:     c.sent.Load(),
		Rejected: c.rejected.Load(),
		Retries:  c.retries.Load(),
		Panics:   c.panics.Load(),
		Batches:  c.batchesSent.Load(),
	}
	st.EventsDroppedBy = c.droppedByReason()
	for _, n := range st.EventsDroppedBy {
		st.EventsDropped += n
	}
	return st
}

// drop counts n events (or spans, for DropShutdown and DropPanic) given up on for reason.
func (c *counters) drop(n int, reason string) {
	if n <= 0 {
		return
	}
	c.dropMu.Lock()
	if c.droppedBy == nil {
		c.droppedBy = map[string]int64{}
	}
	c.droppedBy[reason] += int64(n)
	c.dropMu.Unlock()
}

func (c *counters) droppedByReason() map[string]int64 {
	c.dropMu.Lock()
	defer c.dropMu.Unlock()
	return maps.Clone(c.droppedBy)
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
	sent := counter(MetricEventsSent, "{event}", "Events the platform stored (the \"accepted\" numbers of its 2xx replies).")
	rejected := counter(MetricEventsRejected, "{event}", "Events the platform refused for good; never retried.")
	droppedEvents := counter(MetricEventsDropped, "{event}", "Events given up on, by error.type (the reason).")
	retries := counter(MetricRetries, "{request}", "Requests that failed retryably and were sent again.")
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
		o.ObserveInt64(sent, c.sent.Load(), base)
		o.ObserveInt64(rejected, c.rejected.Load(), base)
		o.ObserveInt64(retries, c.retries.Load(), base)
		for reason, n := range c.droppedByReason() {
			o.ObserveInt64(droppedEvents, n, metric.WithAttributes(attribute.String("otel.component.type", "llmtrace_span_processor"),
				attribute.String("error.type", reason)))
		}
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
	}, received, filtered, dropped, sent, rejected, droppedEvents, retries, panics, unpriced, qSize, qCap)
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
