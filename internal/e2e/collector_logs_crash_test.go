package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The rows of docs/collector.md's crash table for gen_ai log records ("Logs pipeline"), each
// killed at its instant (SIGKILL and SIGTERM) on the collector path with the persistent
// queue (testdata/otelcol.yaml), restarted on the same storage, and what the dev platform
// stores afterwards compared with what the row promises, built from `llmtrace map` of the
// capture's spans and records (otel-js-openai-logs-chat-tool: 9 spans, 17 records on 7 of
// them). The row "records wait in the persistent queue for their span" is
// TestCollectorLogRecordsSurviveAKill (collector_logs_test.go); the row "the logs request has
// not been answered" is the OTLP exporter's retry, outside the collector.

// logCrashDoc is the capture of the crash tests, with what `llmtrace map` makes of the whole
// document, of its spans alone and of its records alone (each record an event of its own,
// as the collector ships a record whose span does not come within log_hold).
type logCrashDoc struct {
	spans, logs               []byte
	full, spansOnly, logsOnly map[string]any
}

func newLogCrashDoc(t *testing.T, b binaries) logCrashDoc {
	t.Helper()
	doc := filepath.Join(b.root, "testdata", "captures", "otel-js-openai-logs-chat-tool.json")
	spans, logs := splitDoc(t, doc)
	dir := t.TempDir()
	mapFile := func(path string) map[string]any {
		out, err := exec.Command(b.llmtrace, "map", path).Output()
		if err != nil {
			t.Fatalf("llmtrace map %s: %v", path, err)
		}
		return decodeEvents(t, out)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	d := logCrashDoc{spans: []byte(spans), logs: []byte(logs), full: mapFile(doc),
		spansOnly: mapFile(write("spans.json", spans)), logsOnly: mapFile(write("logs.json", logs))}
	if len(d.full) != 9 || len(d.spansOnly) != 9 || len(d.logsOnly) != 17 {
		t.Fatalf("llmtrace map gives %d / %d / %d events for the document / its spans / its records, want 9 / 9 / 17",
			len(d.full), len(d.spansOnly), len(d.logsOnly))
	}
	for k, ev := range d.logsOnly {
		md, _ := ev.(map[string]any)["metadata"].(map[string]any)
		if md["otel.log_record"] != true || ev.(map[string]any)["usage"] != nil {
			t.Fatalf("llmtrace map of the records alone: event %s is no record on its own without usage: %v", k, ev)
		}
	}
	return d
}

// union returns the events of every map (keys are traceId/spanId; they must not overlap).
func union(t *testing.T, ms ...map[string]any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, m := range ms {
		for k, v := range m {
			if _, dup := out[k]; dup {
				t.Fatalf("event %s in two references", k)
			}
			out[k] = v
		}
	}
	return out
}

// overlayFile writes a configuration merged over testdata/otelcol.yaml (`--config` twice).
func overlayFile(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "overlay.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// logHoldOverlay shortens log_hold, so that records whose span does not come are shipped
// on their own within the test.
func logHoldOverlay(t *testing.T, hold string) string {
	return overlayFile(t, "exporters:\n  llmtrace:\n    log_hold: "+hold+"\n")
}

// restartOn starts a second collector on col1's storage directory with fresh ports,
// sending to platformURL, with overlay ("" = testdata/otelcol.yaml as is).
func restartOn(t *testing.T, b binaries, cenv collectorEnv, platformURL, overlay string) (*proc, collectorEnv) {
	t.Helper()
	_, port, _ := net.SplitHostPort(freeAddr(t))
	cenv.grpcAddr, cenv.httpAddr, cenv.metricsPort, cenv.platformURL, cenv.overlay = freeAddr(t), freeAddr(t), port, platformURL, overlay
	return startCollector(t, b, &cenv), cenv
}

// expectExactly waits until the dev platform stores want (every event equal) and nothing
// else in want's traces, and fails with the difference otherwise.
func expectExactly(t *testing.T, platformAddr string, want map[string]any, col *proc, promise string) {
	t.Helper()
	got, total := waitStored(t, platformAddr, want, 90*time.Second, col)
	if !sameEvents(got, want) || total != len(want) {
		var diff []string
		for k, w := range want {
			wj, _ := json.Marshal(w)
			gj, _ := json.Marshal(got[k])
			if string(wj) != string(gj) {
				diff = append(diff, fmt.Sprintf("event %s:\nstored: %.400s\nwant:   %.400s", k, gj, wj))
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				diff = append(diff, "stored, not promised: "+k)
			}
		}
		t.Fatalf("the table promises %s; the platform holds %d events, want %d:\n%s\ncollector log:\n%s",
			promise, total, len(want), strings.Join(diff, "\n"), tail(col.log(), 30))
	}
}

// metricValue reads one sample of the collector's Prometheus endpoint: the line of name
// whose labels hold label (e.g. `llmtrace_log_record_outcome="joined"`, "" for none).
func metricValue(metricsPort, name, label string) (float64, bool) {
	resp, err := http.Get("http://127.0.0.1:" + metricsPort + "/metrics")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest[0] != '{' && rest[0] != ' ') || !strings.Contains(rest, label) {
			continue
		}
		v, err := strconv.ParseFloat(rest[strings.LastIndexByte(rest, ' ')+1:], 64)
		return v, err == nil
	}
	return 0, false
}

