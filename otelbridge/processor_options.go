package otelbridge

import (
	"errors"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/mapping/prices"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/otel/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Defaults of the SpanProcessor, the OTel Go BatchSpanProcessor's where it has one.
const (
	// DefaultMaxQueueSize is the span queue capacity, spans (BSP DefaultMaxQueueSize).
	DefaultMaxQueueSize = 2048
	// DefaultMaxBatchSize is the most spans mapped and sent together (BSP
	// DefaultMaxExportBatchSize); never more than the queue size.
	DefaultMaxBatchSize = 512
	// DefaultBatchTimeout is the longest a finished span waits before its batch is sent
	// (BSP DefaultScheduleDelay, 5000 ms).
	DefaultBatchTimeout = 5 * time.Second
	// DefaultExportTimeout bounds the delivery of one batch, all retries included (BSP
	// DefaultExportTimeout, 30000 ms).
	DefaultExportTimeout = 30 * time.Second
	// DefaultMaxBatchBytes closes a batch once the approximate size of its spans (names,
	// string and byte attribute values, event attributes) reaches it, bytes. It keeps one
	// batch in memory below the contract's MaxRequestBytes (5 MiB); the client splits the
	// request exactly.
	DefaultMaxBatchBytes = 4 << 20
	// DefaultMaxQueueBytes bounds what the processor holds — spans queued, the batch being
	// filled and the batch in flight — by their approximate size (as for
	// DefaultMaxBatchBytes), bytes. Past it, span.End() drops the span and counts it.
	DefaultMaxQueueBytes = 64 << 20
)

// Environment variables read by NewSpanProcessor when the matching option is not given
// (OTel style: option > environment > default).
const (
	EnvEndpoint       = "LLMTRACE_ENDPOINT"            // platform base URL, e.g. https://api.example.com
	EnvAPIKey         = "LLMTRACE_API_KEY"             // bearer key; never logged
	EnvScheduleDelay  = "LLMTRACE_BSP_SCHEDULE_DELAY"  // batch timeout, integer milliseconds
	EnvMaxQueueSize   = "LLMTRACE_BSP_MAX_QUEUE_SIZE"  // spans
	EnvMaxQueueBytes  = "LLMTRACE_BSP_MAX_QUEUE_BYTES" // bytes
	EnvMaxBatchSize   = "LLMTRACE_BSP_MAX_EXPORT_BATCH_SIZE"
	EnvExportTimeout  = "LLMTRACE_BSP_EXPORT_TIMEOUT" // integer milliseconds
	EnvCaptureContent = "LLMTRACE_CAPTURE_CONTENT"    // "true" / "false"
)

// Option configures a SpanProcessor (NewSpanProcessor).
type Option interface{ apply(*processorConfig) }

type optionFunc func(*processorConfig)

func (f optionFunc) apply(c *processorConfig) { f(c) }

// RetryConfig is how the SpanProcessor retries a batch the platform did not take for a
// retryable reason (transport errors, 408, 429, 5xx): capped exponential backoff with ±50 %
// jitter, never sooner than the platform's Retry-After. Permanent replies (400, 401, 403, an
// invalid event) are never retried. The names follow otlptracehttp.RetryConfig.
type RetryConfig struct {
	// Enabled turns retrying on; when false a batch that failed retryably is dropped at once (DropRetriesDisabled).
	Enabled bool
	// InitialInterval is the wait after the first failure (default 1 s); it grows 2× per
	// attempt.
	InitialInterval time.Duration
	// MaxInterval caps one wait (default 10 s); a longer Retry-After still wins.
	MaxInterval time.Duration
	// MaxElapsedTime bounds retrying one batch (default 30 s); the export timeout bounds it
	// too, whichever ends first.
	MaxElapsedTime time.Duration
}

// DefaultRetryConfig is the retry policy used unless WithRetry is given.
var DefaultRetryConfig = RetryConfig{
	Enabled:         true,
	InitialInterval: time.Second,
	MaxInterval:     10 * time.Second,
	MaxElapsedTime:  30 * time.Second,
}

type processorConfig struct {
	endpoint       *string
	apiKey         *string
	batchTimeout   *time.Duration
	maxBatchSize   *int
	maxQueueSize   *int
	maxQueueBytes  *int
	exportTimeout  *time.Duration
	captureContent *bool
	maxBatchBytes  int
	compression    string
	httpClient     *http.Client
	meterProvider  metric.MeterProvider
	retry          RetryConfig
	tags           []string
	metadata       map[string]any
	filter         func(sdktrace.ReadOnlySpan) bool
	maxInputBytes  int
	maxOutputBytes int
	prices         [][]byte
	logHold        time.Duration // WithLogHold (log_processor_options.go)
}

// resolved is the final configuration after options, environment and defaults.
type resolved struct {
	endpoint       string
	apiKey         string
	batchTimeout   time.Duration
	maxBatchSize   int
	maxQueueSize   int
	maxQueueBytes  int
	exportTimeout  time.Duration
	maxBatchBytes  int
	captureContent bool
	compression    string
	httpClient     *http.Client
	meterProvider  metric.MeterProvider
	retry          RetryConfig
	filter         func(sdktrace.ReadOnlySpan) bool
	stateOpts      tracestate.Options
}

// WithEndpoint sets the platform's base URL: an absolute http:// or https:// URL with a
// host and no credentials (platform.CheckEndpoint); the processor POSTs to
// {endpoint}/v1/traces. Environment fallback: LLMTRACE_ENDPOINT. Required.
func WithEndpoint(endpoint string) Option {
	return optionFunc(func(c *processorConfig) { c.endpoint = &endpoint })
}

// WithAPIKey sets the bearer key sent as "Authorization: Bearer …". It never appears in
// logs or errors. Environment fallback: LLMTRACE_API_KEY.
func WithAPIKey(key string) Option {
	return optionFunc(func(c *processorConfig) { c.apiKey = &key })
}

// WithBatchTimeout sets the longest a finished span waits in the processor before its
// batch is sent (default 5 s). Environment fallback: LLMTRACE_BSP_SCHEDULE_DELAY (ms).
func WithBatchTimeout(d time.Duration) Option {
	return optionFunc(func(c *processorConfig) { c.batchTimeout = &d })
}

// WithMaxBatchSize sets the most spans mapped and sent as one batch (default 512; clamped
// to the queue size). Environment fallback: LLMTRACE_BSP_MAX_EXPORT_BATCH_SIZE.
func WithMaxBatchSize(n int) Option {
	return optionFunc(func(c *processorConfig) { c.maxBatchSize = &n })
}

// WithMaxQueueSize sets the capacity of the span queue, spans (default 2048). When it is
// full, span.End() drops the span and counts it (Stats.Dropped); it never waits.
// Environment fallback: LLMTRACE_BSP_MAX_QUEUE_SIZE.
func WithMaxQueueSize(n int) Option {
	return optionFunc(func(c *processorConfig) { c.maxQueueSize = &n })
}

// WithMaxQueueBytes bounds the approximate bytes the processor holds — queued spans, the
// batch being filled and the batch being sent (names, attribute and event values; the
// estimate WithMaxBatchBytes uses) — default 64 MiB. When a span would take it past n,
// span.End() drops the span and counts it (Stats.Dropped, error.type=queue_full); it never
// waits. Environment fallback: LLMTRACE_BSP_MAX_QUEUE_BYTES.
func WithMaxQueueBytes(n int) Option {
	return optionFunc(func(c *processorConfig) { c.maxQueueBytes = &n })
}

// WithExportTimeout bounds the delivery of one batch, retries included (default 30 s); it
// is also each HTTP request's timeout, and Shutdown's whole budget for draining the queue
// when its context has no earlier deadline. Environment fallback:
// LLMTRACE_BSP_EXPORT_TIMEOUT (ms).
func WithExportTimeout(d time.Duration) Option {
	return optionFunc(func(c *processorConfig) { c.exportTimeout = &d })
}

// WithMaxBatchBytes closes a batch once the approximate size of its spans reaches n bytes
// (default DefaultMaxBatchBytes, 4 MiB).
func WithMaxBatchBytes(n int) Option {
	return optionFunc(func(c *processorConfig) { c.maxBatchBytes = n })
}

// WithCompression sets the request body encoding: "gzip" (default), "zstd" or "none", in
// any case (platform.CheckCompression).
func WithCompression(name string) Option {
	return optionFunc(func(c *processorConfig) { c.compression = name })
}

// WithHTTPClient sets the HTTP client (transport, proxy, TLS). Its own Timeout, when set,
// applies on top of the export timeout.
func WithHTTPClient(hc *http.Client) Option {
	return optionFunc(func(c *processorConfig) { c.httpClient = hc })
}

// WithMeterProvider sets where the processor's own counters go (see SpanProcessor: the
// llmtrace.processor.* instruments). Default: a no-op provider (nothing recorded; Stats
// still works).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *processorConfig) { c.meterProvider = mp })
}

