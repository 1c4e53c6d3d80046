package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// mapStdin runs `llmtrace map` on stdin and returns stdout, stderr and the exit code.
func mapStdin(t *testing.T, in string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run([]string{"map"}, strings.NewReader(in), &out, &errb)
	return out.String(), errb.String(), code
}

// splitDocument returns testdata/logs/name as its logs and spans halves.
func splitDocument(t *testing.T, name string) (full, logs, spans string) {
	t.Helper()
	b, err := os.ReadFile("../../testdata/logs/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return string(b), `{"resourceLogs":` + string(doc["resourceLogs"]) + `}`, `{"resourceSpans":` + string(doc["resourceSpans"]) + `}`
}

// TestMapJoinsLogs: one document with resourceSpans and resourceLogs, and the same as
// JSON lines (logs first or spans first, compacted as the file exporter writes them), give
// the same events, the chat event carrying the records' messages.
func TestMapJoinsLogs(t *testing.T) {
	full, logs, spans := splitDocument(t, "openai-chat.json")
	want, stderr, code := mapStdin(t, full)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(want, `"input":{"messages":[{"role":"system","content":"You are terse."}`) ||
		!strings.Contains(want, `"output":{"tool_calls":[{"id":"call_1","name":"get_weather"`) {
		t.Errorf("the chat event lacks the records' content: %s", want)
	}
	compact := func(s string) string {
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(s)); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, lines := range []string{compact(logs) + "\n" + compact(spans) + "\n", compact(spans) + "\n" + compact(logs)} {
		got, stderr, code := mapStdin(t, lines)
		if code != 0 || got != want {
			t.Errorf("JSON lines: exit %d %s\n got %.300s\nwant %.300s", code, stderr, got, want)
		}
	}
}

// TestMapLogsAlone: records without their span become events of their own, children of the
// span they name, without usage.
func TestMapLogsAlone(t *testing.T) {
	_, logs, _ := splitDocument(t, "openai-responses.json")
	out, stderr, code := mapStdin(t, logs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var batch struct {
		Traces []map[string]any `json:"traces"`
	}
	if err := json.Unmarshal([]byte(out), &batch); err != nil {
		t.Fatal(err)
	}
	if len(batch.Traces) != 2 {
		t.Fatalf("%d events, want one per record: %s", len(batch.Traces), out)
	}
	for _, ev := range batch.Traces {
		if ev["parentSpanId"] == nil || ev["type"] != "custom" || ev["usage"] != nil {
			t.Errorf("event %v", ev)
		}
	}
}

// TestMapBadJSONLines: a broken line of a JSON-lines input is named by its line.
func TestMapBadJSONLines(t *testing.T) {
	_, stderr, code := mapStdin(t, "{\"resourceSpans\":[]}\n{\"resourceLogs\":[}\n")
	if code != exitBadInput || !strings.Contains(stderr, "line 2") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming line 2", code, stderr)
	}
	_, stderr, code = mapStdin(t, "{\"resourceSpans\":[]}\n{\"something\":1}\n")
	if code != exitBadInput || !strings.Contains(stderr, "line 2") || !strings.Contains(stderr, "resourceLogs") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming line 2 and what it lacks", code, stderr)
	}
}

// TestLateLogsEqualJoined: the records of every document with resourceLogs (testdata/logs,
// and the captures that hold them) arriving after their spans' events were accepted — the
// collector's traces-then-logs order — leave the platform (events upserted by span) with
// exactly what `llmtrace map` (records first, joined) gives.
func TestLateLogsEqualJoined(t *testing.T) {
	docs, _ := filepath.Glob("../../testdata/logs/*.json")
	n := 0
	for _, f := range captures(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`"resourceLogs"`)) {
			docs = append(docs, f)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no capture holds resourceLogs")
	}
	for _, f := range docs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := mapOTLP(bytes.NewReader(b), false)
		if err != nil {
			t.Fatal(err)
		}
		var joined platform.Batch
		if err := json.Unmarshal(out, &joined); err != nil {
			t.Fatal(err)
		}
		td, ld, err := readDocument(b)
		if err != nil {
			t.Fatal(err)
		}
		m := tracestate.New(tracestate.Options{Map: mapping.MapOptions{}})
		m.ExpectLogs()
		final := map[string]platform.TraceEvent{}
		evs := m.Map(pdataview.Spans(td))
		m.Delivered(evs, platform.SendResult{Accepted: len(evs)})
		for _, e := range evs {
			final[e.TraceID+"/"+e.SpanID] = e
		}
		res := m.MapLogs(pdataview.Logs(ld))
		m.Delivered(res.Events, platform.SendResult{Accepted: len(res.Events)})
		for _, e := range res.Events {
			final[e.TraceID+"/"+e.SpanID] = e
		}
		if len(final) != len(joined.Traces) {
			t.Errorf("%s: %d events late, %d joined", filepath.Base(f), len(final), len(joined.Traces))
		}
		for _, w := range joined.Traces {
			g, ok := final[w.TraceID+"/"+w.SpanID]
			wj, _ := json.Marshal(w)
			gj, _ := json.Marshal(g)
			if !ok || !bytes.Equal(wj, gj) {
				t.Errorf("%s: event %s late differs from joined:\n late   %.600s\n joined %.600s", filepath.Base(f), w.Name, gj, wj)
			}
		}
	}
}
