// Command receiver is the OTLP/HTTP receiver the capture scripts under scripts/capture/
// export to: it listens on a loopback address, records every trace and log export request
// (protobuf or JSON, /v1/logs for logs, see internal/otlpcapture) and, on SIGINT or
// SIGTERM, writes what it received as one OTLP JSON document in the format of
// testdata/captures/ (resourceSpans, and resourceLogs when a log record came).
//
//	go run ./internal/otlpcapture/receiver -addr 127.0.0.1:4319 -out testdata/captures/x.json
//
// It prints "listening on ADDR" once it accepts requests, and "wrote N spans, M log
// records … to FILE" at the end; with neither received it writes nothing and exits 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/llmtrace/llmtrace/internal/otlpcapture"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4319", "listen address (loopback)")
	out := flag.String("out", "", "capture file to write on SIGINT/SIGTERM (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "receiver: -out is required")
		os.Exit(2)
	}
	if err := run(*addr, *out); err != nil {
		fmt.Fprintln(os.Stderr, "receiver:", err)
		os.Exit(1)
	}
}

func run(addr, out string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rcv := otlpcapture.NewReceiver()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Println("listening on", ln.Addr())
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	t, l := rcv.TakeAll()
	if t.SpanCount() == 0 && l.LogRecordCount() == 0 {
		return errors.New("no span and no log record received; nothing written")
	}
	if err := otlpcapture.WriteDocument(out, t, l); err != nil {
		return err
	}
	fmt.Printf("wrote %d spans, %d log records (%d requests) to %s\n", t.SpanCount(), l.LogRecordCount(), rcv.Requests(), out)
	return nil
}
