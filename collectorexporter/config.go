package collectorexporter

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// Config is the `llmtrace` exporter's configuration (collector YAML under
// `exporters: { llmtrace: … }`).
//
// The HTTP client settings are confighttp's, squashed to the top level like the core
// otlphttp exporter's: `endpoint` (the platform's base URL, an absolute http(s) URL with a
// host and no credentials — platform.CheckEndpoint; the exporter POSTs to
// `{endpoint}/v1/traces`), `headers`, `tls`, `compression` (gzip by default; gzip, zstd or
// none — what the platform accepts, platform.CheckCompression; applied once, by the
// platform client), `timeout` (30 s by default, per request), proxy and
// keep-alive settings.
type Config struct {
	ClientConfig confighttp.ClientConfig `mapstructure:",squash"`

	// APIKey is sent as `Authorization: Bearer <api_key>`; empty sends no Authorization
	// header (a dev platform without a key). Use `${env:LLMTRACE_API_KEY}`; it is never
	// printed or logged.
	APIKey configopaque.String `mapstructure:"api_key"`

	// QueueConfig is exporterhelper's sending queue (on by default, with batching on;
	// `storage: file_storage/<name>` makes it persistent across restarts).
	QueueConfig configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`

	// RetryConfig is exporterhelper's retry with exponential backoff for retryable failures
	// (network errors, 408, 429, 5xx; Retry-After is honoured).
	RetryConfig configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// CaptureContent keeps message content, tool arguments and results in the events'
	// input/output (default true). False keeps only usage, model, timings and finish reasons.
	CaptureContent bool `mapstructure:"capture_content"`

	// MaxInputBytes caps one event's serialized input, bytes; larger input is replaced by a
	// truncation marker. 0 means the mapping default (256 KiB); at most 320 KiB (platform.MaxContentBytes).
	MaxInputBytes int `mapstructure:"max_input_bytes"`

	// MaxOutputBytes caps one event's serialized output, bytes (as MaxInputBytes).
	MaxOutputBytes int `mapstructure:"max_output_bytes"`

	// Tags are added to every event (e.g. ["prod", "team-search"]).
	Tags []string `mapstructure:"tags"`

	// Metadata is merged into every event's metadata; a span's own values win.
	Metadata map[string]string `mapstructure:"metadata"`

	// Pricing overrides the price table llm events are priced with (pricing.go).
	Pricing PricingConfig `mapstructure:"pricing"`

	// LogHold is how long a gen_ai log record (logs pipeline) waits for its span before it
	// is shipped on its own, a child event of the span (logs.go); 0 means 30 s. It must stay
	// below retry_on_failure's max_elapsed_time, which keeps the waiting records queued.
	LogHold time.Duration `mapstructure:"log_hold"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// compressionNone is confighttp's "no compression" value.
const compressionNone configcompression.Type = "none"

var (
	_ component.Config    = (*Config)(nil)
	_ confmap.Unmarshaler = (*Config)(nil)
)

// Unmarshal decodes conf into cfg and refuses unknown keys: with the squashed confighttp
// settings (which have their own Unmarshal) the collector would otherwise ignore a typo
// such as `capture_contents` silently.
func (cfg *Config) Unmarshal(conf *confmap.Conf) error {
	known := configKeys()
	var unknown []string
	for k := range conf.ToStringMap() {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("unknown key(s) %s in the llmtrace exporter's configuration; valid keys are %s",
			strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	type plain Config // the same fields without this method
	return conf.Unmarshal((*plain)(cfg))
}

// configKeys lists the top-level keys of Config, squashed confighttp fields included.
func configKeys() []string {
	var keys []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("mapstructure")
			name, opts, _ := strings.Cut(tag, ",")
			switch {
			case name == "-" || f.Name == "_" || !f.IsExported():
			case name == "" && strings.Contains(opts, "squash"):
				walk(f.Type)
			case name != "":
				keys = append(keys, name)
			}
		}
	}
	walk(reflect.TypeOf(Config{}))
	sort.Strings(keys)
	return keys
}

// Validate reports the first configuration mistake as one sentence; the collector also
// validates the nested confighttp, queue and retry settings.
func (cfg *Config) Validate() error {
	var errs []error
	if err := platform.CheckEndpoint(cfg.ClientConfig.Endpoint); err != nil {
		errs = append(errs, err)
	}
	if err := platform.CheckCompression(string(cfg.ClientConfig.Compression)); err != nil {
		errs = append(errs, err)
	}
	if cfg.ClientConfig.CompressionParams.Level != 0 {
		errs = append(errs, errors.New("compression_params is not supported by the llmtrace exporter; it compresses at the default level"))
	}
	if cfg.LogHold < 0 {
		errs = append(errs, fmt.Errorf("log_hold must not be negative, got %s", cfg.LogHold))
	}
	if hold := cmp.Or(cfg.LogHold, tracestate.DefaultLogHold); cfg.RetryConfig.Enabled && cfg.RetryConfig.MaxElapsedTime > 0 && cfg.RetryConfig.MaxElapsedTime <= hold {
		errs = append(errs, fmt.Errorf("retry_on_failure.max_elapsed_time (%s) must exceed log_hold (%s): log records waiting for their spans are kept queued by the retry", cfg.RetryConfig.MaxElapsedTime, hold))
	}
	if cfg.ClientConfig.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout must not be negative, got %s", cfg.ClientConfig.Timeout))
	}
	for _, f := range []struct {
		key string
		v   int
	}{{"max_input_bytes", cfg.MaxInputBytes}, {"max_output_bytes", cfg.MaxOutputBytes}} {
		if f.v < 0 || f.v > platform.MaxContentBytes {
			errs = append(errs, fmt.Errorf("%s must be between 0 (the 256 KiB default) and %d bytes (so one event stays under the platform's 1 MiB limit), got %d", f.key, platform.MaxContentBytes, f.v))
		}
	}
	for i, tag := range cfg.Tags {
		if strings.TrimSpace(tag) == "" {
			errs = append(errs, fmt.Errorf("tags[%d] is empty; remove it or give it a value", i))
		}
	}
	for k := range cfg.Metadata {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, errors.New("metadata has an empty key"))
		}
	}
	if _, err := cfg.Pricing.table(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
