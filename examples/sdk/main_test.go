package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/internal/devserver"
	"github.com/llmtrace/llmtrace/otelbridge"
)

// The example runs against the dev platform and the agent turn is stored there, the
// conversation's user on every event; the page link it prints is the dev platform's page
// of that trace.
func TestExampleSendsTheAgentTurn(t *testing.T) {
	dev, err := devserver.New(devserver.Config{DBPath: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	defer func() { srv.Close(); _ = dev.Close() }()
	t.Setenv(otelbridge.EnvEndpoint, srv.URL)
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	evs, err := dev.AllEvents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Fatalf("dev platform stored %d events, want 3", len(evs))
	}
	for _, ev := range evs {
		if ev.UserID != "user-42" || ev.TraceID != evs[0].TraceID {
			t.Errorf("%s: user %q trace %s", ev.Name, ev.UserID, ev.TraceID)
		}
	}
	checkPageLink(t, out.String(), srv.URL+"/traces/"+evs[0].TraceID, "invoke_agent weather-bot")
}

// checkPageLink checks that the example's output ends with the "page:" line naming want,
// and that the dev platform serves that page with the trace's root span on it.
func checkPageLink(t *testing.T, out, want, root string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	link, ok := strings.CutPrefix(lines[len(lines)-1], "page:")
	if link = strings.TrimSpace(link); !ok || link != want {
		t.Fatalf("last line %q, want the page %s", lines[len(lines)-1], want)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(root)) {
		t.Errorf("GET %s: %d, page has %q: %v", link, resp.StatusCode, root, bytes.Contains(body, []byte(root)))
	}
}
