package collectorexporter

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/llmtrace/llmtrace/collectorexporter/internal/metadata"
	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/platform"
)

// testConfig is the default config against endpoint with the queue and retry off, so
// ConsumeTraces returns what pushTraces decided.
func testConfig(endpoint string) *Config {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = endpoint
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
	return cfg
}

func startExporter(t testing.TB, cfg *Config, set exporter.Settings) exporter.Traces {
	t.Helper()
	exp, err := NewFactory().CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}

// startWithTelemetry starts an exporter for cfg whose own metrics go to the returned
// test telemetry (componenttest), for assertCounter.
func startWithTelemetry(t *testing.T, cfg *Config) (exporter.Traces, *componenttest.Telemetry) {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := exportertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	return startExporter(t, cfg, set), tel
}

// expectedEvents is what the shared mapping core makes of td with cfg's options.
// Self-referential by design: tests comparing against it check transport (the platform
// receives exactly the core's events), not the mapping, whose rules are pinned with
// literal values in internal/mapping's tests and the CLI goldens (testdata/golden).
func expectedEvents(t testing.TB, cfg *Config, td ptrace.Traces) map[string]string {
	t.Helper()
	e, err := newExporter(cfg, exportertest.NewNopSettings(metadata.Type))
	require.NoError(t, err)
	evs := e.state.Map(pdataview.Spans(td))
	return eventsByID(t, evs)
}

func eventsByID(t testing.TB, evs []platform.TraceEvent) map[string]string {
	t.Helper()
	out := make(map[string]string, len(evs))
	for _, ev := range evs {
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		out[ev.TraceID+"/"+ev.SpanID] = string(b)
	}
	return out
}

// TestConsumeTracesDeliversMappedEvents: one request with the configured key, headers,
// one gzip layer and an Idempotency-Key, carrying exactly the mapping core's events
// (expectedEvents: self-referential, a transport check) plus the configured tags and
// metadata.
func TestConsumeTracesDeliversMappedEvents(t *testing.T) {
	p := platformtest.New(t)
	cfg := testConfig(p.URL())
	cfg.APIKey = configopaque.String("k-123")
	cfg.ClientConfig.Headers = configopaque.MapList{{Name: "X-Team", Value: "search"}}
	cfg.Tags = []string{"prod"}
	cfg.Metadata = map[string]string{"deployment": "eu-1"}

	exp, tel := startWithTelemetry(t, cfg)

	td := genAITraces(1, 3, 4)
	want := expectedEvents(t, cfg, td)
	require.NotEmpty(t, want)
	require.NoError(t, exp.ConsumeTraces(context.Background(), td))

	reqs := p.Requests()
	require.Len(t, reqs, 1)
	h := reqs[0].Header
	assert.Equal(t, "Bearer k-123", h.Get("Authorization"))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	// Exactly one encoding layer: the platform client's gzip; confighttp's compression is off.
	assert.Equal(t, []string{"gzip"}, h.Values("Content-Encoding"))
	assert.True(t, json.Valid(reqs[0].Body), "one gunzip gives the JSON batch")
	assert.NotEmpty(t, h.Get("Idempotency-Key"))
	assert.True(t, strings.HasPrefix(h.Get("User-Agent"), "llmtrace-collector/"+platform.Version), h.Get("User-Agent"))
	assert.Equal(t, "search", h.Get("X-Team"))

	got := eventsByID(t, reqs[0].Events)
	assert.Equal(t, want, got, "the platform receives exactly the mapping core's events")
	assert.Contains(t, string(reqs[0].Body), "weather in Paris is mild", "content is captured by default")
	for _, ev := range reqs[0].Events {
		assert.Contains(t, ev.Tags, "prod")
		assert.Equal(t, "eu-1", ev.Metadata.Get("deployment"))
	}

	assertCounter(t, tel, "otelcol_llmtrace_exporter_events_sent", int64(len(want)))
}

func assertCounter(t *testing.T, tel *componenttest.Telemetry, name string, want int64) {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil && want == 0 {
		return // never recorded: 0
	}
	require.NoError(t, err, "metric %s", name)
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "metric %s is an int64 sum", name)
	var total int64
	for _, dp := range sum.DataPoints {
		total += dp.Value
	}
	assert.Equal(t, want, total, "metric %s", name)
}

