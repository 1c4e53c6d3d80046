package otelbridge

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
)

// reportInterval is the least time between two delivery or drop reports to otel.Handle.
const reportInterval = 10 * time.Second

// reporter rate-limits what the processor tells otel.Handle, so an outage or a burst
// gives a line every reportInterval, not one per batch or span.
type reporter struct {
	panicOnce     sync.Once
	lastErrReport atomic.Int64 // unix ns
	lastDropAt    atomic.Int64 // unix ns of the last drop report
	droppedSeen   atomic.Int64 // dropped count at the last drop report
}

// reportError passes err to otel.Handle unless another error was reported within
// reportInterval; suppressed errors are still counted in Stats.
func (r *reporter) reportError(err error) {
	now := time.Now().UnixNano()
	last := r.lastErrReport.Load()
	if last != 0 && now-last < int64(reportInterval) {
		return
	}
	if r.lastErrReport.CompareAndSwap(last, now) {
		otel.Handle(err)
	}
}

// reportDrops reports spans dropped since the last report (queue full), at most every
// reportInterval unless final.
func (p *SpanProcessor) reportDrops(final bool) {
	d := p.dropped.Load()
	seen := p.droppedSeen.Load()
	if d == seen {
		return
	}
	now := time.Now().UnixNano()
	last := p.lastDropAt.Load()
	if !final && last != 0 && now-last < int64(reportInterval) {
		return
	}
	if p.lastDropAt.CompareAndSwap(last, now) && p.droppedSeen.CompareAndSwap(seen, d) {
		otel.Handle(fmt.Errorf("llmtrace: span queue full (capacity %d): dropped %d spans (%d in total); raise WithMaxQueueSize or check the platform is reachable",
			cap(p.queue), d-seen, d))
	}
}