// waitMetric waits until the collector reports name{label} = want.
func waitMetric(t *testing.T, col *proc, cenv collectorEnv, name, label string, want float64) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%s{%s} = %v", name, label, want), 60*time.Second, col, func() bool {
		v, ok := metricValue(cenv.metricsPort, name, label)
		return ok && v == want
	})
}

// gateAction is what gatePlatform does with one request.
type gateAction int

const (
	gateForward         gateAction = iota // to the dev platform, its reply back
	gateDown                              // 503 (the platform is down), nothing stored
	gateHoldUnsent                        // not forwarded; no reply until the collector goes away
	gateHoldAfterStored                   // forwarded and stored; its reply withheld until the collector goes away
)

// gatePlatform is a proxy in front of the dev platform that decides per request (from its
// events) whether to forward it, answer 503, or hold it — before or after the platform
// stored it — so that a collector can be stopped at a chosen instant of a send.
type gatePlatform struct {
	t       *testing.T
	target  string
	srv     *httptest.Server
	mu      sync.Mutex
	decide  func(events []map[string]any) gateAction
	seen    [][]map[string]any // events of every request, in arrival order
	held    chan []map[string]any
	release chan struct{}
}

func newGatePlatform(t *testing.T, devAddr string) *gatePlatform {
	g := &gatePlatform{t: t, target: "http://" + devAddr, held: make(chan []map[string]any, 16), release: make(chan struct{})}
	g.decide = func([]map[string]any) gateAction { return gateForward }
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(func() {
		g.open()
		g.srv.Close()
	})
	return g
}

func (g *gatePlatform) URL() string { return g.srv.URL }

// setDecide replaces the decision for the next requests.
func (g *gatePlatform) setDecide(f func(events []map[string]any) gateAction) {
	g.mu.Lock()
	g.decide = f
	g.mu.Unlock()
}

// open lets every held request end (they answer 503 if their collector still waits).
func (g *gatePlatform) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.release:
	default:
		close(g.release)
	}
}

// sawAlone reports whether a request carried a record shipped on its own.
func (g *gatePlatform) sawAlone() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, evs := range g.seen {
		if anyAlone(evs) {
			return true
		}
	}
	return false
}

// isAlone reports an event made of a log record shipped on its own (map_logs.go: metadata
// otel.log_record).
func isAlone(ev map[string]any) bool {
	md, _ := ev["metadata"].(map[string]any)
	return md["otel.log_record"] == true
}