// countsBy sums an int64 counter's points by the value of attribute key (absent: no points).
func countsBy(t *testing.T, tel *componenttest.Telemetry, name, key string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	m, err := tel.GetMetric(name)
	if err != nil {
		return out
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "metric %s is an int64 sum", name)
	for _, dp := range sum.DataPoints {
		v, _ := dp.Attributes.Value(attribute.Key(key))
		if dp.Value != 0 {
			out[v.AsString()] += dp.Value
		}
	}
	return out
}

// TestZstdAndNoCompression: one zstd layer, or none, and the events arrive unchanged
// (compared with expectedEvents, the core's own output: a transport check).
func TestZstdAndNoCompression(t *testing.T) {
	for _, c := range []configcompression.Type{configcompression.TypeZstd, "none"} {
		t.Run(string(c), func(t *testing.T) {
			p := platformtest.New(t)
			cfg := testConfig(p.URL())
			cfg.ClientConfig.Compression = c
			exp := startExporter(t, cfg, exportertest.NewNopSettings(metadata.Type))
			td := genAITraces(2, 1, 3)
			require.NoError(t, exp.ConsumeTraces(context.Background(), td))
			reqs := p.Requests()
			require.Len(t, reqs, 1)
			if c == "none" {
				assert.Empty(t, reqs[0].Header.Values("Content-Encoding"))
			} else {
				assert.Equal(t, []string{string(c)}, reqs[0].Header.Values("Content-Encoding"))
			}
			assert.Equal(t, expectedEvents(t, cfg, td), eventsByID(t, reqs[0].Events))
		})
	}
}

func TestCaptureContentFalseOmitsContent(t *testing.T) {
	p := platformtest.New(t)
	cfg := testConfig(p.URL())
	cfg.CaptureContent = false
	exp := startExporter(t, cfg, exportertest.NewNopSettings(metadata.Type))
	require.NoError(t, exp.ConsumeTraces(context.Background(), genAITraces(3, 1, 2)))
	evs := p.Events()
	require.NotEmpty(t, evs)
	for _, ev := range evs {
		b, _ := json.Marshal(ev)
		assert.NotContains(t, string(b), "weather in Paris is mild", "content must not be shipped with capture_content: false")
	}
}

