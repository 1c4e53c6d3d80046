package mapping

import (
	"fmt"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// The rule for trace-wide values (map_trace.go, top): thread, user and session are the same
// on every event of a trace; the first key of each key list wins, then OpenInference's
// metadata keys, then the dialects' rules; for the same rank the root span's value wins,
// then the lowest span ID — never input order, also when the spans come in several Map
// calls of one Mapper.

// traceWideField is one trace-wide value: its key list (precedence.go) and how an event
// shows it.
type traceWideField struct {
	name string
	keys func() []string
	get  func(ev *platform.TraceEvent) string
}

var traceWideFields = []traceWideField{
	{"user", func() []string { return compile(&precedence).userKeys }, func(ev *platform.TraceEvent) string { return ev.UserID }},
	{"session", func() []string { return compile(&precedence).sessionKeys }, func(ev *platform.TraceEvent) string { return ev.SessionID }},
	{"thread", func() []string { return compile(&precedence).conversationKeys }, func(ev *platform.TraceEvent) string { return ev.ThreadID }},
}

// want is what an event shows for the value v of field f (a thread is the conversation's
// UUID, ids.go ThreadUUID).
func (f traceWideField) want(v string) string {
	if f.name == "thread" {
		return ThreadUUID(v)
	}
	return v
}

// The spans: a root with span ID 9 and two children with the lower IDs 2 and 3, so that the
// root wins by being the root, not by the lowest span ID.
const (
	twRootID   = 9
	twChildID  = 2
	twChild2ID = 3
)

func twRootSpan(attrs ...kv) *testSpan { return newSpan(twRootID, 0, "agent", attrs...) }
func twChildSpan(id byte, attrs ...kv) *testSpan {
	return newSpan(id, twRootID, fmt.Sprintf("chat m %d", id), append(attrs, str("gen_ai.operation.name", "chat"))...)
}

// twCheckAll checks that every event of evs shows v.
func twCheckAll(t *testing.T, f traceWideField, what string, evs []platform.TraceEvent, v string) {
	t.Helper()
	for i := range evs {
		if got := f.get(&evs[i]); got != f.want(v) {
			t.Errorf("%s: %s of event %d (%s) is %q, want %q's", what, f.name, i, evs[i].Name, got, v)
		}
	}
}

// Same key on the root and on a child, one Map call: the root's value, in any input order.
func TestTraceWideRootBeatsChildSameKey(t *testing.T) {
	for _, f := range traceWideFields {
		k := f.keys()[0]
		orders := map[string]func() []*testSpan{
			"root first": func() []*testSpan {
				return []*testSpan{twRootSpan(str(k, "root-v")), twChildSpan(twChildID, str(k, "child-v")), twChildSpan(twChild2ID)}
			},
			"root last": func() []*testSpan {
				return []*testSpan{twChildSpan(twChildID, str(k, "child-v")), twChildSpan(twChild2ID), twRootSpan(str(k, "root-v"))}
			},
			"root between": func() []*testSpan {
				return []*testSpan{twChildSpan(twChild2ID), twRootSpan(str(k, "root-v")), twChildSpan(twChildID, str(k, "child-v"))}
			},
		}
		for name, spans := range orders {
			twCheckAll(t, f, name+" ("+k+")", mapOne(t, MapOptions{}, spans()...), "root-v")
		}
	}
}

// Same key on the root and on a child, in separate Map calls of one Mapper, either order:
// once the root is seen its value wins; a child mapped before it keeps its own (the Mapper
// cannot know better yet, map_trace.go TraceMemory), every later event shows the root's.
func TestTraceWideRootBeatsChildAcrossMapCalls(t *testing.T) {
	for _, f := range traceWideFields {
		k := f.keys()[0]
		t.Run(f.name+"/child first", func(t *testing.T) {
			m := withMemory(MapOptions{})
			twCheckAll(t, f, "child alone", m.Map([]SpanView{twChildSpan(twChildID, str(k, "child-v"))}), "child-v")
			twCheckAll(t, f, "then the root", m.Map([]SpanView{twRootSpan(str(k, "root-v"))}), "root-v")
			twCheckAll(t, f, "then a child with its own value", m.Map([]SpanView{twChildSpan(twChild2ID, str(k, "child2-v"))}), "root-v")
		})
		t.Run(f.name+"/root first", func(t *testing.T) {
			m := withMemory(MapOptions{})
			twCheckAll(t, f, "root alone", m.Map([]SpanView{twRootSpan(str(k, "root-v"))}), "root-v")
			twCheckAll(t, f, "then a child with its own value", m.Map([]SpanView{twChildSpan(twChildID, str(k, "child-v"))}), "root-v")
			twCheckAll(t, f, "then a child without", m.Map([]SpanView{twChildSpan(twChild2ID)}), "root-v")
		})
		t.Run(f.name+"/child, root and child in one batch, after a child", func(t *testing.T) {
			m := withMemory(MapOptions{})
			m.Map([]SpanView{twChildSpan(twChild2ID, str(k, "child2-v"))})
			twCheckAll(t, f, "the batch", m.Map([]SpanView{twChildSpan(twChildID, str(k, "child-v")), twRootSpan(str(k, "root-v"))}), "root-v")
		})
	}
}

// Two children with the same key and no value on the root: the lower span ID wins, in any
// order, in one call or across calls.
func TestTraceWideLowestSpanIDAmongChildren(t *testing.T) {
	for _, f := range traceWideFields {
		k := f.keys()[0]
		lo := func() *testSpan { return twChildSpan(twChildID, str(k, "lo-v")) }
		hi := func() *testSpan { return twChildSpan(twChild2ID, str(k, "hi-v")) }
		twCheckAll(t, f, "lo, hi", mapOne(t, MapOptions{}, lo(), hi(), twRootSpan()), "lo-v")
		twCheckAll(t, f, "hi, lo", mapOne(t, MapOptions{}, twRootSpan(), hi(), lo()), "lo-v")
		m := withMemory(MapOptions{})
		m.Map([]SpanView{hi()})
		twCheckAll(t, f, "hi, then lo in a later call", m.Map([]SpanView{lo(), twRootSpan()}), "lo-v")
		m = withMemory(MapOptions{})
		m.Map([]SpanView{lo()})
		twCheckAll(t, f, "lo, then hi in a later call", m.Map([]SpanView{hi(), twRootSpan()}), "lo-v")
	}
}

// The key's rank comes before the root: a child's better-ranked key beats a worse-ranked
// key on the root (both orders, and across calls); the root's better key beats a child's
// worse one.
func TestTraceWideKeyRankBeforeRoot(t *testing.T) {
	for _, f := range traceWideFields {
		keys := f.keys()
		best, worse := keys[0], keys[len(keys)-1]
		twCheckAll(t, f, "child best, root worse", mapOne(t, MapOptions{},
			twRootSpan(str(worse, "root-v")), twChildSpan(twChildID, str(best, "child-v"))), "child-v")
		twCheckAll(t, f, "root worse, child best (reversed)", mapOne(t, MapOptions{},
			twChildSpan(twChildID, str(best, "child-v")), twRootSpan(str(worse, "root-v"))), "child-v")
		twCheckAll(t, f, "root best, child worse", mapOne(t, MapOptions{},
			twChildSpan(twChildID, str(worse, "child-v")), twRootSpan(str(best, "root-v"))), "root-v")
		m := withMemory(MapOptions{})
		m.Map([]SpanView{twChildSpan(twChildID, str(best, "child-v"))})
		twCheckAll(t, f, "root's worse key in a later call", m.Map([]SpanView{twRootSpan(str(worse, "root-v")), twChildSpan(twChild2ID)}), "child-v")
		// A name only the fallback reads (fallback.go) on the root ranks below any named key.
		twCheckAll(t, f, "fallback name on the root", mapOne(t, MapOptions{},
			twRootSpan(str("app.custom."+twFallbackName(f), "root-v")), twChildSpan(twChildID, str(worse, "child-v"))), "child-v")
	}
}

func twFallbackName(f traceWideField) string {
	switch f.name {
	case "user":
		return fbUserNames[0]
	case "session":
		return fbSessionNames[0]
	}
	return fbConversationNames[0]
}
