// Code in the shape mdatagen generates (hand-written). Keep in sync with ../../metadata.yaml.

package metadata

import (
	"errors"

	"go.opentelemetry.io/otel/metric"

	"go.opentelemetry.io/collector/component"
)

// Meter returns the meter of the exporter's own telemetry.
func Meter(settings component.TelemetrySettings) metric.Meter {
	return settings.MeterProvider.Meter(ScopeName)
}

// TelemetryBuilder holds the exporter's own instruments.
type TelemetryBuilder struct {
	// LlmtraceExporterEventsSent counts events the platform accepted. Unit {event}.
	LlmtraceExporterEventsSent metric.Int64Counter
	// LlmtraceExporterEventsRejected counts events refused for good (invalid, rejected by the
	// platform, unmappable spans); never retried. Unit {event}.
	LlmtraceExporterEventsRejected metric.Int64Counter
	// LlmtraceExporterEventsFailed counts events not delivered because a request failed.
	// Unit {event}.
	LlmtraceExporterEventsFailed metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments from settings.MeterProvider.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	m := Meter(settings)
	tb := &TelemetryBuilder{}
	var err, errs error
	tb.LlmtraceExporterEventsSent, err = m.Int64Counter(
		"otelcol_llmtrace_exporter_events_sent",
		metric.WithDescription("Events the platform accepted."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterEventsRejected, err = m.Int64Counter(
		"otelcol_llmtrace_exporter_events_rejected",
		metric.WithDescription("Events refused for good (invalid per the contract, rejected by the platform, or spans that could not be mapped); never retried."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	tb.LlmtraceExporterEventsFailed, err = m.Int64Counter(
		"otelcol_llmtrace_exporter_events_failed",
		metric.WithDescription("Events not delivered because a request failed (retried by exporterhelper when the error is retryable)."),
		metric.WithUnit("{event}"),
	)
	errs = errors.Join(errs, err)
	return tb, errs
}
