package otelbridge

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/llmtrace/llmtrace/internal/tracestate"
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
// retryable (platform.RetryDelay) — the rules both SpanProcessor and Exporter follow, run
// by backoff.Retry (github.com/cenkalti/backoff/v5, the library of the OTel SDK's OTLP
// exporters) with batchDelivery as its operation and its BackOff:
//
//   - capped exponential backoff (backoff.ExponentialBackOff: ×2 per attempt up to
//     rc.MaxInterval, ±50 % jitter), never sooner than the platform's Retry-After, within
//     ctx (the export timeout) and rc.MaxElapsedTime;
//   - a Retry-After is waited in full when it ends before ctx's deadline, and the
//     MaxElapsedTime budget counts afresh from its end; one that reaches past the deadline
//     drops the events at once, counted under DropThrottled (waiting could not end in a
//     request the platform allows; in-process there is no queue that outlives the export
//     timeout);
//   - rejected (by the platform) and dropped (by reason) events are counted, never retried;
//     what the platform accepted counts as sent.
func deliver(ctx context.Context, client *platform.Client, state *tracestate.State, rc RetryConfig, events []platform.TraceEvent) delivery {
	b := &batchDelivery{ctx: ctx, client: client, state: state, rc: rc, pending: events, exp: newExponentialBackOff(rc)}
	_, err := backoff.Retry(ctx, b.attempt,
		backoff.WithBackOff(b),
		backoff.WithMaxElapsedTime(0), // b.NextBackOff keeps rc.MaxElapsedTime, afresh after a Retry-After
		backoff.WithNotify(func(error, time.Duration) { b.waiting = true }))
	if err != nil && !b.settled { // ctx ended, after an attempt or while waiting to retry
		n := len(b.pending)
		if b.waiting {
			b.d.drop(n, DropTimeout, fmt.Errorf("llmtrace: %d events dropped: %w while waiting to retry: %w", n, ctx.Err(), b.last))
		} else {
			b.d.drop(n, DropTimeout, fmt.Errorf("llmtrace: %d events dropped: %w: %w", n, ctx.Err(), b.last))
		}
	}
	return b.d
}

// newExponentialBackOff is rc's backoff: InitialInterval ×2 per attempt up to MaxInterval,
// each wait ±50 % (the collector's randomization factor).
func newExponentialBackOff(rc RetryConfig) backoff.ExponentialBackOff {
	return backoff.ExponentialBackOff{
		InitialInterval:     rc.InitialInterval,
		RandomizationFactor: backoff.DefaultRandomizationFactor,
		Multiplier:          2,
		MaxInterval:         rc.MaxInterval,
	}
}

// batchDelivery is the delivery of one batch's events: backoff.Retry's operation (attempt) and its
// backoff.BackOff (Reset, NextBackOff). Not safe for concurrent use; one per deliver call.
type batchDelivery struct {
	ctx    context.Context
	client *platform.Client
	state  *tracestate.State
	rc     RetryConfig
	exp    backoff.ExponentialBackOff

	d       delivery
	pending []platform.TraceEvent // what the next attempt sends: the last one's undelivered events
	last    error                 // the last attempt's retryable failure
	after   time.Duration         // its Retry-After, 0 when the platform sent none
	start   time.Time             // when the MaxElapsedTime budget began
	waiting bool                  // a wait to retry was scheduled and no attempt followed it yet
	settled bool                  // the undelivered events are counted as dropped
}

// attempt sends b.pending once and counts the reply. It returns nil when nothing is left to
// send, a backoff.Permanent error once the undelivered events are dropped (a permanent
// reply, retries off), and the retryable failure otherwise.
func (b *batchDelivery) attempt() (struct{}, error) {
	if b.waiting {
		b.d.retries++
		b.waiting = false
	}
	res, err := b.client.Send(b.ctx, b.pending)
	b.state.Delivered(b.pending, res) // what later spans of the trace may re-send (upsert)
	b.d.sent += res.Accepted
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
		b.d.rejected += refused
		notStored := fmt.Errorf("llmtrace: %d of %d events not stored, never retried: %d rejected by the platform (%d of them neither counted in its \"accepted\" nor listed), %d invalid; e.g. %s",
			refused+local, len(b.pending), refused, res.Unaccounted, local, example)
		if local > 0 {
			b.d.drop(local, DropInvalid, notStored)
		} else {
			b.d.errs = append(b.d.errs, notStored)
		}
	}
	if err == nil {
		return struct{}{}, nil
	}
	next := make([]platform.TraceEvent, len(res.Undelivered))
	for k, i := range res.Undelivered {
		next[k] = b.pending[i]
	}
	b.pending, b.last = next, err
	n := len(next)
	after, retryable := platform.RetryDelay(err)
	if !retryable {
		reason := "_OTHER" // OTel's error.type fallback
		var ne *platform.NetworkError
		if errors.As(err, &ne) {
			reason = strconv.Itoa(ne.StatusCode)
		}
		return struct{}{}, backoff.Permanent(b.settle(n, reason, fmt.Errorf("llmtrace: %d events dropped, not retried: %w", n, err)))
	}
	if !b.rc.Enabled {
		return struct{}{}, backoff.Permanent(b.settle(n, DropRetriesDisabled, fmt.Errorf("llmtrace: %d events dropped, retries are off: %w", n, err)))
	}
	b.after = after
	return struct{}{}, err
}

// Reset starts the MaxElapsedTime budget and the exponential backoff (backoff.Retry calls
// it before the first attempt).
func (b *batchDelivery) Reset() {
	b.exp.Reset()
	b.start = time.Now()
}

// NextBackOff is the wait before re-sending after b.last: the backoff's next interval or
// the Retry-After, whichever is longer. It returns backoff.Stop, the events counted as
// dropped, when that wait could not end in a request within the rules (see deliver).
func (b *batchDelivery) NextBackOff() time.Duration {
	n, err, after := len(b.pending), b.last, b.after
	now := time.Now()
	deadline, hasDeadline := b.ctx.Deadline()
	wait := max(b.exp.NextBackOff(), after)
	switch {
	case after > 0 && hasDeadline && now.Add(after).After(deadline):
		b.settle(n, DropThrottled, fmt.Errorf("llmtrace: %d events dropped: the platform's Retry-After %v reaches past the export timeout (%v left): %w",
			n, after, deadline.Sub(now).Round(time.Millisecond), err))
		return backoff.Stop
	case after == 0 && now.Sub(b.start)+wait > b.rc.MaxElapsedTime:
		b.settle(n, DropRetriesExhausted, fmt.Errorf("llmtrace: %d events dropped after %v of retries (max elapsed time %v): %w",
			n, now.Sub(b.start).Round(time.Millisecond), b.rc.MaxElapsedTime, err))
		return backoff.Stop
	case hasDeadline && now.Add(wait).After(deadline):
		b.settle(n, DropTimeout, fmt.Errorf("llmtrace: %d events dropped: the next retry (in %v) would start after the export timeout: %w", n, wait, err))
		return backoff.Stop
	}
	if after > 0 {
		b.start = now.Add(wait) // the platform named when to come back: a fresh budget from there
	}
	return wait
}

// settle counts the n undelivered events as dropped for reason and returns err.
func (b *batchDelivery) settle(n int, reason string, err error) error {
	b.d.drop(n, reason, err)
	b.settled = true
	return err
}

// deliver sends one batch's events within the export timeout and counts the outcome.
func (p *SpanProcessor) deliver(events []platform.TraceEvent, o *outcome) {
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.exportTimeout)
	defer cancel()
	d := deliver(ctx, p.client, p.state, p.cfg.retry, events)
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
