package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/llmtrace/llmtrace/internal/devserver"
	"github.com/llmtrace/llmtrace/otelbridge"
)

// The example runs against the dev platform and the agent turn is stored there, the
// conversation's user on every event.
func TestExampleSendsTheAgentTurn(t *testing.T) {
	dev, err := devserver.New(devserver.Config{DBPath: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	defer func() { srv.Close(); _ = dev.Close() }()
	t.Setenv(otelbridge.EnvEndpoint, srv.URL)
	if err := run(); err != nil {
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
}
