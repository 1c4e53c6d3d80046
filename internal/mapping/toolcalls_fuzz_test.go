package mapping_test

import (
	"path/filepath"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// FuzzToolCalls holds the tool-call reader (toolcalls_read.go) to encoding/json (the old
// decode, toolcalls_oracle_test.go) on any document, as an event's output, as its input
// and as a tool's input (noArguments). Seeds: the input and output of every event the
// captures of testdata/captures map to (each capture whole, and each span alone, whose tool
// events keep their own input), and the edge cases of toolcalls_test.go.
func FuzzToolCalls(f *testing.F) {
	files, err := filepath.Glob("../../testdata/captures/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no captures: %v", err)
	}
	seen := map[string]bool{}
	add := func(b []byte) {
		if len(b) > 0 && !seen[string(b)] {
			seen[string(b)] = true
			f.Add(b)
		}
	}
	for _, file := range files {
		spans := captureSpans(f, file)
		batches := [][]mapping.SpanView{spans}
		for i := range spans {
			batches = append(batches, spans[i:i+1])
		}
		for _, b := range batches {
			for _, ev := range mapping.NewMapper(mapping.MapOptions{}).Map(b) {
				add(ev.Input)
				add(ev.Output)
			}
		}
	}
	if len(seen) < 2*len(files) {
		f.Fatalf("the captures gave %d documents", len(seen))
	}
	for _, doc := range mapping.ToolCallsCases() {
		add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if d := mapping.ToolCallsDiff(doc); d != "" {
			t.Errorf("%q: %s", doc, d)
		}
	})
}

// BenchmarkToolCalls is fillToolArgs' reading on the events of every capture of
// testdata/captures (each capture mapped whole): the tool calls of each model-call event
// and noArguments on each tool event's input, with the reader and with encoding/json.
func BenchmarkToolCalls(b *testing.B) {
	files, err := filepath.Glob("../../testdata/captures/*.json")
	if err != nil || len(files) == 0 {
		b.Fatalf("no captures: %v", err)
	}
	var evs []platform.TraceEvent
	for _, file := range files {
		evs = append(evs, mapping.NewMapper(mapping.MapOptions{}).Map(captureSpans(b, file))...)
	}
	for _, impl := range []struct {
		name  string
		calls func(*platform.TraceEvent) int
		noArg func([]byte) bool
	}{{"reader", mapping.EventToolCalls, mapping.NoArguments}, {"encoding-json", mapping.OracleEventToolCalls, mapping.OracleNoArguments}} {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for i := range evs {
					switch ev := &evs[i]; ev.Type {
					case platform.TypeLLM:
						n += impl.calls(ev)
					case platform.TypeTool:
						if impl.noArg(ev.Input) {
							n++
						}
					}
				}
			}
			b.ReportMetric(float64(n)/float64(b.N), "found/op")
		})
	}
}