// TestReplies covers every row of docs/platform-api.md's Response table.
func TestReplies(t *testing.T) {
	type kind int
	const (
		ok kind = iota
		permanent
		retryable
	)
	status := platformtest.Status
	retryAt := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name     string
		reply    platformtest.Reply
		want     kind
		throttle string // "Throttle (…)" prefix expected for Retry-After
		sent     int    // events_sent: what the platform stored
		rejected int    // events_rejected
		dropped  string // error.type of events_dropped (all 4 events), "" for none
		inErr    string
	}{
		{name: "200 accepted", reply: nil, want: ok, sent: 4},
		{name: "202 accepted", reply: func(_ int, r *platformtest.Request, w http.ResponseWriter) bool {
			w.WriteHeader(http.StatusAccepted)
			_ = json.NewEncoder(w).Encode(map[string]int{"accepted": len(r.Events)})
			return true
		}, want: ok, sent: 4},
		// Rejected events are never counted as sent, not even by exporterhelper's
		// otelcol_exporter_sent_spans: the request ends in a permanent error naming the counts.
		{name: "200 partial rejection", reply: func(_ int, r *platformtest.Request, w http.ResponseWriter) bool {
			_ = json.NewEncoder(w).Encode(map[string]any{"accepted": len(r.Events) - 1,
				"rejected": []map[string]any{{"index": 1, "error": "usage.prompt_tokens: must be >= 0"}}})
			return true
		}, want: permanent, sent: 3, rejected: 1, inErr: "1 of 4 events not stored"},
		{name: "200 accepted 0 without a rejected list", reply: status(200, `{"accepted":0}`), want: permanent, rejected: 4, inErr: "4 of 4 events not stored"},
		{name: "200 accepted short by 2, no list", reply: func(_ int, r *platformtest.Request, w http.ResponseWriter) bool {
			_ = json.NewEncoder(w).Encode(map[string]int{"accepted": len(r.Events) - 2})
			return true
		}, want: permanent, sent: 2, rejected: 2, inErr: "(2 of them neither counted"},
		{name: "400 malformed", reply: status(400, `{"error":"malformed batch","details":["traces[0]: bad"]}`), want: permanent, dropped: "400", inErr: "malformed batch"},
		{name: "401 missing key", reply: status(401, `{"error":"missing API key"}`), want: permanent, dropped: "401", inErr: "401"},
		{name: "403 wrong key", reply: status(403, `{"error":"invalid API key"}`), want: permanent, dropped: "403", inErr: "403"},
		{name: "404 other 4xx", reply: status(404, `{"error":"no such path"}`), want: permanent, dropped: "404", inErr: "404"},
		// retry_on_failure is off in testConfig: a retryable failure is dropped, counted.
		{name: "408 timeout", reply: status(408, ``), want: retryable, dropped: "retries_disabled", inErr: "408"},
		{name: "429 Retry-After seconds", reply: platformtest.RetryAfter(429, "7"), want: retryable, dropped: "retries_disabled", throttle: "Throttle (7s)"},
		{name: "429 no Retry-After", reply: status(429, ``), want: retryable, dropped: "retries_disabled", inErr: "429"},
		{name: "502", reply: status(502, ``), want: retryable, dropped: "retries_disabled", inErr: "502"},
		{name: "503 Retry-After date", reply: platformtest.RetryAfter(503, retryAt), want: retryable, dropped: "retries_disabled", throttle: "Throttle (1m"},
		{name: "504", reply: status(504, ``), want: retryable, dropped: "retries_disabled", inErr: "504"},
		{name: "500 other 5xx", reply: status(500, `oops`), want: retryable, dropped: "retries_disabled", inErr: "500"},
		{name: "413 always: halved down to single events, each rejected", reply: status(413, ``), want: permanent, rejected: 4, inErr: "4 of 4 events not stored"},
		// A redirect is never followed as a GET nor counted as sent.
		{name: "301 redirect", reply: redirect(301), want: permanent, dropped: "301", inErr: "redirects to https://platform.example/v1/traces; set endpoint to it"},
		{name: "302 redirect", reply: redirect(302), want: permanent, dropped: "302", inErr: "redirects to https://platform.example/v1/traces"},
		{name: "303 redirect", reply: redirect(303), want: permanent, dropped: "303", inErr: "redirects to https://platform.example/v1/traces"},
		{name: "200 not the platform's reply", reply: status(200, `<html>welcome</html>`), want: permanent, dropped: "200", inErr: "not the platform's ingest API"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := platformtest.New(t)
			p.SetReply(tt.reply)
			cfg := testConfig(p.URL())
			cfg.APIKey = "do-not-print-me"
			exp, tel := startWithTelemetry(t, cfg)
			td := genAITraces(4, 1, 4)
			nEvents := len(expectedEvents(t, cfg, td))
			require.Equal(t, 4, nEvents)

			err := exp.ConsumeTraces(context.Background(), td)
			switch tt.want {
			case ok:
				require.NoError(t, err)
			case permanent:
				require.Error(t, err)
				assert.True(t, consumererror.IsPermanent(err), "want permanent, got %v", err)
			case retryable:
				require.Error(t, err)
				assert.False(t, consumererror.IsPermanent(err), "want retryable, got %v", err)
				assert.Equal(t, td.SpanCount(), undeliveredOf(t, err).Data().SpanCount())
			}
			if err != nil {
				assert.NotContains(t, err.Error(), "do-not-print-me")
				if tt.throttle != "" {
					assert.Contains(t, err.Error(), tt.throttle)
				} else {
					assert.NotContains(t, err.Error(), "Throttle")
				}
				if tt.inErr != "" {
					assert.Contains(t, err.Error(), tt.inErr)
				}
			}
			assertCounter(t, tel, "otelcol_llmtrace_exporter_events_sent", int64(tt.sent))
			assertCounter(t, tel, "otelcol_llmtrace_exporter_events_rejected", int64(tt.rejected))
			wantDropped := map[string]int64{}
			if tt.dropped != "" {
				wantDropped[tt.dropped] = int64(nEvents)
			}
			assert.Equal(t, wantDropped, countsBy(t, tel, "otelcol_llmtrace_exporter_events_dropped", "error.type"))
			// exporterhelper's own count: spans are "sent" only when every event was stored.
			wantSpans := int64(0)
			if tt.sent == nEvents {
				wantSpans = int64(td.SpanCount())
			}
			assertCounter(t, tel, "otelcol_exporter_sent_spans", wantSpans)
		})
	}
}

