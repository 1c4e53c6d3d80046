package mapping_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// captureSpans reads one capture of testdata/captures as span views, ordered by end time
// (the order in which a collector receives them from an app's batch processor).
func captureSpans(t testing.TB, file string) []mapping.SpanView {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	spans := readOTLPJSON(t, raw)
	slices.SortStableFunc(spans, func(a, b mapping.SpanView) int { return a.EndTime().Compare(b.EndTime()) })
	return spans
}

// upsert applies events to a platform's state the way the contract does: by spanId, the
// last one wins (docs/platform-api.md "Guarantees").
func upsert(t *testing.T, state map[string]string, events []platform.TraceEvent) {
	t.Helper()
	for i := range events {
		b, err := json.Marshal(&events[i])
		if err != nil {
			t.Fatal(err)
		}
		state[events[i].TraceID+"/"+events[i].SpanID] = string(b)
	}
}

func acceptAll(events []platform.TraceEvent) platform.SendResult {
	return platform.SendResult{Accepted: len(events)}
}

// The re-send of accepted events (internal/tracestate) on the mapping of the real captures:
// these tests live beside the captures' reader (otlpjson_test.go).

// TestLateTraceWideValuesAreResent: every capture, its spans split into two Map calls at
// every point (the later spans — the roots — carrying the thread, user, session and tags),
// ends on the platform exactly as one Map call of all its spans gives: the events accepted
// from the first call are re-sent with the values found in the second.
func TestLateTraceWideValuesAreResent(t *testing.T) {
	files, err := filepath.Glob("../../testdata/captures/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	resentSomewhere := false
	for _, f := range files {
		spans := captureSpans(t, f)
		whole := map[string]string{}
		all := mapping.NewMapper(mapping.MapOptions{Tags: []string{"env:test"}}).Map(spans)
		upsert(t, whole, all)
		for k := 1; k < len(spans); k++ {
			m := tracestate.New(tracestate.Options{Map: mapping.MapOptions{Tags: []string{"env:test"}}})
			state := map[string]string{}
			first := m.Map(spans[:k])
			upsert(t, state, first)
			m.Delivered(first, acceptAll(first))
			second := m.Map(spans[k:])
			upsert(t, state, second)
			m.Delivered(second, acceptAll(second))
			if len(second) > len(spans)-k+countErrors(second) {
				resentSomewhere = true
			}
			for key, want := range whole {
				if got := state[key]; got != want && !rollupOnly(got, want) {
					t.Errorf("%s split at %d/%d: event %s\n got %s\nwant %s", filepath.Base(f), k, len(spans), key, got, want)
				}
			}
			if len(state) != len(whole) {
				t.Errorf("%s split at %d: %d events stored, want %d", filepath.Base(f), k, len(state), len(whole))
			}
		}
	}
	if !resentSomewhere {
		t.Fatal("no split re-sent anything: the captures no longer carry late trace-wide values")
	}
}

func countErrors(evs []platform.TraceEvent) int {
	n := 0
	for i := range evs {
		if evs[i].Type == platform.TypeError {
			n++
		}
	}
	return n
}

// rollupOnly reports whether got and want differ only in what a parent mapped before its
// children's usage arrived can know: its usage roll-up (usage, model, metadata.usage_rollup
// and usage_reported). That limit is documented on the trace memory (map_trace.go).
func rollupOnly(got, want string) bool {
	var g, w map[string]any
	if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	for _, m := range []map[string]any{g, w} {
		delete(m, "usage")
		delete(m, "model")
		if md, ok := m["metadata"].(map[string]any); ok {
			delete(md, "usage_rollup")
			delete(md, "usage_reported")
		}
	}
	a, _ := json.Marshal(g)
	b, _ := json.Marshal(w)
	return bytes.Equal(a, b)
}

// TestResendWaitsForAcceptance: events the platform did not accept are not remembered as
// sent (they are re-mapped when their spans are retried); a re-send that fails is tried
// again by the next Map call, whatever its trace.
func TestResendWaitsForAcceptance(t *testing.T) {
	// The AI SDK v7 capture: its later spans carry the trace's thread, so splitting it
	// after two spans makes those two stale (see TestLateTraceWideValuesAreResent).
	spans := captureSpans(t, "../../testdata/captures/vercel-ai-v7-otel-tool-loop.json")
	const k = 2
	m := tracestate.New(tracestate.Options{Map: mapping.MapOptions{}})
	first := m.Map(spans[:k])
	// Nothing accepted: nothing to re-send later.
	m.Delivered(first, platform.SendResult{Undelivered: indices(len(first))})
	second := m.Map(spans[k:])
	if len(second) != len(spans)-k+countErrors(second) {
		t.Fatalf("second Map gave %d events; nothing was accepted before, so only its own spans'", len(second))
	}
	if m.Stats().EventsResent != 0 {
		t.Fatalf("Stats = %+v", m.Stats())
	}

	// Accepted first, then the re-send fails: the next Map call (another trace) re-sends.
	m = tracestate.New(tracestate.Options{Map: mapping.MapOptions{}})
	first = m.Map(spans[:k])
	m.Delivered(first, acceptAll(first))
	second = m.Map(spans[k:])
	resent := int(m.Stats().EventsResent)
	if resent != k {
		t.Fatalf("re-sent %d events, want the %d accepted before the thread was known", resent, k)
	}
	m.Delivered(second, platform.SendResult{Undelivered: indices(len(second))})
	other := captureSpans(t, "../../testdata/captures/openinference-openai-agents-agent-tool.json")
	third := m.Map(other)
	if got := len(third) - len(other) - countErrors(third); got < resent {
		t.Fatalf("the next Map re-sent %d events, want the %d whose re-send failed", got, resent)
	}
}

func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
