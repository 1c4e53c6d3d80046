// Command genkit is a Firebase Genkit for Go app (github.com/firebase/genkit/go v1.4.0)
// whose OpenTelemetry spans go to llmtrace: its compat_oai OpenAI plugin talks to a
// deterministic OpenAI-compatible server the program starts on loopback (fakeopenai.go),
// so it needs no key and no network. It runs four scenarios (scenarios.go): a flow with a
// tool loop, a plain generate, a streaming generate and a generate the provider fails with
// HTTP 500.
//
// Genkit records its spans on the global OTel TracerProvider when that is an SDK
// *sdktrace.TracerProvider (core/tracing.TracerProvider in Genkit's source), so the app
// builds one with its span processors and sets it with otel.SetTracerProvider before
// genkit.Init, as Genkit's googlecloud plugin does. With LLMTRACE_ENDPOINT set (or the
// -endpoint flag) llmtrace's otelbridge SpanProcessor sends the spans to the platform
// (make devserver runs one on 127.0.0.1:8787). With the -capture flag an OTLP/HTTP
// exporter sends them to an in-process receiver (capture.go) that writes
// DIR/genkit-go-compat-oai-*.json, the real captures of testdata/captures/. Each scenario's
// line names its OTel trace ID and, with an endpoint, the dev platform's page of it.
//
//	cd examples/genkit
//	LLMTRACE_ENDPOINT=http://127.0.0.1:8787 go run .
//	go run . -capture ../../testdata/captures
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/otelbridge"
)

// tracePage is the dev platform's page of the trace whose OTel trace ID is hexID (as
// Genkit reports it): {endpoint}/traces/{the platform's traceId, otelbridge.TraceUUID}.
func tracePage(endpoint, hexID string) string {
	id, err := trace.TraceIDFromHex(hexID)
	if err != nil {
		return "(no page: trace ID " + strconv.Quote(hexID) + " is not 32 hex digits)"
	}
	return strings.TrimRight(endpoint, "/") + "/traces/" + otelbridge.TraceUUID(id)
}

func main() {
	var cfg config
	flag.StringVar(&cfg.Endpoint, "endpoint", os.Getenv(otelbridge.EnvEndpoint), "llmtrace platform base URL (env "+otelbridge.EnvEndpoint+"); empty: no llmtrace processor")
	flag.StringVar(&cfg.CaptureDir, "capture", "", "directory to write the OTLP JSON captures to; empty: no capture")
	flag.Parse()
	if cfg.Endpoint == "" && cfg.CaptureDir == "" {
		fmt.Fprintln(os.Stderr, "genkit example: set LLMTRACE_ENDPOINT (or -endpoint) and/or -capture DIR")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genkit example:", err)
		os.Exit(1)
	}
	for _, sc := range res.Scenarios {
		fmt.Printf("%-10s trace %s  %s\n", sc.Name, sc.TraceID, sc.Outcome)
		if cfg.Endpoint != "" {
			fmt.Printf("%-10s page  %s\n", "", tracePage(cfg.Endpoint, sc.TraceID))
		}
	}
	for _, f := range res.Captures {
		fmt.Println("capture:", f)
	}
	if res.Stats != nil {
		fmt.Printf("llmtrace: %d spans received, %d events sent, %d dropped\n", res.Stats.Received, res.Stats.Sent, res.Stats.EventsDropped)
	}
}
