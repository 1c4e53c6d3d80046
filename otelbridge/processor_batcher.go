package otelbridge

import (
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// batch is what the intake goroutine hands the sender: spans to map and send, their
// approximate bytes (released from SpanProcessor.held once sent), and the ForceFlush calls
// to answer once they (and every earlier batch) are sent.
type batch struct {
	spans []sdktrace.ReadOnlySpan
	bytes int
	acks  []*flushAck
}

// queuedSpan is a span in the queue with its approximate size (approxSpanBytes), computed
// once in OnEnd.
type queuedSpan struct {
	s     sdktrace.ReadOnlySpan
	bytes int
}

// flushAck answers one ForceFlush: err is set before done is closed.
type flushAck struct {
	done chan struct{}
	err  error
}

// batcher is the intake goroutine's state: the batch being filled.
type batcher struct {
	p     *SpanProcessor
	cur   []sdktrace.ReadOnlySpan
	bytes int
	timer *time.Timer
}

// intake reads the queue into batches and hands each to the sender; it ends after
// Shutdown, once the queue is drained, by closing p.batches. A panic while reading a span
// is recovered and the loop resumes.
func (p *SpanProcessor) intake() {
	b := &batcher{p: p, cur: make([]sdktrace.ReadOnlySpan, 0, p.cfg.maxBatchSize), timer: time.NewTimer(time.Hour)}
	b.timer.Stop()
	defer close(p.batches)
	for !b.loop() {
	}
}

// loop runs until Shutdown (true) or a recovered panic (false).
func (b *batcher) loop() (stopped bool) {
	p := b.p
	defer p.recoverPanic("batcher")
	for {
		select {
		case s := <-p.queue:
			b.add(s)
		case <-b.timer.C:
			b.hand(nil)
		case ack := <-p.flushCh:
			// Everything enqueued before ForceFlush is in the queue now (or already
			// in cur or an earlier batch); take exactly that much.
			for n := len(p.queue); n > 0; n-- {
				b.add(<-p.queue)
			}
			b.hand(ack)
		case <-p.stopCh:
			for {
				select {
				case s := <-p.queue:
					b.add(s)
					continue
				case ack := <-p.flushCh:
					b.hand(ack)
					continue
				default:
				}
				break
			}
			b.hand(nil)
			return true
		}
	}
}

// add appends q and hands the batch over when it is full by count or bytes.
func (b *batcher) add(q queuedSpan) {
	if len(b.cur) == 0 {
		b.timer.Reset(b.p.cfg.batchTimeout)
	}
	b.cur = append(b.cur, q.s)
	b.bytes += q.bytes
	if len(b.cur) >= b.p.cfg.maxBatchSize || b.bytes >= b.p.cfg.maxBatchBytes {
		b.hand(nil)
	}
}

// hand gives the current batch (possibly empty, to carry ack) to the sender, waiting
// while the sender is busy with the previous one: that wait is what bounds memory.
func (b *batcher) hand(ack *flushAck) {
	b.timer.Stop()
	if len(b.cur) == 0 && ack == nil {
		return
	}
	out := batch{spans: b.cur, bytes: b.bytes}
	if ack != nil {
		out.acks = []*flushAck{ack}
	}
	b.p.batches <- out
	b.cur = make([]sdktrace.ReadOnlySpan, 0, b.p.cfg.maxBatchSize)
	b.bytes = 0
}

// spanOverheadBytes approximates the JSON of an event without its attribute values
// (IDs, times, keys, punctuation).
const spanOverheadBytes = 400

// approxSpanBytes estimates how many bytes s adds to a request: its name and the sizes of
// its attribute and event attribute keys and values.
func approxSpanBytes(s sdktrace.ReadOnlySpan) int {
	n := spanOverheadBytes + len(s.Name()) + attrsBytes(s.Attributes())
	for _, e := range s.Events() {
		n += 64 + len(e.Name) + attrsBytes(e.Attributes)
	}
	return n
}

func attrsBytes(kvs []attribute.KeyValue) int {
	n := 0
	for _, kv := range kvs {
		n += len(kv.Key) + 4 + valueBytes(kv.Value)
	}
	return n
}

func valueBytes(v attribute.Value) int {
	switch v.Type() {
	case attribute.STRING:
		return len(v.AsString()) + 2
	case attribute.BYTESLICE:
		return len(v.AsString())*4/3 + 4 // base64
	case attribute.STRINGSLICE:
		n := 2
		for _, s := range v.AsStringSlice() {
			n += len(s) + 3
		}
		return n
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE:
		return 2 + 24*sliceLen(v)
	case attribute.SLICE:
		n := 2
		for _, e := range v.AsSlice() {
			n += valueBytes(e) + 1
		}
		return n
	case attribute.MAP:
		return 2 + attrsBytes(v.AsMap())
	}
	return 8
}

func sliceLen(v attribute.Value) int {
	switch v.Type() {
	case attribute.BOOLSLICE:
		return len(v.AsBoolSlice())
	case attribute.INT64SLICE:
		return len(v.AsInt64Slice())
	case attribute.FLOAT64SLICE:
		return len(v.AsFloat64Slice())
	}
	return 0
}