func anyAlone(evs []map[string]any) bool {
	for _, ev := range evs {
		if isAlone(ev) {
			return true
		}
	}
	return false
}

func (g *gatePlatform) serve(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	body := raw
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			g.t.Errorf("gate: undecodable gzip body: %v", err)
			http.Error(w, "gzip", http.StatusBadRequest)
			return
		}
	case "":
	default:
		g.t.Errorf("gate: Content-Encoding %q (testdata/otelcol.yaml sends gzip)", enc)
	}
	var batch struct {
		Traces []map[string]any `json:"traces"`
	}
	_ = json.Unmarshal(body, &batch)
	g.mu.Lock()
	g.seen = append(g.seen, batch.Traces)
	act := g.decide(batch.Traces)
	g.mu.Unlock()

	hold := func() {
		g.held <- batch.Traces
		select {
		case <-r.Context().Done():
		case <-g.release:
		}
	}
	switch act {
	case gateDown:
		http.Error(w, `{"error":"down"}`, http.StatusServiceUnavailable)
		return
	case gateHoldUnsent:
		hold()
		http.Error(w, `{"error":"down"}`, http.StatusServiceUnavailable)
		return
	}
	req, err := http.NewRequest(http.MethodPost, g.target+r.URL.Path, bytes.NewReader(raw))
	if err != nil {
		g.t.Errorf("gate: %v", err)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	reply, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if act == gateHoldAfterStored {
		hold()
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(reply)
}

// waitHeld waits until the gate holds a request and returns its events.
func (g *gatePlatform) waitHeld(t *testing.T, col *proc, what string) []map[string]any {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case evs := <-g.held:
			return evs
		case <-deadline:
			t.Fatalf("timed out waiting for %s:\n%s", what, tail(col.log(), 30))
		case <-time.After(100 * time.Millisecond):
			if col.exited() {
				t.Fatalf("the collector exited while waiting for %s:\n%s", what, tail(col.log(), 30))
			}
		}
	}
}

var crashSignals = []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM}

// TestCollectorLogCrashLateResendNotDelivered: the spans came first and their events were
// accepted; the records come after them, and the collector is stopped while the re-send of
// the spans' events with the records' content is in flight, before the platform stored it.
// The table promises nothing lost: after the restart the collector no longer remembers the
// accepted events, so the records wait for spans that do not come again and are shipped on
// their own after log_hold, child events of their spans without usage — the platform holds
// the spans' events as their spans alone make them, plus one event per record.
func TestCollectorLogCrashLateResendNotDelivered(t *testing.T) {
	skipShort(t, "starts and kills collectors")
	b := needBinaries(t)
	d := newLogCrashDoc(t, b)
	for _, sig := range crashSignals {
		t.Run(sig.String(), func(t *testing.T) {
			devAddr := startCrashDevserver(t, b)
			gate := newGatePlatform(t, devAddr)
			cenv := newCollectorEnv(t, gate.URL(), "e2e-key")
			col := startCollector(t, b, &cenv)
			if err := postSignal(cenv.httpAddr, "/v1/traces", d.spans); err != nil {
				t.Fatalf("posting the spans: %v", err)
			}
			if got, total := waitStored(t, devAddr, d.spansOnly, 60*time.Second, col); total != len(d.spansOnly) || !sameEvents(got, d.spansOnly) {
				t.Fatalf("before the records: %d events stored, want the spans' %d", total, len(d.spansOnly))
			}
			gate.setDecide(func([]map[string]any) gateAction { return gateHoldUnsent })
			if err := postSignal(cenv.httpAddr, "/v1/logs", d.logs); err != nil {
				t.Fatalf("posting the records: %v", err)
			}
			evs := gate.waitHeld(t, col, "the re-send of the accepted events with the records' content")
			for _, ev := range evs {
				if _, ok := d.spansOnly[fmt.Sprint(ev["traceId"], "/", ev["spanId"])]; !ok || isAlone(ev) {
					t.Fatalf("the held request carries %v %v, not an accepted span event sent again", ev["name"], ev["spanId"])
				}
			}
			col.stop(sig)
			gate.open()
			col2, _ := restartOn(t, b, cenv, "http://"+devAddr, logHoldOverlay(t, "3s"))
			expectExactly(t, devAddr, union(t, d.spansOnly, d.logsOnly), col2,
				"nothing lost: the spans' events as before, each record on its own after log_hold")
		})
	}
}

