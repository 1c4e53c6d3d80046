// Package collectorexporter is the `llmtrace` traces exporter for the OpenTelemetry
// Collector: it maps gen_ai spans onto the platform's TraceEvent model with the same core
// as otelbridge's SpanProcessor (mapping.Mapper over internal/pdataview) and ships them
// with platform.Client to POST {endpoint}/v1/traces (docs/platform-api.md), behind
// exporterhelper's sending queue (optionally persistent) and retry.
package collectorexporter // import "github.com/llmtrace/llmtrace/collectorexporter"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/llmtrace/llmtrace/collectorexporter/internal/metadata"
)

// Defaults of the exporter's configuration.
const (
	// DefaultTimeout bounds one HTTP request to the platform.
	DefaultTimeout = 30 * time.Second
	// DefaultBatchMinSize is the sending queue's batch size in spans: a batch is sent when it
	// holds this many spans or after the flush timeout (200 ms).
	DefaultBatchMinSize = 2048
	// DefaultBatchMaxSize splits larger batches, in spans.
	DefaultBatchMaxSize = 8192
	// DefaultNumConsumers is the number of concurrent senders of the sending queue.
	DefaultNumConsumers = 4
)

// NewFactory returns the factory of the `llmtrace` exporter (traces and logs, alpha). The
// traces and logs exporters of one component ID share one Mapper and one platform client
// (shared.go), so gen_ai log records join their spans (logs.go).
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithTraces(createTraces, metadata.TracesStability),
		exporter.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	clientConfig := confighttp.NewDefaultClientConfig()
	clientConfig.Timeout = DefaultTimeout
	clientConfig.Compression = configcompression.TypeGzip
	clientConfig.WriteBufferSize = 512 * 1024

	queue := exporterhelper.NewDefaultQueueConfig()
	queue.NumConsumers = DefaultNumConsumers
	batch := exporterhelper.NewDefaultBatchConfig()
	batch.MinSize = DefaultBatchMinSize
	batch.MaxSize = DefaultBatchMaxSize
	queue.Batch = configoptional.Some(batch)

	return &Config{
		ClientConfig:   clientConfig,
		QueueConfig:    configoptional.Some(queue),
		RetryConfig:    configretry.NewDefaultBackOffConfig(),
		CaptureContent: true,
	}
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	c := cfg.(*Config)
	e, err := sharedExporters.acquire(c, set)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewTraces(ctx, set, cfg, e.pushTraces, helperOptions(c, unlimited(c.RetryConfig), e.start, e.shutdown)...)
}

// unlimited is rc without max_elapsed_time: the exporter applies that budget itself
// (retryClock), so that a Retry-After longer than what is left of it never drops the batch.
func unlimited(rc configretry.BackOffConfig) configretry.BackOffConfig {
	rc.MaxElapsedTime = 0
	return rc
}

// helperOptions are the exporterhelper options of e alone (not shared with a logs
// exporter), as createTraces gives them.
func (e *llmtraceExporter) helperOptions() []exporterhelper.Option {
	return helperOptions(e.cfg, unlimited(e.cfg.RetryConfig), e.start, e.shutdown)
}

// helperOptions are the exporterhelper options of the traces and the logs exporter: start
// and shutdown of the shared exporter (shared.go), retry rc, the configured queue.
func helperOptions(c *Config, rc configretry.BackOffConfig, start component.StartFunc, shutdown component.ShutdownFunc) []exporterhelper.Option {
	return []exporterhelper.Option{
		exporterhelper.WithStart(start),
		exporterhelper.WithShutdown(shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		// The HTTP client's timeout bounds each request (as in otlphttp).
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{Timeout: 0}),
		exporterhelper.WithRetry(rc),
		exporterhelper.WithQueue(c.QueueConfig),
	}
}
