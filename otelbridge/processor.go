package otelbridge

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// SpanProcessor ships the spans of an OTel Go SDK TracerProvider to the platform. Add it
// beside the app's other processors:
//
//	p, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(url), otelbridge.WithAPIKey(key))
//	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()))
//
// OnEnd costs the application a sampled check, the optional span filter and one
// non-blocking channel send: when the queue (WithMaxQueueSize) is full the span is dropped
// and counted, never waited on. One background goroutine batches the queued spans by count
// (WithMaxBatchSize), age (WithBatchTimeout) and approximate bytes (WithMaxBatchBytes);
// a second one maps each batch with the mapping core (through internal/tracestate, which
// keeps a bounded per-trace memory across batches) and sends it with the platform Client, retrying
// retryable replies (WithRetry, WithExportTimeout), so intake keeps draining while a send
// is in flight. Memory is bounded by the queue, the batch being filled and the one in
// flight. Panics inside the processor are recovered, counted and reported once through
// otel.Handle; delivery errors are reported through otel.Handle at most every 10 s.
//
// OnStart stamps the conversation, user and session of the context
// (ContextWithConversation, ContextWithUser, ContextWithSession) and of the parent span
// onto each new span, so the whole trace carries them.
//
// Self-observability: Stats, and the llmtrace.processor.* instruments (Metric…
// constants) on the WithMeterProvider provider.
type SpanProcessor struct {
	cfg    resolved
	client *platform.Client
	state  *tracestate.State

	queue   chan queuedSpan
	held    atomic.Int64 // approximate bytes of the spans queued, batching and in flight
	flushCh chan *flushAck
	batches chan batch
	stopCh  chan struct{}
	done    chan struct{} // closed when the sender has sent the last batch

	ctx    context.Context // background work; cancelled when Shutdown's ctx ends
	cancel context.CancelFunc

	stopped  atomic.Bool
	stopOnce sync.Once

	counters
	reporter

	conv conversations
}

var _ sdktrace.SpanProcessor = (*SpanProcessor)(nil)

// NewSpanProcessor returns a started SpanProcessor configured by opts, falling back to the
// LLMTRACE_* environment variables (Env… constants) and the defaults (Default…
// constants). A missing endpoint, an unparsable or non-http(s) URL or an out-of-range
// setting gives a *ConfigurationError (never containing the API key).
func NewSpanProcessor(opts ...Option) (*SpanProcessor, error) {
	cfg, err := resolve(opts, osLookupEnv)
	if err != nil {
		return nil, err
	}
	client, err := cfg.newClient("llmtrace-spanprocessor")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &SpanProcessor{
		cfg:     cfg,
		client:  client,
		state:   tracestate.New(cfg.stateOpts),
		queue:   make(chan queuedSpan, cfg.maxQueueSize),
		flushCh: make(chan *flushAck),
		batches: make(chan batch),
		stopCh:  make(chan struct{}),
		done:    make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
	}
	p.conv.init(defaultMaxConversationSpans)
	p.queueLen = func() int64 { return int64(len(p.queue)) }
	p.queueCap = func() int64 { return int64(cap(p.queue)) }
	p.unpriced = p.state.Unpriced
	if err := p.register(cfg.meterProvider); err != nil {
		otel.Handle(fmt.Errorf("llmtrace: span processor metrics: %w", err))
	}
	go p.intake()
	go p.sender()
	return p, nil
}

// OnStart stamps gen_ai.conversation.id, user.id and session.id onto s from parent's
// TraceAttributes and, when parent holds a span this processor saw start, from that span
// (context values first). Attributes already on s win. It never blocks.
func (p *SpanProcessor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	defer p.recoverPanic("OnStart")
	if p.stopped.Load() {
		return
	}
	attrs := TraceAttributesFromContext(parent)
	if p.conv.n.Load() > 0 {
		if psc := trace.SpanContextFromContext(parent); psc.IsValid() {
			if inherited, ok := p.conv.get(spanKey{psc.TraceID(), psc.SpanID()}); ok {
				attrs = attrs.merge(inherited)
			}
		}
	}
	if attrs.IsZero() {
		return
	}
	// Values the span got at creation (trace.WithAttributes) are more specific: keep them,
	// and pass them on to its children.
	effective := attrs
	for _, kv := range s.Attributes() {
		switch kv.Key {
		case AttrConversationID:
			attrs.ConversationID, effective.ConversationID = "", kv.Value.Emit()
		case AttrUserID:
			attrs.UserID, effective.UserID = "", kv.Value.Emit()
		case AttrSessionID:
			attrs.SessionID, effective.SessionID = "", kv.Value.Emit()
		}
	}
	set := make([]attribute.KeyValue, 0, 3)
	if attrs.ConversationID != "" {
		set = append(set, attribute.String(AttrConversationID, attrs.ConversationID))
	}
	if attrs.UserID != "" {
		set = append(set, attribute.String(AttrUserID, attrs.UserID))
	}
	if attrs.SessionID != "" {
		set = append(set, attribute.String(AttrSessionID, attrs.SessionID))
	}
	if len(set) > 0 {
		s.SetAttributes(set...)
	}
	if s.IsRecording() {
		sc := s.SpanContext()
		p.conv.put(spanKey{sc.TraceID(), sc.SpanID()}, effective)
	}
}

