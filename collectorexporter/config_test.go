package collectorexporter

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/llmtrace/llmtrace/collectorexporter/internal/metadata"
)

func TestCreateDefaultConfig(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, componenttest.CheckConfigStruct(cfg))
	assert.Equal(t, configcompression.TypeGzip, cfg.ClientConfig.Compression)
	assert.Equal(t, 30*time.Second, cfg.ClientConfig.Timeout)
	assert.True(t, cfg.CaptureContent, "content capture is on by default")
	require.True(t, cfg.QueueConfig.HasValue(), "the sending queue is on by default")
	q := cfg.QueueConfig.Get()
	require.True(t, q.Batch.HasValue(), "batching is on by default")
	assert.Equal(t, int64(DefaultBatchMinSize), q.Batch.Get().MinSize)
	assert.True(t, cfg.RetryConfig.Enabled)
	// No default endpoint: the default config must not validate.
	err := confmap.Validate(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "endpoint: missing; set the platform's base URL, e.g. https://api.example.com")
}

func loadVariant(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	id := component.MustNewIDWithName(metadata.Type.String(), "")
	if name != "" {
		id = component.MustNewIDWithName(metadata.Type.String(), name)
	}
	sub, err := cm.Sub(id.String())
	require.NoError(t, err)
	require.NotEmpty(t, sub.AllKeys(), "variant %s missing from testdata/config.yaml", id)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

func TestLoadConfigVariants(t *testing.T) {
	defaults := func() *Config { return NewFactory().CreateDefaultConfig().(*Config) }

	t.Run("default", func(t *testing.T) {
		cfg, err := loadVariant(t, "")
		require.NoError(t, err)
		want := defaults()
		want.ClientConfig.Endpoint = "http://127.0.0.1:8787"
		assert.Equal(t, want, cfg)
	})

	t.Run("full", func(t *testing.T) {
		cfg, err := loadVariant(t, "full")
		require.NoError(t, err)
		want := defaults()
		want.ClientConfig.Endpoint = "https://ingest.example.com"
		want.ClientConfig.Headers = configopaque.MapList{{Name: "X-Team", Value: "search"}}
		want.ClientConfig.Compression = configcompression.TypeZstd
		want.ClientConfig.Timeout = 10 * time.Second
		want.APIKey = "secret-key-123"
		want.CaptureContent = false
		want.MaxInputBytes = 65536
		want.MaxOutputBytes = 131072
		want.Tags = []string{"prod", "team-search"}
		want.Metadata = map[string]string{"deployment": "eu-1"}
		q := want.QueueConfig.Get()
		q.NumConsumers = 2
		q.QueueSize = 5000
		q.Sizer = exporterhelper.RequestSizerTypeItems
		storage := component.MustNewIDWithName("file_storage", "llmtrace")
		q.StorageID = &storage
		b := q.Batch.Get()
		b.FlushTimeout = time.Second
		b.MinSize = 500
		b.MaxSize = 1000
		want.RetryConfig.InitialInterval = time.Second
		want.RetryConfig.MaxInterval = 10 * time.Second
		want.RetryConfig.MaxElapsedTime = 10 * time.Minute
		assert.Equal(t, want, cfg)
		// The key is opaque: printing the config never shows it.
		assert.NotContains(t, printConfig(t, cfg), "secret-key-123")
	})

	t.Run("pricing", func(t *testing.T) {
		cfg, err := loadVariant(t, "pricing")
		require.NoError(t, err)
		assert.Equal(t, "testdata/prices.json", cfg.Pricing.File)
		require.Len(t, cfg.Pricing.Providers, 1)
		assert.Equal(t, "openai", cfg.Pricing.Providers[0]["id"])
		tb, err := cfg.Pricing.table()
		require.NoError(t, err)
		p, ok := tb.Lookup("vllm", "llama-ft-3", time.Time{})
		require.True(t, ok, "the file's model")
		assert.True(t, p.Override)
		p, ok = tb.Lookup("openai", "gpt-4o-mini-2024-07-18", time.Time{})
		require.True(t, ok)
		assert.Equal(t, "gpt-4o-mini-negotiated", p.ModelID, "the inline model wins over the vendored one")
	})

	t.Run("no_queue", func(t *testing.T) {
		cfg, err := loadVariant(t, "no_queue")
		require.NoError(t, err)
		assert.False(t, cfg.QueueConfig.HasValue())
		assert.False(t, cfg.RetryConfig.Enabled)
		assert.Equal(t, configcompression.Type("none"), cfg.ClientConfig.Compression)
		_ = configoptional.None[int]
	})
}

func printConfig(t *testing.T, cfg *Config) string {
	t.Helper()
	conf := confmap.New()
	require.NoError(t, conf.Marshal(cfg))
	var sb strings.Builder
	for _, k := range conf.AllKeys() {
		sb.WriteString(k)
		sb.WriteString("=")
		if v, ok := conf.Get(k).(string); ok {
			sb.WriteString(v)
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

func TestLoadConfigBad(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"bad_no_endpoint", "endpoint: missing; set the platform's base URL, e.g. https://api.example.com"},
		{"bad_endpoint_scheme", `endpoint: "127.0.0.1:8787" must be an absolute http:// or https:// URL with a host, e.g. https://api.example.com (first path segment in URL cannot contain colon)`},
		{"bad_endpoint_no_host", `endpoint: "http://" must be an absolute http:// or https:// URL with a host, e.g. https://api.example.com`},
		{"bad_endpoint_credentials", "endpoint: credentials in the URL are not allowed; set the API key instead"},
		{"bad_compression", `compression: "snappy" is not accepted by the platform; use gzip, zstd or none`},
		{"bad_compression_params", "compression_params is not supported by the llmtrace exporter; it compresses at the default level"},
		{"bad_negative_timeout", "timeout must not be negative, got -1s"},
		{"bad_max_input_bytes", "max_input_bytes must be between 0 (the 256 KiB default) and 327680 bytes (so one event stays under the platform's 1 MiB limit), got -1"},
		{"bad_max_output_bytes", "max_output_bytes must be between 0 (the 256 KiB default) and 327680 bytes (so one event stays under the platform's 1 MiB limit), got 2000000"},
		{"bad_empty_tag", "tags[1] is empty; remove it or give it a value"},
		{"bad_queue_size", "queue_size"},
		{"bad_unknown_key", "unknown key(s) capture_contents in the llmtrace exporter's configuration; valid keys are "},
		{"bad_capture_content_type", "capture_content"},
		{"bad_pricing_file", `pricing.file "testdata/no-such-prices.json" cannot be read: no such file or directory`},
		{"bad_pricing_regex", `pricing.providers[0] (provider "self-hosted"): models[0] ("llama"): regex "llama-(7b" does not compile`},
		{"bad_pricing_price_key", `pricing.providers[0] (provider "self-hosted"): models[0] ("llama"): "input_per_million" is not a price key of genai-prices`},
		{"bad_pricing_negative", `pricing.providers[0] (provider "self-hosted"): models[0] ("llama"): price "input_mtok" is -1; a price is a non-negative number of USD per million tokens`},
		{"bad_pricing_no_match", `pricing.providers[0] (provider "self-hosted"): models[0] ("llama"): the model has no match rule (e.g. {"equals": "llama"})`},
		{"bad_pricing_key", "unknown key files under pricing; valid keys are file and providers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadVariant(t, tt.name)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
