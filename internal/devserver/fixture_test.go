package devserver

import (
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/platform"
)

const capturesDir = "../../testdata/captures"

// readCapture reads one OTLP JSON capture of testdata/captures.
func readCapture(t testing.TB, name string) ptrace.Traces {
	t.Helper()
	f, err := os.Open(filepath.Join(capturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	td, err := pdataview.ReadOTLPJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return td
}

// mapTraces maps OTLP traces with the default mapper, as the shippers do.
func mapTraces(t testing.TB, td ptrace.Traces) []platform.TraceEvent {
	t.Helper()
	return mapping.NewMapper(mapping.MapOptions{}).Map(pdataview.Spans(td))
}

// findSpan returns the first span named name.
func findSpan(t testing.TB, td ptrace.Traces, name string) ptrace.Span {
	t.Helper()
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				if sp.Name() == name {
					return sp
				}
			}
		}
	}
	t.Fatalf("no span %q in the capture", name)
	return ptrace.Span{}
}

// Cost of the first model call of agentTrace, USD: 42 prompt tokens at $0.15 / 1M plus
// 17 completion tokens at $0.60 / 1M (gpt-4o-mini list prices).
const fixtureCostUSD = 0.0000165

// The roll-up of agentTrace's agent (and its trace's cost in the list), as the page prints
// it: fixtureCostUSD reported by the first call plus the second call priced from the
// vendored price table (34 uncached prompt tokens at $0.15 / 1M, 8 cache reads at
// $0.075 / 1M, 17 completion tokens at $0.60 / 1M = $0.0000159).
const fixtureRollupText = "$0.0000324"

// agentTrace is a real agent trace with an agent, two model calls, a tool and an error,
// built from the captures: vercel-ai-v7-otel-tool-loop.json (@ai-sdk/otel: invoke_agent,
// two steps each with a chat call, execute_tool get_weather) with two changes made to the
// OTLP spans before mapping, because no single capture has everything:
//   - the tool span fails: it gets the status (code ERROR, message) and the exception event
//     of the failed call in vercel-ai-v5-error-500.json;
//   - the first chat span gets gen_ai.usage.cost = fixtureCostUSD, since no capture
//     reports a cost; the mapper keeps it (a reported cost wins over the price table),
//     prices the second call from the table, and rolls both up.
func agentTrace(t testing.TB) []platform.TraceEvent {
	t.Helper()
	td := readCapture(t, "vercel-ai-v7-otel-tool-loop.json")
	failed := findSpan(t, readCapture(t, "vercel-ai-v5-error-500.json"), "ai.generateText.doGenerate")
	tool := findSpan(t, td, "execute_tool get_weather")
	failed.Status().CopyTo(tool.Status())
	exc := tool.Events().AppendEmpty()
	failed.Events().At(0).CopyTo(exc)
	exc.SetTimestamp(tool.EndTimestamp())
	findSpan(t, td, "chat gpt-4o-mini").Attributes().PutDouble("gen_ai.usage.cost", fixtureCostUSD)
	return mapTraces(t, td)
}
