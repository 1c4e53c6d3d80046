package otelbridge

import (
	"fmt"

	"github.com/llmtrace/llmtrace/internal/mapping"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// outcome accumulates what went wrong between two ForceFlush answers.
type outcome struct {
	rejected, dropped int64
	last              error
}

func (o *outcome) add(rejected, dropped int, err error) {
	o.rejected += int64(rejected)
	o.dropped += int64(dropped)
	if err != nil {
		o.last = err
	}
}

// err summarises the outcome for ForceFlush: nil when every event was stored.
func (o *outcome) err() error {
	if o.last == nil {
		return nil
	}
	return fmt.Errorf("llmtrace: %d events rejected, %d dropped since the last flush: %w", o.rejected, o.dropped, o.last)
}

// sender maps and sends the batches the intake hands over, one at a time and in order,
// and answers ForceFlush calls riding on them. It closes p.done when intake has closed
// p.batches and the last batch is sent.
func (p *SpanProcessor) sender() {
	defer close(p.done)
	var o outcome
	for b := range p.batches {
		p.sendBatch(b.spans, &o)
		p.held.Add(-int64(b.bytes))
		if len(b.acks) > 0 {
			err := o.err()
			for _, a := range b.acks {
				a.err = err
				close(a.done)
			}
			o = outcome{}
		}
		p.reportDrops(false)
	}
}

// sendBatch maps spans with the core and delivers the events. A panic (in the mapping,
// say) is recovered and the batch's spans counted as dropped (DropPanic).
func (p *SpanProcessor) sendBatch(spans []sdktrace.ReadOnlySpan, o *outcome) {
	if len(spans) == 0 {
		return
	}
	if err := p.ctx.Err(); err != nil {
		// Shutdown's budget is spent: fail what is left without mapping it.
		p.drop(len(spans), DropShutdown)
		o.add(0, len(spans), fmt.Errorf("llmtrace: %d spans not sent: shutdown budget spent: %w", len(spans), err))
		return
	}
	delivered := false
	defer func() {
		if r := recover(); r != nil {
			p.panics.Add(1)
			p.panicOnce.Do(func() {
				p.reportPanic("sender", r)
			})
			if !delivered {
				p.drop(len(spans), DropPanic)
				o.add(0, len(spans), fmt.Errorf("llmtrace: panic while mapping a batch: %v", r))
			}
		}
	}()
	views := make([]mapping.SpanView, len(spans))
	for i, s := range spans {
		views[i] = sdkSpanView(s)
	}
	events := p.state.Map(views)
	delivered = true
	if len(events) == 0 {
		return
	}
	p.batchesSent.Add(1)
	p.deliver(events, o)
}
