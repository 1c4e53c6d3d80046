package collectorexporter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// The logs side of the exporter (issue 18): the official GenAI instrumentations put
// prompts, answers and tool calls in log records that name their span; pushLogs joins them
// onto the span's event with the Mapper the traces exporter of the same component shares
// (shared.go; internal/tracestate State.MapLogs).
//
// Durability: a log request is acknowledged only once every gen_ai record in it is carried
// by an event the platform accepted. A record whose span has not come yet is not held
// only in memory: pushLogs returns a retryable error carrying just the records that wait
// (consumererror.NewLogs), so the sending queue (persistent with `storage`) keeps them and
// exporterhelper's retry passes them again. Meanwhile the Mapper holds a copy, and the
// span, when it comes, is mapped with their content; once that event is accepted the next
// retry finds the records done and acknowledges them. A record still waiting after the
// hold (log_hold, 30 s) is shipped on its own, a child event of its span. This
// relies on retry_on_failure (the default); with retry disabled, waiting records are held
// in memory only and shipped on their own by a background sweep (lost in a crash).

// errRecordsWait is the retryable error of a log request some of whose records wait.
var errRecordsWait = errors.New("llmtrace: gen_ai log records wait for their spans (retried until the span's event is accepted or the hold ends)")

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	e, err := sharedExporters.acquire(c, set)
	if err != nil {
		return nil, err
	}
	e.state.ExpectLogs()
	sweep := &logSweep{e: e.llmtraceExporter}
	start, shutdown := e.start, e.shutdown
	if !c.RetryConfig.Enabled {
		start = func(ctx context.Context, host component.Host) error {
			if err := e.start(ctx, host); err != nil {
				return err
			}
			sweep.run()
			return nil
		}
		shutdown = func(ctx context.Context) error {
			sweep.stop(ctx)
			return e.shutdown(ctx)
		}
	}
	// As for traces, the retry sender has no time limit: records waiting for their span end
	// with log_hold, failed sends with retry_on_failure.max_elapsed_time counted by the
	// exporter's logClock, and a Retry-After is waited in full (retry_clock.go).
	return exporterhelper.NewLogs(ctx, set, cfg, e.pushLogs, helperOptions(c, unlimited(c.RetryConfig), start, shutdown)...)
}

// pushLogs joins ld's gen_ai records onto their spans' events and sends what is ready: the
// accepted events of spans that came before their records, sent again with the content,
// and records past the hold on their own. It returns nil once every gen_ai record is done
// (application logs are ignored, counted in the Mapper's LogStats), a retryable error
// carrying only the records still waiting or whose events were not delivered, and
// consumererror.NewPermanent for a non-retryable platform reply.
func (e *llmtraceExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	if ld.LogRecordCount() == 0 {
		return nil
	}
	res := e.state.MapLogs(pdataview.Logs(ld))
	retry := map[int]bool{}
	for i, f := range res.Fates {
		if f == tracestate.LogHeld {
			retry[i] = true
		}
	}
	var err error
	if len(res.Events) > 0 {
		var sres platform.SendResult
		sres, err = e.send(ctx, res.Events)
		for _, k := range sres.Undelivered {
			if k >= 0 && k < len(res.EventRecords) {
				for _, i := range res.EventRecords[k] {
					retry[i] = true
				}
			}
		}
		var ne *platform.NetworkError
		isNE := errors.As(err, &ne)
		if err != nil && (!isNE || !ne.Retryable) {
			e.logClock.done(ld)
			reason := "_OTHER"
			if isNE {
				reason = strconv.Itoa(ne.StatusCode)
			}
			e.drop(ctx, len(sres.Undelivered), reason)
			return consumererror.NewPermanent(err)
		}
		if err != nil {
			n := len(sres.Undelivered)
			if !e.cfg.RetryConfig.Enabled {
				e.drop(ctx, n, dropRetriesDisabled)
			} else if elapsed, ok := e.logClock.failed(ld, logsSubset(ld, retry), ne.RetryAfter, time.Now()); !ok {
				e.drop(ctx, n, dropRetriesExhausted)
				return consumererror.NewPermanent(fmt.Errorf("llmtrace: %d events of log records dropped: no more retries left after %v (retry_on_failure.max_elapsed_time %v): %w",
					n, elapsed.Round(time.Millisecond), e.cfg.RetryConfig.MaxElapsedTime, err))
			} else {
				e.telemetry.LlmtraceExporterRetries.Add(ctx, 1)
			}
			if ne.RetryAfter > 0 {
				err = exporterhelper.NewThrottleRetry(err, ne.RetryAfter)
			}
		}
	}
	if err == nil {
		e.logClock.done(ld)
	}
	if len(retry) == 0 {
		return nil // any error concerned events that carry no record (re-sent trace-wide values)
	}
	if err == nil {
		if !e.cfg.RetryConfig.Enabled {
			return nil // held in memory only; the sweep ships them on their own
		}
		err = errRecordsWait
	}
	return consumererror.NewLogs(err, logsSubset(ld, retry))
}

