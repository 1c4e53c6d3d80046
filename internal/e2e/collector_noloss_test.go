package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// stopPoint is when, relative to the last acknowledged post, the collector is stopped.
type stopPoint struct {
	name string
	// platform is "down" (connection refused) or "hanging" (accepts, never answers).
	platform string
	// wait returns once the collector is at the point; col is the running collector,
	// inflight counts requests the hanging platform received.
	wait func(t *testing.T, col *proc, inflight *atomic.Int64)
}

func sleepPoint(d time.Duration) func(*testing.T, *proc, *atomic.Int64) {
	return func(*testing.T, *proc, *atomic.Int64) { time.Sleep(d) }
}

var stopPoints = []stopPoint{
	{"0.1s after the last ack", "down", sleepPoint(100 * time.Millisecond)},
	{"0.3s after the last ack", "down", sleepPoint(300 * time.Millisecond)},
	{"0.5s after the last ack", "down", sleepPoint(500 * time.Millisecond)},
	{"during a send", "hanging", func(t *testing.T, col *proc, inflight *atomic.Int64) {
		waitFor(t, "a request in flight to the hanging platform", 30*time.Second, col, func() bool { return inflight.Load() > 0 })
	}},
	{"during retries", "down", func(t *testing.T, col *proc, _ *atomic.Int64) {
		waitFor(t, "the exporter to retry", 30*time.Second, col, func() bool {
			return strings.Contains(col.log(), "Will retry the request after interval")
		})
	}},
}

// TestCollectorLosesNothingAcknowledged runs the built collector with the default
// configuration (testdata/otelcol.yaml), posts every capture while the platform is down or
// hanging, and stops the collector with SIGTERM or SIGKILL at each stopPoint. Restarted on
// the same queue directory with the dev platform up, it delivers every event `llmtrace map`
// predicts, each stored exactly once, with the thread / user / session / type / tags that
// one Map call of everything gives.
func TestCollectorLosesNothingAcknowledged(t *testing.T) {
	skipShort(t, "starts and kills collectors; skipped with -short")
	b, files, want := needCaptureRun(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		for _, pt := range stopPoints {
			t.Run(fmt.Sprintf("%v %s", sig, pt.name), func(t *testing.T) {
				var inflight atomic.Int64
				platformURL := "http://" + freeAddr(t) // nothing listens: refused
				if pt.platform == "hanging" {
					release := make(chan struct{})
					hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						inflight.Add(1)
						select {
						case <-release:
						case <-r.Context().Done():
						}
					}))
					defer hang.Close()
					defer close(release)
					platformURL = hang.URL
				}
				cenv := newCollectorEnv(t, platformURL, "")
				col := startCollector(t, b, &cenv)
				postCaptures(t, cenv.httpAddr, files) // every post answered 200: acknowledged
				pt.wait(t, col, &inflight)
				// On SIGTERM exporterhelper logs "Dropping data … interrupted due to shutdown" for
				// the requests in flight; the persistent queue keeps them on disk for the next
				// start (exporterhelper's persistent_queue.go, IsShutdownErr). What counts is
				// below: every event delivered after the restart.
				col.stop(sig)

				devAddr := freeAddr(t)
				cenv2 := cenv
				cenv2.grpcAddr, cenv2.httpAddr, cenv2.platformURL = freeAddr(t), freeAddr(t), "http://"+devAddr
				startDevserver(t, b, devAddr, filepath.Join(t.TempDir(), "dev.db"), "")
				col2 := startCollector(t, b, &cenv2)
				got, total := waitStored(t, devAddr, want, 90*time.Second, col2)
				if total != len(want) {
					t.Fatalf("the platform holds %d events, want exactly %d (each once)", total, len(want))
				}
				checkTraceWide(t, got, want)
			})
		}
	}
}

// checkTraceWide compares the values every event of a trace shares with the reference.
func checkTraceWide(t *testing.T, got, want map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k].(map[string]any)
		if !ok {
			t.Errorf("event %s missing", k)
			continue
		}
		wm := w.(map[string]any)
		for _, f := range []string{"threadId", "userId", "sessionId", "type"} {
			if fmt.Sprint(g[f]) != fmt.Sprint(wm[f]) {
				t.Errorf("event %s (%v): %s = %v, want %v", k, wm["name"], f, g[f], wm[f])
			}
		}
		if fmt.Sprint(g["tags"]) != fmt.Sprint(wm["tags"]) {
			t.Errorf("event %s: tags = %v, want %v", k, g["tags"], wm["tags"])
		}
	}
}

