package llmtraceanthropic

import (
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
)

// ScopeName is the instrumentation scope of the spans.
const ScopeName = "github.com/llmtrace/llmtrace/instrumentation/anthropic-sdk-go"

// Version is this module's version, the instrumentation scope version of its spans.
const Version = "0.1.0"

// Option configures [Middleware].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	tp      trace.TracerProvider
	capture *bool
}

// WithTracerProvider sets the TracerProvider the spans come from; default (or nil): the
// global one, otel.GetTracerProvider().
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) { c.tp = tp })
}

// WithCaptureMessageContent decides whether spans carry message content
// (gen_ai.input.messages, gen_ai.output.messages, gen_ai.system_instructions,
// gen_ai.tool.definitions). Default: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT
// ("true", "SPAN_ONLY" or "SPAN_AND_EVENT" turn it on), else off.
func WithCaptureMessageContent(capture bool) Option {
	return optionFunc(func(c *config) { c.capture = &capture })
}

type settings struct {
	tracer  trace.Tracer
	capture bool
}

func newSettings(opts []Option) settings {
	var c config
	for _, o := range opts {
		o.apply(&c)
	}
	s := settings{tracer: genaiclient.Tracer(c.tp, ScopeName, Version), capture: genaiclient.CaptureFromEnv()}
	if c.capture != nil {
		s.capture = *c.capture
	}
	return s
}