// WithRetry sets the retry policy for retryable platform replies (default
// DefaultRetryConfig).
func WithRetry(rc RetryConfig) Option {
	return optionFunc(func(c *processorConfig) { c.retry = rc })
}

// WithCaptureContent decides whether message content, tool arguments and results are sent
// (default true). With false only names, usage, model and timings leave the process
// (the mapping's OmitContent). Environment fallback: LLMTRACE_CAPTURE_CONTENT.
func WithCaptureContent(capture bool) Option {
	return optionFunc(func(c *processorConfig) { c.captureContent = &capture })
}

// WithTags adds static tags to every event (platform.TraceEvent.Tags). Repeated calls append.
func WithTags(tags ...string) Option {
	return optionFunc(func(c *processorConfig) { c.tags = append(c.tags, tags...) })
}

// WithMetadata merges static metadata into every event (platform.TraceEvent.Metadata; a span's own
// values win). Repeated calls merge (a later call's value of a key wins); values must be
// JSON-encodable. The events carry it as a platform.Metadata, sorted by key.
func WithMetadata(md map[string]any) Option {
	return optionFunc(func(c *processorConfig) {
		if c.metadata == nil {
			c.metadata = make(map[string]any, len(md))
		}
		maps.Copy(c.metadata, md)
	})
}

