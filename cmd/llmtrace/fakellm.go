package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// defaultFakeLLMAddr is where `llmtrace fakellm` listens by default, beside the dev
// platform's 127.0.0.1:8787; the examples under examples/ point there when no API key is
// set.
const defaultFakeLLMAddr = "127.0.0.1:8788"

// fakellmFlags defines the flags of `llmtrace fakellm` on a new FlagSet whose usage text
// goes to w (printed at once when w is not nil: `llmtrace help fakellm`).
func fakellmFlags(w io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("fakellm", flag.ContinueOnError)
	fs.SetOutput(w)
	addr := fs.String("addr", defaultFakeLLMAddr, "listen address, host:port (port 0: any free port)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: llmtrace fakellm [-addr host:port]

Serves fake LLM provider APIs for trying an app without an API key or network: %s,
with their real JSON and streaming shapes. Replies are canned and deterministic: a request
offering tools gets a call of its first tool, else the text "fakellm reply to: <the last
user text>"; token counts are word counts. Any API key is accepted.

It prints the base URL of each provider as the environment variable its SDKs read, then
serves until interrupted (Ctrl-C or SIGTERM).

Flags:
`, providerNames())
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `  -h, --help
    	show this help

Exit codes: 0 stopped by a signal (help included), 1 cannot listen, 2 bad usage.
`)
	}
	if w != nil {
		fs.Usage()
	}
	return fs, addr
}

// providerNames lists the gen_ai.provider.name of every API internal/fakellm serves.
func providerNames() string {
	var names []string
	for _, p := range fakellm.Providers() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// fakellmMain is `llmtrace fakellm`: it serves until SIGINT or SIGTERM.
func fakellmMain(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return fakellmCommand(ctx, args, stdout, stderr)
}

// fakellmCommand serves the fake providers until ctx is done.
func fakellmCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, addr := fakellmFlags(nil)
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "llmtrace fakellm: takes no arguments, got %q\n", fs.Args())
		fs.SetOutput(stderr)
		fs.Usage()
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		msg := oneLine(err.Error())
		if errors.Is(err, syscall.EADDRINUSE) {
			msg = *addr + " is already in use (another llmtrace fakellm?); choose another with -addr"
		}
		fmt.Fprintln(stderr, "llmtrace fakellm: "+msg)
		return exitBadInput
	}
	srv := &http.Server{Handler: fakellm.NewResponder(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "llmtrace fakellm: fake providers on %s (any API key; Ctrl-C stops)\n", base)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, p := range fakellm.Providers() {
		var routes []string
		for _, r := range p.Routes {
			routes = append(routes, r.Method+" "+r.Path)
		}
		fmt.Fprintf(tw, "  %s\t%s=%s%s\t%s\n", p.Name, p.BaseURLEnv, base, p.BasePath, strings.Join(routes, ", "))
	}
	tw.Flush()

	select {
	case <-ctx.Done():
	case err := <-served:
		fmt.Fprintln(stderr, "llmtrace fakellm: "+oneLine(err.Error()))
		return exitBadInput
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx) // lets streams in flight finish, up to 5 s
	return exitOK
}
