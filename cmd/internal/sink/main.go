// Command sink is the receiving end of `make bench-collector` (scripts/bench-collector.sh): one
// HTTP server that stands in for both destinations the otelcol-llmtrace distribution can
// export to, so that the same distribution can be measured with the llmtrace exporter and
// with otlphttp against the same process:
//
//   - the platform's ingest API, POST /v1/traces with {"traces": [TraceEvent, ...]}
//     (docs/platform-api.md): it counts the events and answers {"accepted": n};
//   - OTLP/HTTP, POST /v1/traces with an ExportTraceServiceRequest (protobuf or JSON): it
//     counts the spans and answers an empty ExportTraceServiceResponse.
//
// Both accept a gzip or zstd Content-Encoding. GET /stats returns the counts so far as one
// JSON object (Stats). The sink stores nothing: it is a counter, not a platform.
//
//	go run ./internal/sink -addr 127.0.0.1:18787
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18787", "address to listen on (host:port)")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "sink:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s := NewSink()
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Printf("sink: listening on http://%s (POST /v1/traces: platform events or OTLP spans; GET /stats)", ln.Addr())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case <-sig:
	}
	_ = srv.Close()
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	st := s.Stats()
	log.Printf("sink: stopped; %d requests, %d events (%d distinct), %d spans", st.Requests, st.Events, st.EventsDistinct, st.Spans)
	return nil
}