// OnEnd enqueues a sampled span for the background sender without blocking: after
// Shutdown, for unsampled spans, spans the filter leaves out and when the queue is full —
// by count (WithMaxQueueSize) or by bytes (WithMaxQueueBytes) — it returns at once (the
// last two counted in Stats).
func (p *SpanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	defer p.recoverPanic("OnEnd")
	sc := s.SpanContext()
	if p.conv.n.Load() > 0 {
		p.conv.remove(spanKey{sc.TraceID(), sc.SpanID()})
	}
	if p.stopped.Load() || !sc.IsSampled() {
		return
	}
	p.received.Add(1)
	if p.cfg.filter != nil && !p.keep(s) {
		p.filtered.Add(1)
		return
	}
	n := int64(approxSpanBytes(s))
	if p.held.Add(n) > int64(p.cfg.maxQueueBytes) {
		p.held.Add(-n)
		p.dropped.Add(1)
		return
	}
	select {
	case p.queue <- queuedSpan{s, int(n)}:
	default:
		p.held.Add(-n)
		p.dropped.Add(1)
	}
}

// keep runs the span filter; a panic in it drops the span.
func (p *SpanProcessor) keep(s sdktrace.ReadOnlySpan) (ok bool) {
	defer p.recoverPanic("span filter")
	return p.cfg.filter(s)
}

// ForceFlush sends every span enqueued before the call and returns once the platform has
// answered for them (nil), an error summarising events rejected or dropped since the last
// flush, or ctx's error when ctx ends first (sending then continues in the background).
// After Shutdown it returns nil.
func (p *SpanProcessor) ForceFlush(ctx context.Context) error {
	if p.stopped.Load() {
		return nil
	}
	ack := &flushAck{done: make(chan struct{})}
	select {
	case p.flushCh <- ack:
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack.done:
		return ack.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown stops intake (later OnEnd calls are no-ops) and sends everything queued within
// one budget for the whole drain: the export timeout (WithExportTimeout) or ctx's end,
// whichever comes first. When the budget ends first, in-flight requests and retries are
// cancelled, the remaining events are counted as dropped (DropTimeout, DropShutdown), and the error is ctx's, or one
// wrapping context.DeadlineExceeded that names the export timeout. Stats and the metrics
// are final when Shutdown returns. Only the first call does anything; later ones return
// nil.
func (p *SpanProcessor) Shutdown(ctx context.Context) error {
	var err error
	p.stopOnce.Do(func() {
		p.stopped.Store(true)
		budget, cancel := context.WithTimeout(ctx, p.cfg.exportTimeout)
		defer cancel()
		close(p.stopCh)
		select {
		case <-p.done:
		case <-budget.Done():
			err = ctx.Err()
			if err == nil {
				err = fmt.Errorf("llmtrace: shutdown: the export timeout (%v) ended before every span was sent: %w", p.cfg.exportTimeout, context.DeadlineExceeded)
			}
		}
		// Cancelled, the sender fails what is left fast (its counts included); wait for it
		// so that Stats are final.
		p.cancel()
		<-p.done
		p.reportDrops(true)
		if uerr := p.unregister(); uerr != nil && err == nil {
			err = uerr
		}
	})
	return err
}

// Stats returns the processor's running totals (see ProcessorStats).
func (p *SpanProcessor) Stats() ProcessorStats { return p.stats() }

// recoverPanic must be deferred directly: it stops a panic from reaching the caller,
// counts it and reports the first one.
func (p *SpanProcessor) recoverPanic(where string) {
	if r := recover(); r != nil {
		p.panics.Add(1)
		p.panicOnce.Do(func() { p.reportPanic(where, r) })
	}
}

func (p *SpanProcessor) reportPanic(where string, r any) {
	otel.Handle(fmt.Errorf("llmtrace: recovered a panic in the span processor (%s): %v; later panics are only counted (%s)", where, r, MetricPanics))
}
