package otelbridge_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
	"github.com/llmtrace/llmtrace/platform"
)

func TestNewSpanProcessorConfigurationErrors(t *testing.T) {
	t.Setenv(otelbridge.EnvEndpoint, "")
	t.Setenv(otelbridge.EnvAPIKey, "sk-secret-key")
	for _, c := range []struct {
		name  string
		opts  []otelbridge.Option
		field string
	}{
		{"missing endpoint", nil, "endpoint"},
		{"blank endpoint", []otelbridge.Option{otelbridge.WithEndpoint("  ")}, "endpoint"},
		{"not a URL", []otelbridge.Option{otelbridge.WithEndpoint("http://bad host:80/x")}, "endpoint"},
		{"relative", []otelbridge.Option{otelbridge.WithEndpoint("localhost:8787")}, "endpoint"},
		{"ftp", []otelbridge.Option{otelbridge.WithEndpoint("ftp://example.com")}, "endpoint"},
		{"credentials in URL", []otelbridge.Option{otelbridge.WithEndpoint("https://user:sk-secret-key@example.com")}, "endpoint"},
		{"zero queue", []otelbridge.Option{otelbridge.WithEndpoint("http://127.0.0.1:1"), otelbridge.WithMaxQueueSize(0)}, "max queue size"},
		{"negative timeout", []otelbridge.Option{otelbridge.WithEndpoint("http://127.0.0.1:1"), otelbridge.WithBatchTimeout(-time.Second)}, "batch timeout"},
		{"compression", []otelbridge.Option{otelbridge.WithEndpoint("http://127.0.0.1:1"), otelbridge.WithCompression("brotli")}, "compression"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := otelbridge.NewSpanProcessor(c.opts...)
			var ce *platform.ConfigurationError
			if !errors.As(err, &ce) || p != nil {
				t.Fatalf("got (%v, %v), want a *platform.ConfigurationError", p, err)
			}
			if ce.Field != c.field {
				t.Errorf("Field = %q, want %q (%v)", ce.Field, c.field, err)
			}
			if strings.Contains(err.Error(), "sk-secret-key") {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestEnvironmentFallbacks(t *testing.T) {
	plat := platformtest.New(t)
	t.Setenv(otelbridge.EnvEndpoint, plat.URL())
	t.Setenv(otelbridge.EnvAPIKey, "env-key")
	t.Setenv(otelbridge.EnvScheduleDelay, "20") // ms
	t.Setenv(otelbridge.EnvCaptureContent, "false")
	p, err := otelbridge.NewSpanProcessor()
	if err != nil {
		t.Fatal(err)
	}
	tp := newTPFor(t, p)
	emitAgentTurn(t.Context(), tp.Tracer("t"), 0)
	// No flush: the 20 ms schedule delay from the environment sends the batch.
	waitFor(t, 10*time.Second, "the env schedule delay to send", func() bool { return len(plat.Stored()) == 3 })
	for _, ev := range plat.Stored() {
		if c := contentOf(ev); c != "" {
			t.Errorf("%s carries content %q with LLMTRACE_CAPTURE_CONTENT=false", ev.Name, c)
		}
	}
	if a := plat.Requests()[0].Header.Get("Authorization"); a != "Bearer env-key" {
		t.Errorf("Authorization %q, want the env key", a)
	}

	// Options win over the environment.
	t.Setenv(otelbridge.EnvEndpoint, "ftp://ignored")
	p2, err := otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(plat.URL()))
	if err != nil {
		t.Fatalf("an option endpoint must win over the env: %v", err)
	}
	_ = p2.Shutdown(t.Context())
	// A bad env value is a clear error naming the variable.
	t.Setenv(otelbridge.EnvScheduleDelay, "5s")
	_, err = otelbridge.NewSpanProcessor(otelbridge.WithEndpoint(plat.URL()))
	var ce *platform.ConfigurationError
	if !errors.As(err, &ce) || ce.Field != otelbridge.EnvScheduleDelay {
		t.Fatalf("got %v, want a platform.ConfigurationError for %s", err, otelbridge.EnvScheduleDelay)
	}
	// A bad endpoint from the environment: the shared check's reason, under the variable's name.
	t.Setenv(otelbridge.EnvScheduleDelay, "")
	t.Setenv(otelbridge.EnvEndpoint, "localhost:8787")
	_, err = otelbridge.NewSpanProcessor()
	if !errors.As(err, &ce) || ce.Field != otelbridge.EnvEndpoint || ce.Reason != platform.CheckEndpoint("localhost:8787").(*platform.ConfigurationError).Reason {
		t.Fatalf("got %v, want platform.CheckEndpoint's error for %s", err, otelbridge.EnvEndpoint)
	}
}
