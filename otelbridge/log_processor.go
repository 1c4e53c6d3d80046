package otelbridge

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// LogProcessor ships the gen_ai log records of an OTel Go SDK LoggerProvider — the
// prompts, answers and tool calls the official GenAI instrumentations emit as log records
// (semconv per-message events gen_ai.*.message / gen_ai.choice, and
// gen_ai.client.inference.operation.details) — onto the events of the spans they name,
// through the SpanProcessor's Mapper, client and retry. Add it beside the SpanProcessor:
//
//	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(url))
//	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
//	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(otelbridge.NewLogProcessor(p)))
//
// OnEmit never blocks: it copies the record (the SDK reuses it) and hands it to a bounded
// queue (WithMaxQueueSize records); when the queue is full the record is dropped and
// counted (LogStats). Application logs (no gen_ai.* event name) and records without a
// span context are skipped at once. A background goroutine maps the queued records
// (internal/tracestate State.MapLogs): a record whose span's event was accepted re-sends it with the
// content; the others wait, in memory, for their span (which then carries them); a record
// whose span does not come within the hold (WithLogHold on the SpanProcessor, default 30 s)
// is shipped on its own, a child event of its span without usage. Shutdown first flushes
// the SpanProcessor (so ended spans take their records), then ships the records still
// waiting on their own.
//
// Like the SpanProcessor's queue, the records waiting are in memory: a crash loses them
// (their span's event is sent without them).
//
// Its counts (Stats) are observable instruments on the SpanProcessor's MeterProvider
// (WithMeterProvider): MetricLogRecords by AttrLogRecordOutcome, MetricLogRecordsHeld, … —
// log_processor_metrics.go.
type LogProcessor struct {
	p      *SpanProcessor
	queue  chan mapping.LogRecord
	flush  chan chan struct{}
	stopCh chan struct{}
	done   chan struct{}

	stopOnce sync.Once
	stopped  atomic.Bool

	received, skipped, dropped atomic.Int64
	reg                        metric.Registration // log_processor_metrics.go
}

var _ sdklog.Processor = (*LogProcessor)(nil)

// logSweepInterval is how often waiting records past the hold are shipped on their own.
const logSweepInterval = time.Second

// NewLogProcessor returns a started LogProcessor shipping through p (its Mapper, client,
// retry, counters and MeterProvider). Shut it down before p. One LogProcessor per
// SpanProcessor: the join's counts are the Mapper's.
func NewLogProcessor(p *SpanProcessor) *LogProcessor {
	p.state.ExpectLogs()
	lp := &LogProcessor{
		p:      p,
		queue:  make(chan mapping.LogRecord, p.cfg.maxQueueSize),
		flush:  make(chan chan struct{}),
		stopCh: make(chan struct{}),
		done:   make(chan struct{}),
	}
	if err := lp.registerMetrics(p.cfg.meterProvider); err != nil {
		otel.Handle(fmt.Errorf("llmtrace: log processor metrics: %w", err))
	}
	go lp.run()
	return lp
}

// Enabled reports whether a record with param would be processed: a gen_ai event, or a
// record whose event name is not known yet (read from its attributes in OnEmit).
func (lp *LogProcessor) Enabled(_ context.Context, param sdklog.EnabledParameters) bool {
	return !lp.stopped.Load() && (param.EventName == "" || strings.HasPrefix(param.EventName, "gen_ai."))
}

// OnEmit copies a gen_ai record that names a span into the queue without blocking; it
// always returns nil.
func (lp *LogProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	defer lp.p.recoverPanic("log OnEmit")
	if lp.stopped.Load() || r == nil {
		return nil
	}
	lp.received.Add(1)
	tid, sid := r.TraceID(), r.SpanID()
	attrs := make(kvMap, 0, r.AttributesLen())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		attrs = append(attrs, kv)
		return true
	})
	name := mapping.LogEventName(r.EventName(), attrs)
	if !tid.IsValid() || !sid.IsValid() || !strings.HasPrefix(name, "gen_ai.") {
		lp.skipped.Add(1)
		return nil
	}
	t := r.Timestamp()
	if t.IsZero() {
		t = r.ObservedTimestamp()
	}
	scope := r.InstrumentationScope()
	rec := mapping.LogRecord{
		TraceID: tid, SpanID: sid, Time: t, EventName: name,
		Body: attrValue(r.Body()), Attributes: attrs, Resource: resourceMap{r.Resource()},
		ScopeName: scope.Name, ScopeVer: scope.Version,
	}
	select {
	case lp.queue <- rec:
	default:
		lp.dropped.Add(1)
	}
	return nil
}

