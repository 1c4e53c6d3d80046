package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/firebase/genkit/go/genkit"
	oai "github.com/firebase/genkit/go/plugins/compat_oai/openai"
	"github.com/openai/openai-go/option"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/llmtrace/llmtrace/otelbridge"
)

// GenkitVersion is the Genkit for Go module version this program is built with (go.mod).
const GenkitVersion = "v1.4.0"

type config struct {
	Endpoint   string // llmtrace platform base URL; empty: no otelbridge processor
	CaptureDir string // where the OTLP JSON captures go; empty: no capture
}

// result is what one run did.
type result struct {
	Scenarios []scenarioResult
	Captures  []string                   // capture files written
	Stats     *otelbridge.ProcessorStats // nil without an endpoint
}

// run starts the fake provider (and the capture receiver), sets the global TracerProvider
// Genkit records on, runs every scenario and flushes after each capture group.
func run(ctx context.Context, cfg config) (*result, error) {
	fakeURL, stopFake, err := serveLoopback(&fakeOpenAI{})
	if err != nil {
		return nil, err
	}
	defer stopFake()

	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(resource.NewSchemaless(
			attribute.String("service.name", "genkit-go-weather"),
			attribute.String("service.version", "0.0.0-example"),
		)),
	}
	var rcv *captureReceiver
	if cfg.CaptureDir != "" {
		rcv = newCaptureReceiver()
		rcvURL, stopRcv, err := serveLoopback(rcv)
		if err != nil {
			return nil, err
		}
		defer stopRcv()
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(rcvURL+"/v1/traces"),
			otlptracehttp.WithCompression(otlptracehttp.NoCompression))
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	var bridge *otelbridge.SpanProcessor
	if cfg.Endpoint != "" {
		bridge, err = otelbridge.NewSpanProcessor(
			otelbridge.WithEndpoint(cfg.Endpoint),
			otelbridge.WithBatchTimeout(time.Second),
			otelbridge.WithTags("genkit-example"),
		)
		if err != nil {
			return nil, err
		}
		// The platform's traceId is the OTel trace ID when trace IDs are UUID v7.
		opts = append(opts, sdktrace.WithSpanProcessor(bridge), sdktrace.WithIDGenerator(otelbridge.NewIDGenerator()))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp) // before genkit.Init: Genkit's tracer is the global provider's
	defer otel.SetTracerProvider(prev)

	g := genkit.Init(ctx, genkit.WithPlugins(&oai.OpenAI{
		APIKey: "sk-fake-loopback",
		Opts:   []option.RequestOption{option.WithBaseURL(fakeURL + "/v1/"), option.WithMaxRetries(0)},
	}))
	app := defineApp(g)

	res := &result{}
	for _, group := range captureGroups {
		for _, sc := range group.Scenarios {
			r, err := runScenario(ctx, app, sc)
			if err != nil {
				_ = tp.Shutdown(context.Background())
				return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
			}
			res.Scenarios = append(res.Scenarios, r)
		}
		if err := tp.ForceFlush(ctx); err != nil {
			return nil, fmt.Errorf("flushing %s: %w", group.File, err)
		}
		if rcv != nil {
			path := filepath.Join(cfg.CaptureDir, group.File)
			if err := writeCapture(path, rcv.take()); err != nil {
				return nil, err
			}
			res.Captures = append(res.Captures, path)
		}
	}
	if err := tp.Shutdown(ctx); err != nil {
		return nil, err
	}
	if bridge != nil {
		st := bridge.Stats()
		res.Stats = &st
	}
	return res, nil
}

// serveLoopback serves h on 127.0.0.1 with a free port and returns its base URL.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err)
		}
	}()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}
	return "http://" + ln.Addr().String(), stop, nil
}
