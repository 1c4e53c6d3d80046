// Command llmtrace-devserver runs the local dev platform: the ingest endpoint of
// docs/platform-api.md (POST /v1/traces), a read API and a web page, over a SQLite file.
// See package internal/devserver for the exact behaviour.
//
// Usage:
//
//	llmtrace-devserver [-addr 127.0.0.1:8787] [-db ./llmtrace-dev.db] [-api-key KEY]
//	                   [-read-key KEY] [-allow-host NAME[,NAME…]] [-version]
//
// The API key may also come from LLMTRACE_DEVSERVER_API_KEY and the read key from
// LLMTRACE_DEVSERVER_READ_KEY (the flags win); empty means no key is required. With a read
// key, the read API wants "Authorization: Bearer <read key>" and the page asks for the key
// once (or take the link http://ADDR/?key=<read key>) and keeps it in a cookie.
//
// Every request's Host header must name the server: localhost, 127.0.0.1, [::1] or the
// -addr host, with the listening port (any IP address when -addr binds all interfaces);
// other names are refused with 421 (DNS rebinding protection) unless given to -allow-host.
//
// It logs "listening" with the bound address (so -addr with port 0 works) and one line per
// batch, and shuts down gracefully on SIGINT or SIGTERM. -version prints the module
// version and VCS revision the binary was built from (runtime/debug.ReadBuildInfo).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/llmtrace/llmtrace/internal/devserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "llmtrace-devserver:", err)
		os.Exit(1)
	}
}

// run parses args, serves until ctx is done, then drains requests for up to 10 s. Logs
// and usage go to stderr; -version prints to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("llmtrace-devserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8787", "listen address (host:port; port 0 picks a free one)")
	db := fs.String("db", "./llmtrace-dev.db", `SQLite database file (":memory:" keeps nothing)`)
	apiKey := fs.String("api-key", os.Getenv("LLMTRACE_DEVSERVER_API_KEY"),
		"API key POST /v1/traces requires as a Bearer token; empty = none (env LLMTRACE_DEVSERVER_API_KEY)")
	readKey := fs.String("read-key", os.Getenv("LLMTRACE_DEVSERVER_READ_KEY"),
		"key the read API (Bearer) and the page (?key= once, or its form) require; empty = none (env LLMTRACE_DEVSERVER_READ_KEY)")
	var allowHosts []string
	fs.Func("allow-host", "further host `name`s accepted in the Host header, comma-separated or repeated (e.g. host.docker.internal)",
		func(v string) error {
			for _, h := range strings.Split(v, ",") {
				if h = strings.TrimSpace(h); h != "" {
					allowHosts = append(allowHosts, h)
				}
			}
			return nil
		})
	version := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *version {
		_, err := fmt.Fprintln(stdout, versionString())
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	srv, err := devserver.New(devserver.Config{DBPath: *db, APIKey: *apiKey, ReadKey: *readKey,
		Addr: ln.Addr().String(), AllowedHosts: allowHosts, Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String()+"/",
		"db", *db, "api_key_required", *apiKey != "", "read_key_required", *readKey != "",
		"version", versionString())
	if *readKey != "" {
		log.Info("the page asks for the read key once; or open http://" + ln.Addr().String() + "/?key=<read key>")
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