// run maps the queued records as they come, ships waiting records past the hold every
// second, and answers ForceFlush; it ends after Shutdown.
func (lp *LogProcessor) run() {
	defer close(lp.done)
	tick := time.NewTicker(logSweepInterval)
	defer tick.Stop()
	for {
		select {
		case r := <-lp.queue:
			lp.mapQueued(r)
		case <-tick.C:
			lp.ship(lp.p.state.ExpiredLogs())
		case ack := <-lp.flush:
			lp.mapQueued()
			lp.ship(lp.p.state.ExpiredLogs())
			close(ack)
		case <-lp.stopCh:
			lp.mapQueued()
			return
		}
	}
}

// mapQueued maps first and every record queued now, and sends what is ready.
func (lp *LogProcessor) mapQueued(first ...mapping.LogRecord) {
	defer lp.p.recoverPanic("log records")
	recs := first
	for n := len(lp.queue); n > 0; n-- {
		recs = append(recs, <-lp.queue)
	}
	if len(recs) == 0 {
		return
	}
	lp.ship(lp.p.state.MapLogs(recs).Events)
}

func (lp *LogProcessor) ship(events []platform.TraceEvent) {
	if len(events) == 0 {
		return
	}
	var o outcome
	lp.p.deliver(events, &o)
}

// ForceFlush maps every record emitted before the call and sends what is ready, records
// waiting past the hold on their own (records still within the hold keep waiting for
// their spans); it returns ctx's error if ctx ends first.
func (lp *LogProcessor) ForceFlush(ctx context.Context) error {
	if lp.stopped.Load() {
		return nil
	}
	ack := make(chan struct{})
	select {
	case lp.flush <- ack:
	case <-lp.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown stops intake, maps the queued records, flushes the SpanProcessor so that spans
// already ended carry their records, then ships the records still waiting on their own.
// Only the first call does anything.
func (lp *LogProcessor) Shutdown(ctx context.Context) error {
	var err error
	lp.stopOnce.Do(func() {
		lp.stopped.Store(true)
		close(lp.stopCh)
		select {
		case <-lp.done:
		case <-ctx.Done():
			err = ctx.Err()
			return
		}
		if ferr := lp.p.ForceFlush(ctx); ferr != nil {
			err = fmt.Errorf("llmtrace: log processor shutdown: flushing the span processor: %w", ferr)
		}
		lp.ship(lp.p.state.FlushLogs())
		if uerr := lp.unregisterMetrics(); uerr != nil && err == nil {
			err = uerr
		}
	})
	return err
}

// LogProcessorStats are a LogProcessor's counts since it was created; the metrics of
// log_processor_metrics.go observe them (named in brackets).
type LogProcessorStats struct {
	Received int64 // records emitted to OnEmit (MetricLogRecordsReceived)
	Skipped  int64 // application logs and records without a span context (MetricLogRecords, outcome ignored)
	Dropped  int64 // gen_ai records dropped because the queue was full (MetricLogRecordsDropped)
	Waiting  int64 // records waiting for their span now (MetricLogRecordsHeld)
	Joined   int64 // records carried by their span's accepted event (outcome joined)
	Late     int64 // records carried by their span's accepted event, sent again with them (outcome late)
	Alone    int64 // records accepted as events on their own: their span never came within the hold, or the hold was full (outcome alone)
	Overflow int64 // records shipped on their own at once because the hold was full (MetricLogRecordsOverflow; in Alone once accepted)
	// Forgotten counts records dropped from memory after 10 minutes without their span
	// (outcome forgotten); in-process the hold ships them long before, so it stays 0
	// unless the hold is set past 10 minutes.
	Forgotten int64
}

// Stats returns the processor's counts.
func (lp *LogProcessor) Stats() LogProcessorStats {
	j := lp.p.state.LogStats()
	return LogProcessorStats{Received: lp.received.Load(), Skipped: lp.skipped.Load() + j.Ignored, Dropped: lp.dropped.Load(),
		Waiting: j.Held, Joined: j.Joined, Late: j.Late, Alone: j.Alone, Overflow: j.Overflow, Forgotten: j.Forgotten}
}
