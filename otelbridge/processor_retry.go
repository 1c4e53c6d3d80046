package otelbridge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// deliver sends events with the Client and retries the undelivered ones while the reply
// is retryable (RetryDelay): capped exponential backoff with ±50 % jitter, never sooner
// than Retry-After, within the export timeout and RetryConfig.MaxElapsedTime. Accepted
// events count as exported; events refused for good (invalid, a permanent reply such as
// 400/401/403) as rejected; the rest, when it gives up, as failed.
func (p *SpanProcessor) deliver(events []platform.TraceEvent, o *outcome) {
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.exportTimeout)
	defer cancel()
	rc := p.cfg.retry
	start := time.Now()
	interval := rc.InitialInterval
	pending := events
	for attempt := 1; ; attempt++ {
		res, err := p.client.Send(ctx, pending)
		p.mapper.Delivered(pending, res)
		p.exported.Add(int64(res.Accepted))
		if n := len(res.Rejected); n > 0 {
			p.rejected.Add(int64(n))
			rerr := fmt.Errorf("llmtrace: platform rejected %d of %d events, e.g. %s", n, len(pending), res.Rejected[0].Error)
			o.add(n, 0, rerr)
			p.reportError(rerr)
		}
		if err == nil {
			return
		}
		n := len(res.Undelivered)
		after, retryable := platform.RetryDelay(err)
		var ne *platform.NetworkError
		switch {
		case !retryable && errors.As(err, &ne) && ne.StatusCode != 0:
			// 400, 401, 403, other 4xx: the platform refused the batch for good.
			p.rejected.Add(int64(n))
			o.add(n, 0, err)
			p.reportError(fmt.Errorf("llmtrace: %d events dropped, not retried: %w", n, err))
			return
		case !retryable || !rc.Enabled:
			p.failed.Add(int64(n))
			o.add(0, n, err)
			p.reportError(fmt.Errorf("llmtrace: %d events failed: %w", n, err))
			return
		}
		wait := jitter(interval)
		if after > wait {
			wait = after
		}
		deadline, _ := ctx.Deadline()
		if ctx.Err() != nil || time.Since(start)+wait > rc.MaxElapsedTime || time.Now().Add(wait).After(deadline) {
			p.failed.Add(int64(n))
			gerr := fmt.Errorf("llmtrace: %d events failed after %d attempts in %v (next wait %v exceeds the export timeout %v or max elapsed time %v): %w",
				n, attempt, time.Since(start).Round(time.Millisecond), wait, p.cfg.exportTimeout, rc.MaxElapsedTime, err)
			o.add(0, n, gerr)
			p.reportError(gerr)
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			p.failed.Add(int64(n))
			gerr := fmt.Errorf("llmtrace: %d events failed: %w while waiting to retry: %w", n, ctx.Err(), err)
			o.add(0, n, gerr)
			p.reportError(gerr)
			return
		}
		next := make([]platform.TraceEvent, n)
		for k, i := range res.Undelivered {
			next[k] = pending[i]
		}
		pending = next
		interval = min(2*interval, rc.MaxInterval)
	}
}

// jitter spreads d by ±50 % (the collector's and backoff's randomization factor 0.5).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d+1)
}
