package collectorexporter

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/llmtrace/llmtrace/collectorexporter/internal/metadata"
	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// llmtraceExporter maps ptrace batches with one tracestate.State (bounded per-trace memory,
// so thread / user / session and usage roll-ups resolve across batches of one trace) and
// ships them with one platform.Client built in start from confighttp.
type llmtraceExporter struct {
	cfg       *Config
	logger    *zap.Logger
	settings  component.TelemetrySettings
	userAgent string
	state     *tracestate.State
	telemetry *metadata.TelemetryBuilder
	clock     *retryClock[ptrace.Traces] // retry_on_failure.max_elapsed_time, per batch
	logClock  *retryClock[plog.Logs]     // the same for log requests (logs.go)
	client    *platform.Client
	resendReg metric.Registration // observes the mapper's re-send counts
	priceReg  metric.Registration // observes the mapper's unpriced counts
	logReg    metric.Registration // observes the mapper's log join counts

	// Lower per-request limits than the contract's (0 = the contract's); tests only.
	maxEventsPerRequest int
	maxRequestBytes     int
}

func newExporter(cfg *Config, set exporter.Settings) (*llmtraceExporter, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("llmtrace exporter: creating its telemetry: %w", err)
	}
	table, err := cfg.Pricing.table()
	if err != nil {
		return nil, fmt.Errorf("llmtrace exporter: %w", err)
	}
	md := make(map[string]any, len(cfg.Metadata))
	for k, v := range cfg.Metadata {
		md[k] = v
	}
	return &llmtraceExporter{
		cfg:      cfg,
		logger:   set.Logger,
		settings: set.TelemetrySettings,
		// llmtrace-{component}/{version} (docs/platform-api.md "Request"), then the collector build.
		userAgent: fmt.Sprintf("llmtrace-collector/%s (%s/%s; %s/%s)", platform.Version,
			set.BuildInfo.Description, set.BuildInfo.Version, runtime.GOOS, runtime.GOARCH),
		state: tracestate.New(tracestate.Options{
			Map: mapping.MapOptions{
				MaxInputBytes:  cfg.MaxInputBytes,
				MaxOutputBytes: cfg.MaxOutputBytes,
				OmitContent:    !cfg.CaptureContent,
				Tags:           cfg.Tags,
				Metadata:       platform.MetadataFromMap(md), // sorted
				Prices:         table,
			},
			LogHold: cfg.LogHold,
		}),
		telemetry: tb,
		clock:     newRetryClock[ptrace.Traces](cfg.RetryConfig.MaxElapsedTime, cfg.RetryConfig.MaxInterval),
		logClock:  newRetryClock[plog.Logs](cfg.RetryConfig.MaxElapsedTime, cfg.RetryConfig.MaxInterval),
	}, nil
}

// start builds the HTTP client from confighttp (TLS, headers, auth and middleware
// extensions, proxy, keep-alive) and the platform client on top of it. The body is
// compressed once, by the platform client (klauspost gzip / zstd, pooled writers, several
// times faster than the round tripper's compress/flate); confighttp's own compression is
// turned off so the platform never sees two encoding layers.
func (e *llmtraceExporter) start(ctx context.Context, host component.Host) error {
	httpCfg := e.cfg.ClientConfig
	httpCfg.Compression = compressionNone
	httpClient, err := httpCfg.ToClient(ctx, host.GetExtensions(), e.settings)
	if err != nil {
		return err
	}
	compression := string(e.cfg.ClientConfig.Compression)
	if compression == "" {
		compression = string(compressionNone)
	}
	client, err := platform.NewClient(platform.ClientConfig{
		Endpoint:    e.cfg.ClientConfig.Endpoint,
		APIKey:      string(e.cfg.APIKey),
		HTTPClient:  httpClient,
		UserAgent:   e.userAgent,
		Compression: compression,
		Timeout:     e.cfg.ClientConfig.Timeout,

		MaxEventsPerRequest: e.maxEventsPerRequest,
		MaxRequestBytes:     e.maxRequestBytes,
	})
	if err != nil {
		return err
	}
	e.client = client
	e.resendReg, err = e.telemetry.RegisterResendCallback(e.settings, func() (int64, int64) {
		st := e.state.Stats()
		return st.EventsResent, st.EventsForgotten
	})
	if err != nil {
		return err
	}
	e.priceReg, err = e.telemetry.RegisterUnpricedCallback(e.settings, e.state.Unpriced)
	if err != nil {
		return err
	}
	e.logReg, err = e.telemetry.RegisterLogJoinCallback(e.settings, func() (int64, map[string]int64) {
		st := e.state.LogStats()
		return st.Held, map[string]int64{"joined": st.Joined, "late": st.Late, "alone": st.Alone, "ignored": st.Ignored, "forgotten": st.Forgotten}
	})
	return err
}