// TestCollectorLateRootFillsChildren: a trace's root — carrying the thread, user and
// session an app sets on its root span (gen_ai.conversation.id, user.id, session.id) —
// reaches the collector 3 s after its children, which the platform already accepted. The
// stored children end with the root's values: the exporter re-sent them.
func TestCollectorLateRootFillsChildren(t *testing.T) {
	skipShort(t, "starts the dev platform and the collector; skipped with -short")
	b := needBinaries(t)
	whole, children, root := splitRootWithIdentity(t, filepath.Join(b.root, "testdata", "captures", "openinference-openai-agents-agent-tool.json"))
	dir := t.TempDir()
	wholeFile := filepath.Join(dir, "whole.json")
	if err := os.WriteFile(wholeFile, whole, 0o644); err != nil {
		t.Fatal(err)
	}
	want := expectedFromCLI(t, b, []string{wholeFile})

	devAddr := freeAddr(t)
	startDevserver(t, b, devAddr, filepath.Join(dir, "dev.db"), "")
	cenv := newCollectorEnv(t, "http://"+devAddr, "")
	col := startCollector(t, b, &cenv)
	if err := postOTLP(cenv.httpAddr, children); err != nil {
		t.Fatal(err)
	}
	childKeys := map[string]any{}
	for k, v := range want {
		if v.(map[string]any)["parentSpanId"] != nil {
			childKeys[k] = v
		}
	}
	waitStored(t, devAddr, childKeys, 30*time.Second, col)
	time.Sleep(3 * time.Second)
	if err := postOTLP(cenv.httpAddr, root); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	waitFor(t, "the children to carry the root's thread, user and session", 30*time.Second, col, func() bool {
		got, _ = stored(t, devAddr, want)
		for k, w := range want {
			g, ok := got[k].(map[string]any)
			if !ok || g["userId"] != w.(map[string]any)["userId"] || g["threadId"] != w.(map[string]any)["threadId"] {
				return false
			}
		}
		return true
	})
	checkTraceWide(t, got, want)
	if v := want[firstKey(childKeys)].(map[string]any); v["userId"] != "user-42" || v["sessionId"] != "session-7" {
		t.Fatalf("reference children lack the root's values: %v", v)
	}
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}

// splitRootWithIdentity reads a capture, sets on its root span what an app sets there to
// name the conversation, the end user and the session (gen_ai.conversation.id, user.id,
// session.id: semconv v1.41), and returns OTLP JSON of the whole trace, of every span but
// the root, and of the root alone.
func splitRootWithIdentity(t *testing.T, file string) (whole, children, root []byte) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var um ptrace.JSONUnmarshaler
	td, err := um.UnmarshalTraces(raw)
	if err != nil {
		t.Fatal(err)
	}
	roots := 0
	forEachSpan(td, func(s ptrace.Span) {
		if s.ParentSpanID().IsEmpty() {
			roots++
			s.Attributes().PutStr("gen_ai.conversation.id", "conv-2026-11-25-001")
			s.Attributes().PutStr("user.id", "user-42")
			s.Attributes().PutStr("session.id", "session-7")
		}
	})
	if roots != 1 {
		t.Fatalf("%s has %d root spans, want 1", file, roots)
	}
	var m ptrace.JSONMarshaler
	marshal := func(keep func(ptrace.Span) bool) []byte {
		cp := ptrace.NewTraces()
		td.CopyTo(cp)
		rss := cp.ResourceSpans()
		for i := 0; i < rss.Len(); i++ {
			sss := rss.At(i).ScopeSpans()
			for j := 0; j < sss.Len(); j++ {
				sss.At(j).Spans().RemoveIf(func(s ptrace.Span) bool { return !keep(s) })
			}
		}
		b, err := m.MarshalTraces(cp)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	isRoot := func(s ptrace.Span) bool { return s.ParentSpanID().IsEmpty() }
	return marshal(func(ptrace.Span) bool { return true }),
		marshal(func(s ptrace.Span) bool { return !isRoot(s) }),
		marshal(isRoot)
}

func forEachSpan(td ptrace.Traces, f func(ptrace.Span)) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				f(spans.At(k))
			}
		}
	}
}
