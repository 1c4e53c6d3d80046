package otelbridge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// delivery is what delivering one batch did, in the shippers' vocabulary (package
// platform, "Delivery rules").
type delivery struct {
	sent, rejected, retries int
	dropped                 map[string]int // by reason (Drop…, or an HTTP status)
	errs                    []error
}

func (d *delivery) drop(n int, reason string, err error) {
	if n <= 0 {
		return
	}
	if d.dropped == nil {
		d.dropped = map[string]int{}
	}
	d.dropped[reason] += n
	d.errs = append(d.errs, err)
}

// droppedTotal is the number of events given up on.
func (d *delivery) droppedTotal() int {
	n := 0
	for _, k := range d.dropped {
		n += k
	}
	return n
}

// err is nil when every event was stored, else the reasons joined.
func (d *delivery) err() error { return errors.Join(d.errs...) }

// deliver sends events with client and retries the undelivered ones while the reply is
// retryable (platform.RetryDelay) — the rules both SpanProcessor and Exporter follow:
//
//   - capped exponential backoff with ±50 % jitter (rc), never sooner than the platform's
//     Retry-After, within ctx (the export timeout) and rc.MaxElapsedTime;
//   - a Retry-After is waited in full when it ends before ctx's deadline, and the
//     MaxElapsedTime budget counts afresh from its end; one that reaches past the deadline
//     drops the events at once, counted under DropThrottled (waiting could not end in a
//     request the platform allows; in-process there is no queue that outlives the export
//     timeout);
//   - rejected (by the platform) and dropped (by reason) events are counted, never retried;
//     what the platform accepted counts as sent.
func deliver(ctx context.Context, client *platform.Client, mapper *mapping.Mapper, rc RetryConfig, events []platform.TraceEvent) delivery {
	var d delivery
	start := time.Now()
	interval := rc.InitialInterval
	pending := events
	for {
		res, err := client.Send(ctx, pending)
		mapper.Delivered(pending, res) // what later spans of the trace may re-send (upsert)
		d.sent += res.Accepted
		local := 0
		for _, r := range res.Rejected {
			if r.Local {
				local++
			}
		}
		refused := len(res.Rejected) - local + res.Unaccounted
		if refused+local > 0 {
			example := "the platform's \"accepted\" count left them out without listing them"
			if len(res.Rejected) > 0 {
				example = res.Rejected[0].Error
			}
			d.rejected += refused
			notStored := fmt.Errorf("llmtrace: %d of %d events not stored, never retried: %d rejected by the platform (%d of them neither counted in its \"accepted\" nor listed), %d invalid; e.g. %s",
				refused+local, len(pending), refused, res.Unaccounted, local, example)
			if local > 0 {
				d.drop(local, DropInvalid, notStored)
			} else {
				d.errs = append(d.errs, notStored)
			}
		}
		if err == nil {
			return d
		}
		n := len(res.Undelivered)
		after, retryable := platform.RetryDelay(err)
		if !retryable {
			reason := "_OTHER" // OTel's error.type fallback
			var ne *platform.NetworkError
			if errors.As(err, &ne) {
				reason = strconv.Itoa(ne.StatusCode)
			}
			d.drop(n, reason, fmt.Errorf("llmtrace: %d events dropped, not retried: %w", n, err))
			return d
		}
		if !rc.Enabled {
			d.drop(n, DropRetriesDisabled, fmt.Errorf("llmtrace: %d events dropped, retries are off: %w", n, err))
			return d
		}
		if ctx.Err() != nil {
			d.drop(n, DropTimeout, fmt.Errorf("llmtrace: %d events dropped: %w: %w", n, ctx.Err(), err))
			return d
		}
		now := time.Now()
		deadline, hasDeadline := ctx.Deadline()
		wait := max(jitter(interval), after)
		switch {
		case after > 0 && hasDeadline && now.Add(after).After(deadline):
			d.drop(n, DropThrottled, fmt.Errorf("llmtrace: %d events dropped: the platform's Retry-After %v reaches past the export timeout (%v left): %w",
				n, after, deadline.Sub(now).Round(time.Millisecond), err))
			return d
		case after == 0 && now.Sub(start)+wait > rc.MaxElapsedTime:
			d.drop(n, DropRetriesExhausted, fmt.Errorf("llmtrace: %d events dropped after %v of retries (max elapsed time %v): %w",
				n, now.Sub(start).Round(time.Millisecond), rc.MaxElapsedTime, err))
			return d
		case hasDeadline && now.Add(wait).After(deadline):
			d.drop(n, DropTimeout, fmt.Errorf("llmtrace: %d events dropped: the next retry (in %v) would start after the export timeout: %w", n, wait, err))
			return d
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			d.drop(n, DropTimeout, fmt.Errorf("llmtrace: %d events dropped: %w while waiting to retry: %w", n, ctx.Err(), err))
			return d
		}
		if after > 0 {
			start = time.Now() // the platform named when to come back: a fresh budget from here
		}
		d.retries++
		next := make([]platform.TraceEvent, n)
		for k, i := range res.Undelivered {
			next[k] = pending[i]
		}
		pending = next
		interval = min(2*interval, rc.MaxInterval)
	}
}

// deliver sends one batch's events within the export timeout and counts the outcome.
func (p *SpanProcessor) deliver(events []platform.TraceEvent, o *outcome) {
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.exportTimeout)
	defer cancel()
	d := deliver(ctx, p.client, p.mapper, p.cfg.retry, events)
	p.sent.Add(int64(d.sent))
	p.rejected.Add(int64(d.rejected))
	p.retries.Add(int64(d.retries))
	for reason, n := range d.dropped {
		p.drop(n, reason)
	}
	if err := d.err(); err != nil {
		o.add(d.rejected, d.droppedTotal(), err)
		p.reportError(err)
	}
}

// jitter spreads d by ±50 % (the collector's and backoff's randomization factor 0.5).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d+1)
}
