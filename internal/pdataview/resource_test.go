package pdataview

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// multiResourceTraces has three resources — plain strings, a structured value (kvlist) and
// more than 16 attributes — each with two scopes of three spans (each span its own trace).
func multiResourceTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	n := byte(0)
	for r := range 3 {
		rs := td.ResourceSpans().AppendEmpty()
		ra := rs.Resource().Attributes()
		ra.PutStr("service.name", fmt.Sprintf("svc-%d", r))
		ra.PutInt("process.pid", int64(1000+r))
		switch r {
		case 1:
			ra.PutEmptyMap("k8s.labels").PutStr("app", "agent")
		case 2:
			for i := range 20 {
				ra.PutStr(fmt.Sprintf("extra.%02d", i), fmt.Sprint(i))
			}
		}
		for s := range 2 {
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName(fmt.Sprintf("scope-%d-%d", r, s))
			if s == 0 {
				ss.Scope().SetVersion("1.0")
			}
			for range 3 {
				n++
				sp := ss.Spans().AppendEmpty()
				sp.SetTraceID(pcommon.TraceID{n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
				sp.SetSpanID(pcommon.SpanID{n, 1, 2, 3, 4, 5, 6, 7})
				sp.SetName("chat m")
				sp.SetStartTimestamp(1_700_000_000_000_000_000)
				sp.Attributes().PutStr("gen_ai.operation.name", "chat")
			}
		}
	}
	return td
}

// TestResourceMetadataSharedAcrossSpans maps many spans of a few resources in one call
// (resource values boxed once per resource and reused) and checks every event's resource
// and scope metadata against mapping its span alone.
func TestResourceMetadataSharedAcrossSpans(t *testing.T) {
	td := multiResourceTraces()
	views := Spans(td)
	batch := mapping.NewMapper(mapping.MapOptions{Metadata: platform.MetadataFromMap(map[string]any{"base": 1, "service.name": "base"})}).Map(views)
	if len(batch) != 18 {
		t.Fatal(len(batch))
	}
	for i, sv := range views {
		alone := mapping.NewMapper(mapping.MapOptions{Metadata: platform.MetadataFromMap(map[string]any{"base": 1, "service.name": "base"})}).Map([]mapping.SpanView{sv})
		if len(alone) != 1 {
			t.Fatal(len(alone))
		}
		got, _ := json.Marshal(batch[i].Metadata)
		want, _ := json.Marshal(alone[0].Metadata)
		if string(got) != string(want) {
			t.Errorf("span %d: metadata in a batch\n%s\nalone\n%s", i, got, want)
		}
		r, s := i/6, i%6/3
		md := batch[i].Metadata
		if md.Get("service.name") != fmt.Sprintf("svc-%d", r) || md.Get("process.pid") != int64(1000+r) ||
			md.Get("otel.scope.name") != fmt.Sprintf("scope-%d-%d", r, s) || (s == 0) != (md.Get("otel.scope.version") == "1.0") {
			t.Errorf("span %d: metadata %v", i, md)
		}
		if _, ok := md.Lookup("k8s.labels"); ok != (r == 1) {
			t.Errorf("span %d: k8s.labels present %v", i, ok)
		}
		if _, ok := md.Lookup("extra.19"); ok != (r == 2) {
			t.Errorf("span %d: extra.19 present %v", i, ok)
		}
	}
	// The views of one resource share its attribute view; different resources do not.
	if views[0].Resource() != views[5].Resource() || views[0].Resource() == views[6].Resource() {
		t.Error("resource views not shared per resource")
	}
}