// WithSpanFilter keeps only the spans for which keep returns true. keep runs inside
// span.End() on the application's goroutine, so it must be fast and safe for concurrent
// use; a panic in it is recovered and the span dropped. See GenAIOnly for a ready filter.
func WithSpanFilter(keep func(sdktrace.ReadOnlySpan) bool) Option {
	return optionFunc(func(c *processorConfig) { c.filter = keep })
}

// WithMaxInputBytes caps the serialized input of one event, bytes (0 keeps the
// mapping's default of 256 KiB; at most platform.MaxContentBytes, 320 KiB).
func WithMaxInputBytes(n int) Option {
	return optionFunc(func(c *processorConfig) { c.maxInputBytes = n })
}

// WithMaxOutputBytes caps the serialized output of one event, bytes
// (0 keeps the mapping's default of 256 KiB; at most platform.MaxContentBytes, 320 KiB).
func WithMaxOutputBytes(n int) Option {
	return optionFunc(func(c *processorConfig) { c.maxOutputBytes = n })
}

// WithPrices layers price tables over the vendored genai-prices table (docs/cost.md
// "Overrides"): fine-tunes, negotiated rates, self-hosted models at price 0.
// Each is the JSON of the vendored file's providers — an array of providers, or an object
// with a "providers" array — each {"id", "models": [{"id", "match", "prices",
// "context_window"?}], "provider_match"?}; prices are USD per million tokens (input_mtok,
// cache_read_mtok, cache_write_mtok, output_mtok, ...). Later tables win over earlier ones,
// all over the vendored table. Repeated calls append; for a file pass os.ReadFile's bytes.
// NewSpanProcessor refuses a table with mistakes (a *platform.ConfigurationError for field
// "prices", one sentence per mistake).
func WithPrices(tables ...[]byte) Option {
	return optionFunc(func(c *processorConfig) { c.prices = append(c.prices, tables...) })
}

// resolve applies options over the environment over defaults and validates the result.
// lookup is os.LookupEnv outside tests.
// newClient is the platform client both shippers use, identified by userAgent
// (followed by "/" and platform.Version); its errors are NewClient's.
func (cfg *resolved) newClient(userAgent string) (*platform.Client, error) {
	return platform.NewClient(platform.ClientConfig{
		Endpoint:    cfg.endpoint,
		APIKey:      cfg.apiKey,
		HTTPClient:  cfg.httpClient,
		UserAgent:   userAgent + "/" + platform.Version,
		Compression: cfg.compression,
		Timeout:     cfg.exportTimeout,
	})
}

