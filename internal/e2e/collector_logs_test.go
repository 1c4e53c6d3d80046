package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestCollectorLogsJoin: the built otelcol-llmtrace with testdata/otelcol.yaml (traces and
// logs pipelines into one llmtrace exporter, persistent queue) receives the spans and the
// gen_ai log records of testdata/logs/*.json (records in the shapes of
// @opentelemetry/instrumentation-openai 0.21.0) and of every capture in testdata/captures
// that holds resourceLogs (otel-js-openai-logs-chat-tool: what
// @opentelemetry/instrumentation-openai 0.22.0 exported) as two OTLP/HTTP requests per
// document, logs then traces and traces then logs; the dev platform ends up storing exactly
// what `llmtrace map` makes of the same document, in both orders.
func TestCollectorLogsJoin(t *testing.T) {
	skipShort(t, "starts the dev platform and the collector")
	b := needBinaries(t)
	docs, err := filepath.Glob(filepath.Join(b.root, "testdata", "logs", "*.json"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no documents in testdata/logs (%v)", err)
	}
	withLogs := 0
	for _, f := range captures(t, b.root) {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if hasResourceLogs(t, body) {
			docs = append(docs, f)
			withLogs++
		}
	}
	if withLogs == 0 {
		t.Fatal("no capture in testdata/captures holds resourceLogs")
	}
	for _, order := range []string{"logs then traces", "traces then logs"} {
		t.Run(order, func(t *testing.T) {
			platformAddr := freeAddr(t)
			startDevserver(t, b, platformAddr, filepath.Join(t.TempDir(), "dev.db"), "e2e-key")
			cenv := newCollectorEnv(t, "http://"+platformAddr, "e2e-key")
			col := startCollector(t, b, &cenv)
			want := map[string]any{}
			for _, doc := range docs {
				out, err := exec.Command(b.llmtrace, "map", doc).Output()
				if err != nil {
					t.Fatalf("llmtrace map %s: %v", doc, err)
				}
				for k, v := range decodeEvents(t, out) {
					want[k] = v
				}
				spans, logs := splitDoc(t, doc)
				first, second := [2]string{"/v1/logs", logs}, [2]string{"/v1/traces", spans}
				if order == "traces then logs" {
					first, second = second, first
				}
				for _, req := range [][2]string{first, second} {
					if err := postSignal(cenv.httpAddr, req[0], []byte(req[1])); err != nil {
						t.Fatalf("posting %s of %s: %v", req[0], filepath.Base(doc), err)
					}
					time.Sleep(time.Second) // the two requests arrive seconds apart, as from two SDK exporters
				}
			}
			// Wait until every event equals the CLI's (a late re-send updates one in place).
			var diff string
			deadline := time.Now().Add(90 * time.Second)
			for !func() bool {
				got, total := stored(t, platformAddr, want)
				diff = ""
				if total != len(want) {
					diff = fmt.Sprintf("%d events stored, want %d", total, len(want))
					return false
				}
				for k, w := range want {
					wj, _ := json.Marshal(w)
					gj, _ := json.Marshal(got[k])
					if string(wj) != string(gj) {
						diff = fmt.Sprintf("event %s:\ncollector: %s\nmap:       %s", k, gj, wj)
						return false
					}
				}
				return true
			}() {
				if time.Now().After(deadline) || col.exited() {
					t.Fatalf("the stored events do not equal `llmtrace map`: %s\ncollector log:\n%s", diff, tail(col.log(), 20))
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}

// splitDoc returns a document's resourceSpans and resourceLogs as two OTLP JSON bodies.
func splitDoc(t *testing.T, path string) (spans, logs string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return `{"resourceSpans":` + string(doc["resourceSpans"]) + `}`, `{"resourceLogs":` + string(doc["resourceLogs"]) + `}`
}

// TestCollectorLogRecordsSurviveAKill: gen_ai log records whose span has not come yet are
// acknowledged only into the persistent queue (docs/collector.md, the logs crash table).
// The collector is killed (SIGKILL, SIGTERM) while they wait, started again on the same
// storage, and the spans are posted: the platform stores exactly what `llmtrace map` makes
// of the whole document: the records' content on their spans' events, nothing lost.
func TestCollectorLogRecordsSurviveAKill(t *testing.T) {
	skipShort(t, "starts and kills collectors")
	b := needBinaries(t)
	var doc string
	for _, f := range captures(t, b.root) {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if hasResourceLogs(t, body) {
			doc = f
			break
		}
	}
	if doc == "" {
		t.Fatal("no capture in testdata/captures holds resourceLogs")
	}
	out, err := exec.Command(b.llmtrace, "map", doc).Output()
	if err != nil {
		t.Fatalf("llmtrace map %s: %v", doc, err)
	}
	want := decodeEvents(t, out)
	spans, logs := splitDoc(t, doc)
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			platformAddr := freeAddr(t)
			startDevserver(t, b, platformAddr, filepath.Join(t.TempDir(), "dev.db"), "e2e-key")
			cenv := newCollectorEnv(t, "http://"+platformAddr, "e2e-key")
			col := startCollector(t, b, &cenv)
			if err := postSignal(cenv.httpAddr, "/v1/logs", []byte(logs)); err != nil {
				t.Fatalf("posting the log records: %v", err)
			}
			time.Sleep(500 * time.Millisecond) // the records are in the queue, waiting for their spans
			col.stop(sig)
			cenv2 := cenv
			cenv2.grpcAddr, cenv2.httpAddr = freeAddr(t), freeAddr(t)
			col2 := startCollector(t, b, &cenv2)
			if err := postSignal(cenv2.httpAddr, "/v1/traces", []byte(spans)); err != nil {
				t.Fatalf("posting the spans: %v", err)
			}
			got, total := waitStored(t, platformAddr, want, 90*time.Second, col2)
			if total != len(want) || !sameEvents(got, want) {
				t.Fatalf("after the restart the platform holds %d events, want %d equal to llmtrace map's", total, len(want))
			}
		})
	}
}
