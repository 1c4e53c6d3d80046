// Command loadgen is the load generator of `make bench-collector`
// (scripts/bench-collector.sh): it posts OTLP/HTTP ExportTraceServiceRequests of -spans
// spans (default 77) to a collector for -duration, at -rate spans/s or as fast as the
// collector accepts, and reports the spans accepted per second and the requests refused.
//
// The spans are the real ones of the captures (testdata/captures/*.json, with their gen_ai
// attributes, resources and scopes): whole traces taken in turn, one that does not fit the
// room left skipped, so that each request holds exactly -spans spans of complete traces (the
// captures' 33 traces have 1 to 8 spans, 8 of them one). Every request gets fresh random
// trace and span IDs, parent links following, so no two requests carry the same span.
//
// A reply 429, 502, 503 or 504 is a refusal (the OTLP/HTTP spec's retryable answers): the
// worker pauses for Retry-After, or -backoff, and sends its next request; refused spans are
// not re-sent. Other statuses and transport errors count as failed.
//
//	go run ./internal/loadgen -url http://127.0.0.1:4318/v1/traces -duration 60s -json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	var o options
	flag.StringVar(&o.URL, "url", "http://127.0.0.1:4318/v1/traces", "the collector's OTLP/HTTP traces endpoint")
	captures := flag.String("captures", "testdata/captures", "directory of OTLP JSON captures to take the spans from")
	flag.IntVar(&o.Spans, "spans", 77, "spans per request")
	flag.Float64Var(&o.Rate, "rate", 0, "target spans/s over all workers; 0 sends as fast as the collector accepts")
	flag.DurationVar(&o.Duration, "duration", 60*time.Second, "how long to send")
	flag.IntVar(&o.Concurrency, "concurrency", 4, "requests in flight at most")
	flag.StringVar(&o.Encoding, "encoding", "proto", "request encoding: proto or json")
	flag.StringVar(&o.Compression, "compression", "none", "request compression: none or gzip")
	flag.DurationVar(&o.Backoff, "backoff", 50*time.Millisecond, "pause of a worker after a refusal without Retry-After")
	asJSON := flag.Bool("json", false, "print the report as one JSON object on stdout")
	flag.Parse()
	if err := check(o); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	p, err := loadPool(*captures)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	templates := make([]*template, max(len(p.traces), o.Concurrency))
	for i := range templates {
		templates[i] = p.template(i%len(p.traces), o.Spans)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := runLoad(ctx, o, templates)

	fmt.Fprintf(os.Stderr, "loadgen: %.1f s, %d requests of %d spans: %d accepted, %d refused, %d failed; %.0f accepted spans/s",
		r.Seconds, r.Requests, r.SpansPerRequest, r.Accepted, r.Refused, r.Failed, r.SpansPerSecond)
	if r.MissedTicks > 0 {
		fmt.Fprintf(os.Stderr, "; %d requests of the target rate not started (all workers busy)", r.MissedTicks)
	}
	if r.FirstError != "" {
		fmt.Fprintf(os.Stderr, "; first error: %s", r.FirstError)
	}
	fmt.Fprintln(os.Stderr)
	if *asJSON {
		_ = json.NewEncoder(os.Stdout).Encode(r)
	}
	if r.Accepted == 0 {
		os.Exit(1)
	}
}

func check(o options) error {
	switch {
	case o.Spans < 1:
		return fmt.Errorf("-spans %d: at least 1", o.Spans)
	case o.Concurrency < 1:
		return fmt.Errorf("-concurrency %d: at least 1", o.Concurrency)
	case o.Rate < 0:
		return fmt.Errorf("-rate %g: 0 (as fast as accepted) or more", o.Rate)
	case o.Duration <= 0:
		return fmt.Errorf("-duration %s: more than 0", o.Duration)
	case o.Encoding != "proto" && o.Encoding != "json":
		return fmt.Errorf("-encoding %q: proto or json", o.Encoding)
	case o.Compression != "none" && o.Compression != "gzip":
		return fmt.Errorf("-compression %q: none or gzip", o.Compression)
	}
	return nil
}