// shutdown unregisters the asynchronous instruments.
func (e *llmtraceExporter) shutdown(context.Context) error {
	var errs []error
	for _, r := range []metric.Registration{e.resendReg, e.priceReg, e.logReg} {
		if r != nil {
			errs = append(errs, r.Unregister())
		}
	}
	return errors.Join(errs...)
}

// Values of the error.type attribute of events_dropped that are not an HTTP status.
const (
	dropInvalid          = "invalid"           // refused by the client before sending (the contract's checks)
	dropRetriesExhausted = "retries_exhausted" // retry_on_failure.max_elapsed_time passed (retryClock)
	dropRetriesDisabled  = "retries_disabled"  // a retryable failure with retry_on_failure off
)

// pushTraces maps td and sends the events, then counts what the platform said and tells
// exporterhelper what to do (doc.go of package platform, "Delivery rules"):
//
//   - every event stored: nil (exporterhelper counts the spans as sent);
//   - events rejected by the platform (a 200's list, 413 alone, or unlisted and left out of
//     "accepted") or refused locally: logged, counted, never retried, and a
//     consumererror.NewPermanent naming the counts, so otelcol_exporter_sent_spans never
//     counts spans the platform did not store (it counts the whole request as failed);
//   - a permanent reply (400, 401, 403, other 4xx, 3xx, a 2xx that is not the platform's):
//     consumererror.NewPermanent; the undelivered events count as dropped with
//     error.type = the status;
//   - a retryable failure: the spans whose events were not delivered come back in
//     consumererror.NewTraces, wrapped in exporterhelper.NewThrottleRetry when the
//     platform sent Retry-After; retryClock decides when the budget is spent.
func (e *llmtraceExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	views := pdataview.Spans(td)
	if len(views) == 0 {
		e.clock.done(td)
		return nil
	}
	events := e.state.Map(views) // checked against the contract once, in Client.Send
	if len(events) == 0 {
		e.clock.done(td)
		return nil
	}
	// Which span each event came from is needed only to report rejections and to retry
	// undelivered spans; it is not computed on the common path (one UUID string per span).
	var sources []int
	sourceOf := func() []int {
		if sources == nil {
			sources = sourceIndex(events, views)
		}
		return sources
	}
	res, sendErr := e.client.Send(ctx, events)
	e.state.Delivered(events, res)
	refused, local := e.countReply(ctx, res)
	e.logRejections(events, views, sourceOf, res)
	if sendErr == nil {
		e.clock.done(td)
		if len(res.Rejected)+res.Unaccounted > 0 {
			return consumererror.NewPermanent(fmt.Errorf("llmtrace: %d of %d events not stored, never retried: %d rejected by the platform (%d of them neither counted in its \"accepted\" nor listed), %d invalid; %d stored",
				len(res.Rejected)+res.Unaccounted, len(events), refused, res.Unaccounted, local, res.Accepted))
		}
		return nil
	}
	n := len(res.Undelivered)
	var ne *platform.NetworkError
	isNE := errors.As(sendErr, &ne)
	if !isNE || !ne.Retryable {
		e.clock.done(td)
		reason := "_OTHER" // OTel's error.type fallback
		if isNE {
			reason = strconv.Itoa(ne.StatusCode)
		}
		e.drop(ctx, n, reason)
		return consumererror.NewPermanent(sendErr)
	}
	rest, partial := undeliveredTraces(td, views, sourceOf(), res.Undelivered)
	next := td
	if partial {
		next = rest
	}
	if !e.cfg.RetryConfig.Enabled {
		e.drop(ctx, n, dropRetriesDisabled)
	} else if elapsed, ok := e.clock.failed(td, next, ne.RetryAfter, time.Now()); !ok {
		e.drop(ctx, n, dropRetriesExhausted)
		return consumererror.NewPermanent(fmt.Errorf("llmtrace: %d events dropped: no more retries left after %v (retry_on_failure.max_elapsed_time %v): %w",
			n, elapsed.Round(time.Millisecond), e.cfg.RetryConfig.MaxElapsedTime, sendErr))
	} else {
		e.telemetry.LlmtraceExporterRetries.Add(ctx, 1)
	}
	err := sendErr
	if ne.RetryAfter > 0 {
		err = exporterhelper.NewThrottleRetry(sendErr, ne.RetryAfter)
	}
	if partial {
		return consumererror.NewTraces(err, rest)
	}
	return err
}