// TestCollectorLogCrashJoinedNotAcknowledged: the records came first and wait in the
// persistent queue; their spans come, and the platform accepts the spans' events with the
// records' content (the collector counts the records joined); the collector is stopped
// before the log request's next retry acknowledges them (retry_on_failure's first interval
// is 30 s here). The table promises nothing lost, the content twice: after the restart the
// replayed records find no span and are shipped on their own after log_hold, beside the
// spans' events that already carry them.
func TestCollectorLogCrashJoinedNotAcknowledged(t *testing.T) {
	skipShort(t, "starts and kills collectors")
	b := needBinaries(t)
	d := newLogCrashDoc(t, b)
	slowRetry := "exporters:\n  llmtrace:\n    retry_on_failure:\n      initial_interval: 30s\n      max_interval: 30s\n"
	for _, sig := range crashSignals {
		t.Run(sig.String(), func(t *testing.T) {
			devAddr := startCrashDevserver(t, b)
			cenv := newCollectorEnv(t, "http://"+devAddr, "e2e-key")
			cenv.overlay = overlayFile(t, slowRetry)
			col := startCollector(t, b, &cenv)
			if err := postSignal(cenv.httpAddr, "/v1/logs", d.logs); err != nil {
				t.Fatalf("posting the records: %v", err)
			}
			waitMetric(t, col, cenv, "otelcol_llmtrace_exporter_log_records_held", "", 17)
			if err := postSignal(cenv.httpAddr, "/v1/traces", d.spans); err != nil {
				t.Fatalf("posting the spans: %v", err)
			}
			waitMetric(t, col, cenv, "otelcol_llmtrace_exporter_log_records", `llmtrace_log_record_outcome="joined"`, 17)
			if got, total := waitStored(t, devAddr, d.full, 30*time.Second, col); total != len(d.full) || !sameEvents(got, d.full) {
				t.Fatalf("before the stop: %d events stored, want llmtrace map's %d", total, len(d.full))
			}
			if v, ok := metricValue(cenv.metricsPort, "otelcol_exporter_queue_size", `data_type="logs"`); !ok || v == 0 {
				t.Fatalf("the log request is no longer queued (queue size %v, read %v): acknowledged before the stop", v, ok)
			}
			col.stop(sig)
			col2, _ := restartOn(t, b, cenv, "http://"+devAddr, logHoldOverlay(t, "3s"))
			expectExactly(t, devAddr, union(t, d.full, d.logsOnly), col2,
				"nothing lost: the spans' events with the content, and the records again on their own")
		})
	}
}