// TestOnlyUndeliveredSpansAreReturned: with 4 events per request, the second request fails;
// the error holds exactly the spans whose events were not delivered.
func TestOnlyUndeliveredSpansAreReturned(t *testing.T) {
	p := platformtest.New(t)
	p.ReplyTo(1, platformtest.Status(http.StatusServiceUnavailable, ""))
	e := pushExporter(t, p, 4)

	td := genAITraces(5, 2, 5) // 10 spans, 10 events
	err := e.pushTraces(context.Background(), td)
	assert.False(t, consumererror.IsPermanent(err))
	te := undeliveredOf(t, err)

	reqs := p.Requests()
	require.Len(t, reqs, 2, "Send stops at the first failed request")
	delivered := map[string]bool{}
	for _, ev := range reqs[0].Events {
		delivered[ev.SpanID] = true
	}
	var wantUndelivered, gotUndelivered []string
	forEachSpan(td, func(sp ptrace.Span) {
		id := mapping.SpanUUID(sp.TraceID(), sp.SpanID())
		if !delivered[id] {
			wantUndelivered = append(wantUndelivered, id)
		}
	})
	forEachSpan(te.Data(), func(sp ptrace.Span) {
		gotUndelivered = append(gotUndelivered, mapping.SpanUUID(sp.TraceID(), sp.SpanID()))
	})
	sort.Strings(wantUndelivered)
	sort.Strings(gotUndelivered)
	assert.Len(t, gotUndelivered, 6)
	assert.Equal(t, wantUndelivered, gotUndelivered)
	// Resource and scope travel with the returned spans.
	rs := te.Data().ResourceSpans().At(0)
	v, _ := rs.Resource().Attributes().Get("service.name")
	assert.Equal(t, "support-bot", v.Str())
	assert.Equal(t, "@opentelemetry/instrumentation-openai", rs.ScopeSpans().At(0).Scope().Name())
}

// TestUndeliveredErrorEventReturnsItsSpan: an exception's error event that was not delivered
// brings back the span it was derived from.
func TestUndeliveredErrorEventReturnsItsSpan(t *testing.T) {
	p := platformtest.New(t)
	p.SetReply(func(_ int, r *platformtest.Request, w http.ResponseWriter) bool {
		for _, ev := range r.Events {
			if ev.Type == platform.TypeError {
				w.WriteHeader(http.StatusBadGateway)
				return true
			}
		}
		return false
	})
	e := pushExporter(t, p, 1)

	td := genAITraces(6, 1, 3)
	failing := withException(td, 1)
	te := undeliveredOf(t, e.pushTraces(context.Background(), td))
	found := false
	forEachSpan(te.Data(), func(sp ptrace.Span) {
		if sp.SpanID() == failing.SpanID() {
			found = true
		}
	})
	assert.True(t, found, "the span behind the undelivered error event is returned for retry")
	var sawError bool
	for _, r := range p.Requests() {
		for _, ev := range r.Events {
			sawError = sawError || ev.Type == platform.TypeError
		}
	}
	assert.True(t, sawError, "the mapping produced an error event for the exception")
}

// pushExporter is an exporter against p (testConfig) with at most maxEvents events per
// request, started, for calling pushTraces directly.
func pushExporter(t *testing.T, p *platformtest.Platform, maxEvents int) *llmtraceExporter {
	t.Helper()
	e, err := newExporter(testConfig(p.URL()), exportertest.NewNopSettings(metadata.Type))
	require.NoError(t, err)
	e.maxEventsPerRequest = maxEvents
	require.NoError(t, e.start(context.Background(), componenttest.NewNopHost()))
	return e
}

// undeliveredOf requires err to be an error carrying undelivered spans and returns them.
func undeliveredOf(t *testing.T, err error) consumererror.Traces {
	t.Helper()
	require.Error(t, err)
	var te consumererror.Traces
	require.True(t, errors.As(err, &te), "the error carries the undelivered spans: %v", err)
	return te
}

func forEachSpan(td ptrace.Traces, fn func(ptrace.Span)) {
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		sss := td.ResourceSpans().At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				fn(spans.At(k))
			}
		}
	}
}

// TestRetryResendsOnlyUndelivered runs through exporterhelper's retry: the first request
// succeeds, the second fails once with 503; afterwards every event has arrived and the
// first request's events were sent exactly once.
func TestRetryResendsOnlyUndelivered(t *testing.T) {
	p := platformtest.New(t)
	p.ReplyTo(1, platformtest.Status(http.StatusServiceUnavailable, ""))
	exp := startRetryingExporter(t, p.URL())

	td := genAITraces(7, 3, 3) // 9 events → 3 requests of 3
	require.NoError(t, exp.ConsumeTraces(context.Background(), td))

	counts := map[string]int{}
	for _, ev := range p.Events() {
		counts[ev.SpanID]++
	}
	assert.Len(t, counts, 9, "every event arrived")
	for _, ev := range p.Requests()[0].Events {
		assert.Equal(t, 1, counts[ev.SpanID], "delivered events are not sent again")
	}
}