// countReply counts what the platform said of one request: sent (stored), rejected (refused
// by the platform, listed or missing from its "accepted"), and the events that broke the
// contract before sending as dropped (error.type "invalid"). It returns the refused and the
// invalid counts.
func (e *llmtraceExporter) countReply(ctx context.Context, res platform.SendResult) (refused, local int) {
	if res.Accepted > 0 {
		e.telemetry.LlmtraceExporterEventsSent.Add(ctx, int64(res.Accepted))
	}
	for _, r := range res.Rejected {
		if r.Local {
			local++
		}
	}
	refused = len(res.Rejected) - local + res.Unaccounted
	if refused > 0 {
		e.telemetry.LlmtraceExporterEventsRejected.Add(ctx, int64(refused))
	}
	e.drop(ctx, local, dropInvalid)
	return refused, local
}

// drop counts n events given up on, for reason (error.type).
func (e *llmtraceExporter) drop(ctx context.Context, n int, reason string) {
	if n > 0 {
		e.telemetry.LlmtraceExporterEventsDropped.Add(ctx, int64(n), metric.WithAttributes(attribute.String("error.type", reason)))
	}
}

// logRejections logs each event refused for good with its reason and ids.
func (e *llmtraceExporter) logRejections(events []platform.TraceEvent, views []mapping.SpanView, sourceOf func() []int, res platform.SendResult) {
	for _, r := range res.Rejected {
		fields := []zap.Field{zap.String("reason", r.Error)}
		if r.Index >= 0 && r.Index < len(events) {
			ev := &events[r.Index]
			fields = append(fields, zap.String("span_name", ev.Name), zap.String("event_span_id", ev.SpanID))
			if src := sourceOf()[r.Index]; src >= 0 {
				fields = append(fields, zap.String("otel_trace_id", hexTrace(views[src].TraceID())), zap.String("otel_span_id", hexSpan(views[src].SpanID())))
			}
		}
		if r.Local {
			e.logger.Warn("llmtrace: an event breaks the platform contract; dropped, not sent", fields...)
		} else {
			e.logger.Warn("llmtrace: the platform rejected an event; it is not retried", fields...)
		}
	}
	if res.Unaccounted > 0 {
		e.logger.Warn("llmtrace: the platform's reply counted fewer events as accepted than it was sent and did not list the others; they are counted as rejected, not retried",
			zap.Int("unaccounted", res.Unaccounted), zap.Int("accepted", res.Accepted))
	}
}

// sourceIndex returns, for each event, the index of the span it was mapped from: the span
// whose deterministic UUID (mapping.SpanUUID) is the event's spanId, or — for the error
// event of an exception — its parentSpanId. Unknown sources are -1.
func sourceIndex(events []platform.TraceEvent, views []mapping.SpanView) []int {
	ids := make(map[string]int, len(views))
	for i, v := range views {
		ids[mapping.SpanUUID(v.TraceID(), v.SpanID())] = i
	}
	out := make([]int, len(events))
	for k := range events {
		i, ok := ids[events[k].SpanID]
		if !ok && events[k].Type == platform.TypeError && events[k].ParentSpanID != "" {
			i, ok = ids[events[k].ParentSpanID]
		}
		if !ok {
			i = -1
		}
		out[k] = i
	}
	return out
}

// undeliveredTraces copies the spans behind the undelivered events (each span once, with its
// resource and scope) into a new ptrace.Traces. ok is false when none can be attributed.
func undeliveredTraces(td ptrace.Traces, views []mapping.SpanView, sources []int, undelivered []int) (ptrace.Traces, bool) {
	want := make(map[[24]byte]struct{}, len(undelivered))
	for _, k := range undelivered {
		if k < 0 || k >= len(sources) || sources[k] < 0 {
			continue
		}
		v := views[sources[k]]
		want[spanKey(v.TraceID(), v.SpanID())] = struct{}{}
	}
	if len(want) == 0 {
		return ptrace.Traces{}, false
	}
	out := ptrace.NewTraces()
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		var outRS ptrace.ResourceSpans
		haveRS := false
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			var outSS ptrace.ScopeSpans
			haveSS := false
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				if _, ok := want[spanKey(sp.TraceID(), sp.SpanID())]; !ok {
					continue
				}
				if !haveRS {
					outRS = out.ResourceSpans().AppendEmpty()
					rs.Resource().CopyTo(outRS.Resource())
					outRS.SetSchemaUrl(rs.SchemaUrl())
					haveRS = true
				}
				if !haveSS {
					outSS = outRS.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(outSS.Scope())
					outSS.SetSchemaUrl(ss.SchemaUrl())
					haveSS = true
				}
				sp.CopyTo(outSS.Spans().AppendEmpty())
			}
		}
	}
	return out, out.SpanCount() > 0
}

func spanKey(tid pcommon.TraceID, sid pcommon.SpanID) [24]byte {
	var k [24]byte
	copy(k[:16], tid[:])
	copy(k[16:], sid[:])
	return k
}

func hexTrace(id [16]byte) string { return pcommon.TraceID(id).String() }
func hexSpan(id [8]byte) string   { return pcommon.SpanID(id).String() }