// TestCollectorLogCrashAloneNotAcknowledged: the records' spans never come; after log_hold
// the records are shipped on their own, the platform stores them, and the collector is
// stopped before it reads the reply. The table promises nothing lost and nothing twice:
// after the restart they are shipped on their own again with the same spanIds, and the
// platform upserts them.
func TestCollectorLogCrashAloneNotAcknowledged(t *testing.T) {
	skipShort(t, "starts and kills collectors")
	b := needBinaries(t)
	d := newLogCrashDoc(t, b)
	for _, sig := range crashSignals {
		t.Run(sig.String(), func(t *testing.T) {
			devAddr := startCrashDevserver(t, b)
			gate := newGatePlatform(t, devAddr)
			gate.setDecide(func(evs []map[string]any) gateAction {
				if anyAlone(evs) {
					return gateHoldAfterStored
				}
				return gateForward
			})
			cenv := newCollectorEnv(t, gate.URL(), "e2e-key")
			cenv.overlay = logHoldOverlay(t, "2s")
			col := startCollector(t, b, &cenv)
			if err := postSignal(cenv.httpAddr, "/v1/logs", d.logs); err != nil {
				t.Fatalf("posting the records: %v", err)
			}
			evs := gate.waitHeld(t, col, "the records shipped on their own")
			if len(evs) != len(d.logsOnly) {
				t.Fatalf("the held request carries %d events, want the %d records on their own", len(evs), len(d.logsOnly))
			}
			if got, total := stored(t, devAddr, d.logsOnly); total != len(d.logsOnly) || !sameEvents(got, d.logsOnly) {
				t.Fatalf("before the stop the platform holds %d events, want the %d records on their own", total, len(d.logsOnly))
			}
			col.stop(sig)
			gate.open()
			col2, cenv2 := restartOn(t, b, cenv, "http://"+devAddr, logHoldOverlay(t, "2s"))
			// The restarted collector ships them again (accepted: counted alone) ...
			waitMetric(t, col2, cenv2, "otelcol_llmtrace_exporter_log_records", `llmtrace_log_record_outcome="alone"`, 17)
			waitFor(t, "the replayed log request to be acknowledged", 30*time.Second, col2, func() bool {
				v, ok := metricValue(cenv2.metricsPort, "otelcol_exporter_queue_size", `data_type="logs"`)
				return ok && v == 0
			})
			// ... and the platform holds each once.
			expectExactly(t, devAddr, d.logsOnly, col2, "nothing lost, nothing twice: the records on their own, upserted")
		})
	}
}

// TestCollectorLogCrashOutagePastHold: the platform is down while records and their spans
// arrive; the records wait past log_hold (the collector tries them on their own, refused
// too) and the collector is stopped during the outage. The table promises nothing lost:
// both requests are replayed from the persistent queue after the restart, with the platform
// back, and the platform stores exactly what `llmtrace map` makes of the document — the
// records' content on their spans' events.
func TestCollectorLogCrashOutagePastHold(t *testing.T) {
	skipShort(t, "starts and kills collectors")
	b := needBinaries(t)
	d := newLogCrashDoc(t, b)
	for _, sig := range crashSignals {
		t.Run(sig.String(), func(t *testing.T) {
			devAddr := startCrashDevserver(t, b)
			gate := newGatePlatform(t, devAddr)
			gate.setDecide(func([]map[string]any) gateAction { return gateDown })
			cenv := newCollectorEnv(t, gate.URL(), "e2e-key")
			cenv.overlay = logHoldOverlay(t, "2s")
			col := startCollector(t, b, &cenv)
			if err := postSignal(cenv.httpAddr, "/v1/logs", d.logs); err != nil {
				t.Fatalf("posting the records: %v", err)
			}
			if err := postSignal(cenv.httpAddr, "/v1/traces", d.spans); err != nil {
				t.Fatalf("posting the spans: %v", err)
			}
			waitFor(t, "the records to be tried on their own past log_hold", 60*time.Second, col, gate.sawAlone)
			col.stop(sig)
			col2, _ := restartOn(t, b, cenv, "http://"+devAddr, "")
			expectExactly(t, devAddr, d.full, col2, "nothing lost: the document as llmtrace map makes it")
		})
	}
}

// startCrashDevserver starts a dev platform of the test's own (key e2e-key, a fresh
// database) on a free address and returns that address.
func startCrashDevserver(t *testing.T, b binaries) string {
	t.Helper()
	devAddr := freeAddr(t)
	startDevserver(t, b, devAddr, filepath.Join(t.TempDir(), "dev.db"), "e2e-key")
	return devAddr
}