// TestDialErrorIsRetryable: nothing listens on the endpoint; the error must never be
// permanent (a persistent queue keeps the data for when the platform is back).
// redirect answers with status and a Location on another host.
func redirect(status int) platformtest.Reply {
	return func(_ int, _ *platformtest.Request, w http.ResponseWriter) bool {
		w.Header().Set("Location", "https://platform.example/v1/traces")
		w.WriteHeader(status)
		return true
	}
}

func TestDialErrorIsRetryable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	exp := startExporter(t, testConfig("http://"+addr), exportertest.NewNopSettings(metadata.Type))
	td := genAITraces(8, 1, 2)
	err = exp.ConsumeTraces(context.Background(), td)
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), "a dial error must not be permanent: %v", err)
	assert.Equal(t, td.SpanCount(), undeliveredOf(t, err).Data().SpanCount())
}

func TestEmptyBatchSendsNothing(t *testing.T) {
	p := platformtest.New(t)
	p.SetReply(func(int, *platformtest.Request, http.ResponseWriter) bool {
		t.Error("no request expected for an empty batch")
		return false
	})
	exp := startExporter(t, testConfig(p.URL()), exportertest.NewNopSettings(metadata.Type))
	require.NoError(t, exp.ConsumeTraces(context.Background(), ptrace.NewTraces()))
	assert.Empty(t, p.Requests())
}

func TestLifecycle(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, "llmtrace", f.Type().String())
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = "http://testing.invalid:8787"
	set := exportertest.NewNopSettings(metadata.Type)

	// Created and shut down without Start.
	exp, err := f.CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Shutdown(context.Background()))

	// Started (queue on, the default) and shut down.
	exp, err = f.CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, exp.Shutdown(context.Background()))

	// A TLS file that does not exist fails Start with confighttp's error.
	bad := f.CreateDefaultConfig().(*Config)
	bad.ClientConfig.Endpoint = "https://testing.invalid:8787"
	bad.ClientConfig.TLS.CAFile = "/nonexistent/ca.pem"
	exp, err = f.CreateTraces(context.Background(), set, bad)
	require.NoError(t, err)
	assert.Error(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, exp.Shutdown(context.Background()))
}

// TestRedirect308IsFollowedWithTheBody: a 308 to another origin is followed as a POST with
// the same body (confighttp's client, wrapped by the platform client's redirect policy),
// without the API key.
func TestRedirect308IsFollowedWithTheBody(t *testing.T) {
	p := platformtest.New(t)
	front := platformtest.New(t)
	front.SetReply(func(_ int, _ *platformtest.Request, w http.ResponseWriter) bool {
		w.Header().Set("Location", p.URL()+"/v1/traces")
		w.WriteHeader(http.StatusPermanentRedirect)
		return true
	})
	cfg := testConfig(front.URL())
	cfg.APIKey = "do-not-forward"
	exp := startExporter(t, cfg, exportertest.NewNopSettings(metadata.Type))
	td := genAITraces(4, 1, 4)
	require.NoError(t, exp.ConsumeTraces(context.Background(), td))
	assert.Len(t, p.Stored(), len(expectedEvents(t, cfg, td)))
	for _, r := range p.Requests() {
		assert.Empty(t, r.Header.Get("Authorization"), "the key went to another origin")
	}
}

// startRetryingExporter starts the exporter against url through exporterhelper with
// retries on (10–50 ms backoff), the default queue and at most 3 events per request; it is
// shut down when the test ends.
func startRetryingExporter(t *testing.T, url string) exporter.Traces {
	t.Helper()
	cfg := testConfig(url)
	cfg.RetryConfig.Enabled = true
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 50 * time.Millisecond
	exp, _ := startHelperExporter(t, cfg, exportertest.NewNopSettings(metadata.Type), 3)
	return exp
}

// startHelperExporter starts the exporter for cfg through exporterhelper with the
// factory's options (helperOptions) and at most maxEvents events per request (0: the
// contract's); it is shut down when the test ends unless the test does it.
func startHelperExporter(t *testing.T, cfg *Config, set exporter.Settings, maxEvents int) (exporter.Traces, *llmtraceExporter) {
	t.Helper()
	e, err := newExporter(cfg, set)
	require.NoError(t, err)
	e.maxEventsPerRequest = maxEvents
	exp, err := exporterhelper.NewTraces(context.Background(), set, cfg, e.pushTraces, e.helperOptions()...)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { _ = exp.Shutdown(context.Background()) }) })
	return exp, e
}