// send sends events, reports them to the Mapper and counts the reply as pushTraces does
// (what happens to undelivered events is pushLogs' to decide and count).
func (e *llmtraceExporter) send(ctx context.Context, events []platform.TraceEvent) (platform.SendResult, error) {
	res, err := e.client.Send(ctx, events)
	e.state.Delivered(events, res)
	e.countReply(ctx, res)
	if len(res.Rejected) > 0 {
		for _, r := range res.Rejected {
			name, id := "", ""
			if r.Index >= 0 && r.Index < len(events) {
				name, id = events[r.Index].Name, events[r.Index].SpanID
			}
			e.logger.Warn("llmtrace: the platform rejected an event made of log records; it is not retried",
				zap.String("reason", r.Error), zap.String("event_name", name), zap.String("event_span_id", id))
		}
	}
	return res, err
}

// logsSubset copies the records of ld whose document-order indexes are in want (with their
// resources and scopes) into a new plog.Logs.
func logsSubset(ld plog.Logs, want map[int]bool) plog.Logs {
	out := plog.NewLogs()
	i := 0
	rls := ld.ResourceLogs()
	for r := 0; r < rls.Len(); r++ {
		rl := rls.At(r)
		var outRL plog.ResourceLogs
		haveRL := false
		sls := rl.ScopeLogs()
		for s := 0; s < sls.Len(); s++ {
			sl := sls.At(s)
			var outSL plog.ScopeLogs
			haveSL := false
			recs := sl.LogRecords()
			for k := 0; k < recs.Len(); k, i = k+1, i+1 {
				if !want[i] {
					continue
				}
				if !haveRL {
					outRL = out.ResourceLogs().AppendEmpty()
					rl.Resource().CopyTo(outRL.Resource())
					outRL.SetSchemaUrl(rl.SchemaUrl())
					haveRL = true
				}
				if !haveSL {
					outSL = outRL.ScopeLogs().AppendEmpty()
					sl.Scope().CopyTo(outSL.Scope())
					outSL.SetSchemaUrl(sl.SchemaUrl())
					haveSL = true
				}
				recs.At(k).CopyTo(outSL.LogRecords().AppendEmpty())
			}
		}
	}
	return out
}

// logSweep ships held records past the hold on their own when retry is disabled (the
// queue then does not pass them again).
type logSweep struct {
	e    *llmtraceExporter
	done chan struct{}
	wg   sync.WaitGroup
}

func (s *logSweep) run() {
	s.done = make(chan struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				s.ship(context.Background(), s.e.state.ExpiredLogs())
			}
		}
	}()
}

func (s *logSweep) stop(ctx context.Context) {
	if s.done == nil {
		return
	}
	close(s.done)
	s.wg.Wait()
	s.ship(ctx, s.e.state.FlushLogs())
}

func (s *logSweep) ship(ctx context.Context, events []platform.TraceEvent) {
	if len(events) == 0 || s.e.client == nil {
		return
	}
	if _, err := s.e.send(ctx, events); err != nil {
		s.e.logger.Warn("llmtrace: log records shipped on their own were not delivered", zap.Error(err), zap.Int("events", len(events)))
	}
}