func resolve(opts []Option, lookup func(string) (string, bool)) (resolved, error) {
	c := processorConfig{retry: DefaultRetryConfig}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	r := resolved{
		compression:   c.compression,
		httpClient:    c.httpClient,
		meterProvider: c.meterProvider,
		retry:         c.retry,
		filter:        c.filter,
		maxBatchBytes: c.maxBatchBytes,
	}

	// Endpoint.
	field := "endpoint"
	if c.endpoint != nil {
		r.endpoint = *c.endpoint
	} else if v, ok := lookup(EnvEndpoint); ok && strings.TrimSpace(v) != "" {
		r.endpoint, field = v, EnvEndpoint
	}
	r.endpoint = strings.TrimSpace(r.endpoint)
	if r.endpoint == "" {
		return r, &platform.ConfigurationError{Field: field, Reason: "missing: set WithEndpoint or " + EnvEndpoint}
	}
	if err := platform.CheckEndpoint(r.endpoint); err != nil {
		var ce *platform.ConfigurationError
		if errors.As(err, &ce) {
			ce.Field = field // the option, or the environment variable it came from
		}
		return r, err
	}

	// API key: options may set it to "" on purpose (a dev platform without auth).
	if c.apiKey != nil {
		r.apiKey = *c.apiKey
	} else if v, ok := lookup(EnvAPIKey); ok {
		r.apiKey = strings.TrimSpace(v)
	}

	var errs error
	r.batchTimeout, errs = durationSetting("batch timeout", c.batchTimeout, EnvScheduleDelay, DefaultBatchTimeout, lookup)
	if errs != nil {
		return r, errs
	}
	r.exportTimeout, errs = durationSetting("export timeout", c.exportTimeout, EnvExportTimeout, DefaultExportTimeout, lookup)
	if errs != nil {
		return r, errs
	}
	r.maxQueueSize, errs = intSetting("max queue size", c.maxQueueSize, EnvMaxQueueSize, DefaultMaxQueueSize, lookup)
	if errs != nil {
		return r, errs
	}
	r.maxQueueBytes, errs = intSetting("max queue bytes", c.maxQueueBytes, EnvMaxQueueBytes, DefaultMaxQueueBytes, lookup)
	if errs != nil {
		return r, errs
	}
	r.maxBatchSize, errs = intSetting("max batch size", c.maxBatchSize, EnvMaxBatchSize, DefaultMaxBatchSize, lookup)
	if errs != nil {
		return r, errs
	}
	if r.maxBatchSize > r.maxQueueSize {
		r.maxBatchSize = r.maxQueueSize
	}
	if r.maxBatchBytes < 0 {
		return r, &platform.ConfigurationError{Field: "max batch bytes", Reason: "must be > 0"}
	}
	if r.maxBatchBytes == 0 {
		r.maxBatchBytes = DefaultMaxBatchBytes
	}

	r.captureContent = true
	if c.captureContent != nil {
		r.captureContent = *c.captureContent
	} else if v, ok := lookup(EnvCaptureContent); ok && strings.TrimSpace(v) != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return r, &platform.ConfigurationError{Field: EnvCaptureContent, Reason: "want true or false, got " + strconv.Quote(v)}
		}
		r.captureContent = b
	}

	if err := platform.CheckCompression(r.compression); err != nil {
		return r, err
	}

	if rc := &r.retry; rc.Enabled {
		if rc.InitialInterval < 0 || rc.MaxInterval < 0 || rc.MaxElapsedTime < 0 {
			return r, &platform.ConfigurationError{Field: "retry", Reason: "intervals must be ≥ 0"}
		}
		if rc.InitialInterval == 0 {
			rc.InitialInterval = DefaultRetryConfig.InitialInterval
		}
		if rc.MaxInterval == 0 {
			rc.MaxInterval = DefaultRetryConfig.MaxInterval
		}
		if rc.MaxElapsedTime == 0 {
			rc.MaxElapsedTime = DefaultRetryConfig.MaxElapsedTime
		}
	}
	if c.logHold < 0 {
		return r, &platform.ConfigurationError{Field: "log hold", Reason: "must be ≥ 0, got " + c.logHold.String()}
	}
	if c.maxInputBytes < 0 || c.maxOutputBytes < 0 {
		return r, &platform.ConfigurationError{Field: "max input/output bytes", Reason: "must be ≥ 0"}
	}

	var table *prices.Table
	if len(c.prices) > 0 {
		var err error
		if table, err = prices.New(c.prices...); err != nil {
			return r, &platform.ConfigurationError{Field: "prices", Reason: strings.ReplaceAll(err.Error(), "\n", "; ")}
		}
	}
	r.stateOpts = tracestate.Options{
		Map: mapping.MapOptions{
			Prices:         table,
			MaxInputBytes:  c.maxInputBytes,
			MaxOutputBytes: c.maxOutputBytes,
			OmitContent:    !r.captureContent,
			Tags:           slices.Clone(c.tags),
			Metadata:       platform.MetadataFromMap(c.metadata), // a sorted copy
		},
		LogHold: c.logHold,
	}
	return r, nil
}

func durationSetting(field string, opt *time.Duration, env string, def time.Duration, lookup func(string) (string, bool)) (time.Duration, error) {
	if opt != nil {
		if *opt <= 0 {
			return 0, &platform.ConfigurationError{Field: field, Reason: "must be > 0, got " + opt.String()}
		}
		return *opt, nil
	}
	if v, ok := lookup(env); ok && strings.TrimSpace(v) != "" {
		ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || ms <= 0 {
			return 0, &platform.ConfigurationError{Field: env, Reason: "want a positive integer of milliseconds, got " + strconv.Quote(v)}
		}
		return time.Duration(ms) * time.Millisecond, nil
	}
	return def, nil
}

func intSetting(field string, opt *int, env string, def int, lookup func(string) (string, bool)) (int, error) {
	if opt != nil {
		if *opt <= 0 {
			return 0, &platform.ConfigurationError{Field: field, Reason: "must be > 0, got " + strconv.Itoa(*opt)}
		}
		return *opt, nil
	}
	if v, ok := lookup(env); ok && strings.TrimSpace(v) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return 0, &platform.ConfigurationError{Field: env, Reason: "want a positive integer, got " + strconv.Quote(v)}
		}
		return n, nil
	}
	return def, nil
}

var osLookupEnv = os.LookupEnv
