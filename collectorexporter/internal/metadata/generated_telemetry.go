// Code in the shape mdatagen generates (hand-written). Keep in sync with ../../metadata.yaml.

package metadata

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"go.opentelemetry.io/collector/component"
)

// Meter returns the meter of the exporter's own telemetry.
func Meter(settings component.TelemetrySettings) metric.Meter {
	return settings.MeterProvider.Meter(ScopeName)
}

// TelemetryBuilder holds the exporter's own instruments.
type TelemetryBuilder struct {
	// LlmtraceExporterEventsSent counts events the platform stored (the "accepted" numbers
	// of its 2xx replies). Unit {event}.
	LlmtraceExporterEventsSent metric.Int64Counter
	// LlmtraceExporterEventsRejected counts events the platform refused for good (a 200's
	// "rejected" list, 413 alone, or left out of "accepted" unlisted); never retried.
	// Unit {event}.
	LlmtraceExporterEventsRejected metric.Int64Counter
	// LlmtraceExporterEventsDropped counts events given up on, with attribute error.type
	// (the reason). Unit {event}.
	LlmtraceExporterEventsDropped metric.Int64Counter
	// LlmtraceExporterRetries counts requests that failed retryably and whose events were
	// handed back to retry_on_failure. Unit {request}.
	LlmtraceExporterRetries metric.Int64Counter
	// LlmtraceExporterEventsResent counts accepted events sent again with late trace-wide
	// values (asynchronous: read from the mapper). Unit {event}.
	LlmtraceExporterEventsResent metric.Int64ObservableCounter
	// LlmtraceExporterEventsForgotten counts accepted events dropped from the bounded
	// re-send memory (asynchronous). Unit {event}.
	LlmtraceExporterEventsForgotten metric.Int64ObservableCounter
	// LlmtraceExporterEventsUnpriced counts llm events with token usage and no reported cost
	// that the price table could not price, by gen_ai.response.model (asynchronous: read
	// from the mapper; at most 100 models, then "other"). Unit {event}.
	LlmtraceExporterEventsUnpriced metric.Int64ObservableCounter
	// LlmtraceExporterLogRecords counts gen_ai log records by what became of them, attribute
	// llmtrace.log_record.outcome: joined (carried by their span's accepted event), late
	// (carried by an accepted event sent again because they came after it), alone (accepted
	// as events of their own: the span never came within log_hold, or the hold was full),
	// ignored (no gen_ai event, or no span named), forgotten (dropped from memory after 10
	// minutes without their span) (asynchronous: read from the mapper). Unit {record}.
	LlmtraceExporterLogRecords metric.Int64ObservableCounter
	// LlmtraceExporterLogRecordsHeld is the number of gen_ai log records waiting for their
	// span now (asynchronous). Unit {record}.
	LlmtraceExporterLogRecordsHeld metric.Int64ObservableGauge
}

// RegisterResendCallback observes resent and forgotten from read on every collection.
func (tb *TelemetryBuilder) RegisterResendCallback(settings component.TelemetrySettings, read func() (resent, forgotten int64)) (metric.Registration, error) {
	return Meter(settings).RegisterCallback(func(_ context.Context, o metric.Observer) error {
		r, f := read()
		o.ObserveInt64(tb.LlmtraceExporterEventsResent, r)
		o.ObserveInt64(tb.LlmtraceExporterEventsForgotten, f)
		return nil
	}, tb.LlmtraceExporterEventsResent, tb.LlmtraceExporterEventsForgotten)
}

// RegisterUnpricedCallback observes the unpriced counts by model from read on every
// collection, with attribute gen_ai.response.model.
func (tb *TelemetryBuilder) RegisterUnpricedCallback(settings component.TelemetrySettings, read func() map[string]int64) (metric.Registration, error) {
	return Meter(settings).RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for model, n := range read() {
			o.ObserveInt64(tb.LlmtraceExporterEventsUnpriced, n, metric.WithAttributes(attribute.String("gen_ai.response.model", model)))
		}
		return nil
	}, tb.LlmtraceExporterEventsUnpriced)
}

// RegisterLogJoinCallback observes the log join's counts from read on every collection:
// held now, and the records by outcome (LlmtraceExporterLogRecords).
func (tb *TelemetryBuilder) RegisterLogJoinCallback(settings component.TelemetrySettings, read func() (held int64, byOutcome map[string]int64)) (metric.Registration, error) {
	return Meter(settings).RegisterCallback(func(_ context.Context, o metric.Observer) error {
		held, by := read()
		o.ObserveInt64(tb.LlmtraceExporterLogRecordsHeld, held)
		for outcome, n := range by {
			o.ObserveInt64(tb.LlmtraceExporterLogRecords, n, metric.WithAttributes(attribute.String("llmtrace.log_record.outcome", outcome)))
		}
		return nil
	}, tb.LlmtraceExporterLogRecordsHeld, tb.LlmtraceExporterLogRecords)
}

// NewTelemetryBuilder creates the instruments from settings.MeterProvider.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	m := Meter(settings)
	tb := &TelemetryBuilder{}
	var err, errs error
	tb.LlmtraceExporterEventsSent, err = m.Int64Counter(
		"otelcol_llmtrace_exporter_events_sent",
		metric.WithDescription("Events the platform stored - the \"accepted\" numbers of its 2xx replies."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterEventsRejected, err = m.Int64Counter(
		"otelcol_llmtrace_exporter_events_rejected",
		metric.WithDescription("Events the platform refused for good - listed in a 200's \"rejected\", refused alone with 413, or left out of a 2xx reply's \"accepted\" count without being listed; never retried."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterEventsDropped, err = m.Int64Counter(
		"otelcol_llmtrace_exporter_events_dropped",
		metric.WithDescription("Events given up on, by error.type; never delivered."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterRetries, err = m.Int64Counter(
		"otelcol_llmtrace_exporter_retries",
		metric.WithDescription("Requests that failed with a retryable reply (408, 429, 5xx, transport error) and whose events were handed back to retry_on_failure to be sent again."),
		metric.WithUnit("{request}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterEventsResent, err = m.Int64ObservableCounter(
		"otelcol_llmtrace_exporter_events_resent",
		metric.WithDescription("Accepted events sent again with trace-wide values (thread, user, session, tags) that a later span of their trace revealed."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterEventsForgotten, err = m.Int64ObservableCounter(
		"otelcol_llmtrace_exporter_events_forgotten",
		metric.WithDescription("Accepted events dropped from the bounded re-send memory; a later trace-wide value no longer reaches them."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterEventsUnpriced, err = m.Int64ObservableCounter(
		"otelcol_llmtrace_exporter_events_unpriced",
		metric.WithDescription("LLM events with token usage and no reported cost that the price table could not price (unknown model), by model."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterLogRecords, err = m.Int64ObservableCounter(
		"otelcol_llmtrace_exporter_log_records",
		metric.WithDescription("gen_ai log records by what became of them (llmtrace.log_record.outcome: joined, late, alone, ignored, forgotten)."),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterLogRecordsHeld, err = m.Int64ObservableGauge(
		"otelcol_llmtrace_exporter_log_records_held",
		metric.WithDescription("gen_ai log records waiting for their span now."),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	return tb, errs
}
