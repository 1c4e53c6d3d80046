package otelbridge

import (
	"context"
	"errors"

	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// Instrument names of the LogProcessor's self-observability, on the meter of the
// SpanProcessor's (processor_metrics.go: "github.com/llmtrace/llmtrace/otelbridge", the
// MeterProvider of WithMeterProvider), each with otel.component.type =
// "llmtrace_log_processor". MetricLogRecords and MetricLogRecordsHeld are the collector
// exporter's otelcol_llmtrace_exporter_log_records (attribute llmtrace.log_record.outcome,
// the same values) and otelcol_llmtrace_exporter_log_records_held
// (collectorexporter/metadata.yaml); the others count what only the in-process path has:
// OnEmit calls, its queue, and the records the hold's byte bound sent on at once. The
// events made of records are counted with the SpanProcessor's (events.sent, …), through
// which they are delivered.
const (
	// MetricLogRecords counts gen_ai log records by what became of them
	// (AttrLogRecordOutcome): LogOutcomeJoined, LogOutcomeLate, LogOutcomeAlone,
	// LogOutcomeIgnored, LogOutcomeForgotten.
	MetricLogRecords = "llmtrace.processor.log_records" // {record}, llmtrace.log_record.outcome
	// MetricLogRecordsHeld is the number of records waiting for their span now (an
	// observed up-down counter, as MetricQueueSize).
	MetricLogRecordsHeld = "llmtrace.processor.log_records.held" // {record}, up-down (observed)
	// MetricLogRecordsReceived counts the records handed to OnEmit (application logs too).
	MetricLogRecordsReceived = "llmtrace.processor.log_records.received" // {record}
	// MetricLogRecordsDropped counts gen_ai records dropped because the queue was full,
	// error.type = "queue_full" (as MetricSpansDropped).
	MetricLogRecordsDropped = "llmtrace.processor.log_records.dropped" // {record}, error.type=queue_full
	// MetricLogRecordsOverflow counts records that did not fit the hold's byte bound
	// (tracestate.DefaultLogHoldBytes, 16 MiB) and were shipped on their own at once instead
	// of waiting; once accepted they are also counted as LogOutcomeAlone.
	MetricLogRecordsOverflow = "llmtrace.processor.log_records.overflow" // {record}
)

// AttrLogRecordOutcome is the attribute of MetricLogRecords (the collector's
// llmtrace.log_record.outcome).
const AttrLogRecordOutcome = "llmtrace.log_record.outcome"

// Values of AttrLogRecordOutcome.
const (
	LogOutcomeJoined    = "joined"    // carried by their span's accepted event (LogProcessorStats.Joined)
	LogOutcomeLate      = "late"      // carried by their span's accepted event, sent again with them (Late)
	LogOutcomeAlone     = "alone"     // accepted as events of their own: the span never came within the hold, or the hold was full (Alone)
	LogOutcomeIgnored   = "ignored"   // application logs and records naming no span (Skipped)
	LogOutcomeForgotten = "forgotten" // dropped from memory after 10 minutes without their span (Forgotten)
)

// logComponent is the otel.component.type of the LogProcessor's instruments.
const logComponent = "llmtrace_log_processor"

// registerMetrics creates the LogProcessor's observable instruments on mp (noop when nil);
// the callback reads Stats on each collection.
func (lp *LogProcessor) registerMetrics(mp metric.MeterProvider) error {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	m := mp.Meter(meterName, metric.WithInstrumentationVersion(platform.Version))
	var errs []error
	counter := func(name, desc string) metric.Int64ObservableCounter {
		inst, err := m.Int64ObservableCounter(name, metric.WithUnit("{record}"), metric.WithDescription(desc))
		errs = append(errs, err)
		return inst
	}
	records := counter(MetricLogRecords, "gen_ai log records by what became of them (llmtrace.log_record.outcome: joined, late, alone, ignored, forgotten).")
	received := counter(MetricLogRecordsReceived, "Log records handed to the llmtrace log processor.")
	dropped := counter(MetricLogRecordsDropped, "gen_ai log records dropped because the queue was full.")
	overflow := counter(MetricLogRecordsOverflow, "gen_ai log records shipped on their own at once because the hold was full.")
	held, err := m.Int64ObservableUpDownCounter(MetricLogRecordsHeld, metric.WithUnit("{record}"),
		metric.WithDescription("gen_ai log records waiting for their span now."))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	comp := attribute.String("otel.component.type", logComponent)
	base := metric.WithAttributes(comp)
	full := metric.WithAttributes(comp, attribute.String("error.type", "queue_full"))
	outcome := func(v string) metric.ObserveOption {
		return metric.WithAttributes(comp, attribute.String(AttrLogRecordOutcome, v))
	}
	oJoined, oLate, oAlone := outcome(LogOutcomeJoined), outcome(LogOutcomeLate), outcome(LogOutcomeAlone)
	oIgnored, oForgotten := outcome(LogOutcomeIgnored), outcome(LogOutcomeForgotten)
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := lp.Stats()
		o.ObserveInt64(records, st.Joined, oJoined)
		o.ObserveInt64(records, st.Late, oLate)
		o.ObserveInt64(records, st.Alone, oAlone)
		o.ObserveInt64(records, st.Skipped, oIgnored)
		o.ObserveInt64(records, st.Forgotten, oForgotten)
		o.ObserveInt64(held, st.Waiting, base)
		o.ObserveInt64(received, st.Received, base)
		o.ObserveInt64(dropped, st.Dropped, full)
		o.ObserveInt64(overflow, st.Overflow, base)
		return nil
	}, records, held, received, dropped, overflow)
	if err != nil {
		return err
	}
	lp.reg = reg
	return nil
}

// unregisterMetrics stops the observations (Shutdown).
func (lp *LogProcessor) unregisterMetrics() error {
	if lp.reg == nil {
		return nil
	}
	return lp.reg.Unregister()
}
