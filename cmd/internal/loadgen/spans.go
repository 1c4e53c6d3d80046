package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// pool is the spans of the captures, one ptrace.Traces per trace (its spans with their
// resource and scope), in file-name order and, within a file, in order of first appearance.
type pool struct {
	traces []ptrace.Traces
	spans  int
}

// loadPool reads every *.json capture in dir (OTLP JSON, testdata/captures/README.md; the
// "resourceLogs" of a capture are ignored) and splits its spans by trace.
func loadPool(dir string) (*pool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	p := &pool{}
	var u ptrace.JSONUnmarshaler
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		td, err := u.UnmarshalTraces(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		p.add(td)
	}
	if p.spans == 0 {
		return nil, fmt.Errorf("no spans in %s/*.json", dir)
	}
	return p, nil
}

// add splits td by trace ID onto the end of p.traces.
func (p *pool) add(td ptrace.Traces) {
	byTrace := map[pcommon.TraceID]ptrace.Traces{}
	for i := range td.ResourceSpans().Len() {
		rs := td.ResourceSpans().At(i)
		for j := range rs.ScopeSpans().Len() {
			ss := rs.ScopeSpans().At(j)
			scopes := map[pcommon.TraceID]ptrace.SpanSlice{} // this scope's copy in each trace
			for k := range ss.Spans().Len() {
				sp := ss.Spans().At(k)
				t, ok := byTrace[sp.TraceID()]
				if !ok {
					t = ptrace.NewTraces()
					byTrace[sp.TraceID()] = t
					p.traces = append(p.traces, t)
				}
				dst, ok := scopes[sp.TraceID()]
				if !ok {
					out := t.ResourceSpans().AppendEmpty()
					rs.Resource().CopyTo(out.Resource())
					out.SetSchemaUrl(rs.SchemaUrl())
					oss := out.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(oss.Scope())
					oss.SetSchemaUrl(ss.SchemaUrl())
					dst = oss.Spans()
					scopes[sp.TraceID()] = dst
				}
				sp.CopyTo(dst.AppendEmpty())
				p.spans++
			}
		}
	}
}

// origIDs are a template span's IDs as captured, and which trace of the template it is in.
type origIDs struct {
	copy   int // index of the trace taken into the template (a trace may be taken twice)
	span   pcommon.SpanID
	parent pcommon.SpanID
}

// template is one request of n spans; refresh gives it fresh trace and span IDs.
type template struct {
	td      ptrace.Traces
	spans   []ptrace.Span // every span of td, in order
	orig    []origIDs
	copies  int
	sources []ptrace.Traces // the pool trace of each copy

	newSpan map[spanKey]pcommon.SpanID // reused by refresh
}

type spanKey struct {
	copy int
	id   pcommon.SpanID
}

// template builds a request of exactly n spans out of whole traces of the pool: taken in
// order from trace index start (wrapping around, so a trace may appear more than once),
// skipping a trace larger than the room left, so that every trace of a request is complete.
// (The llmtrace exporter keeps a trace's events until its root span is accepted; a trace cut
// short would never complete, every request getting fresh IDs.) Only when no whole trace fits
// the room left in a full turn of the pool is the next one cut short.
func (p *pool) template(start, n int) *template {
	t := &template{td: ptrace.NewTraces(), newSpan: map[spanKey]pcommon.SpanID{}}
	for i, skipped := start, 0; len(t.spans) < n; i++ {
		src := p.traces[i%len(p.traces)]
		if room := n - len(t.spans); src.SpanCount() > room && skipped < len(p.traces) {
			skipped++
			continue
		}
		skipped = 0
		t.take(src, n)
	}
	t.refresh(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	return t
}

// take appends the spans of src (one trace), up to n spans in the template, as the template's
// next trace copy.
func (t *template) take(src ptrace.Traces, n int) {
	c := t.copies
	t.copies++
	t.sources = append(t.sources, src)
	for i := range src.ResourceSpans().Len() {
		rs := src.ResourceSpans().At(i)
		out := t.td.ResourceSpans().AppendEmpty()
		rs.Resource().CopyTo(out.Resource())
		out.SetSchemaUrl(rs.SchemaUrl())
		for j := range rs.ScopeSpans().Len() {
			ss := rs.ScopeSpans().At(j)
			oss := out.ScopeSpans().AppendEmpty()
			ss.Scope().CopyTo(oss.Scope())
			oss.SetSchemaUrl(ss.SchemaUrl())
			for k := 0; k < ss.Spans().Len() && len(t.spans) < n; k++ {
				sp := oss.Spans().AppendEmpty()
				ss.Spans().At(k).CopyTo(sp)
				t.spans = append(t.spans, sp)
				t.orig = append(t.orig, origIDs{copy: c, span: sp.SpanID(), parent: sp.ParentSpanID()})
			}
		}
	}
	// A trace cut short at n may leave empty resource and scope entries behind.
	t.td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool { return ss.Spans().Len() == 0 })
		return rs.ScopeSpans().Len() == 0
	})
}

// refresh gives every trace of the template a new random trace ID and every span a new
// random span ID; a parent span ID follows its span's new ID, so the traces keep their shape
// (a parent cut off by the request size gets a new ID all the same).
func (t *template) refresh(rng *rand.Rand) {
	clear(t.newSpan)
	traceIDs := make([]pcommon.TraceID, t.copies)
	for i := range traceIDs {
		traceIDs[i] = randomTraceID(rng)
	}
	spanID := func(c int, old pcommon.SpanID) pcommon.SpanID {
		k := spanKey{c, old}
		id, ok := t.newSpan[k]
		if !ok {
			id = randomSpanID(rng)
			t.newSpan[k] = id
		}
		return id
	}
	for i, sp := range t.spans {
		o := t.orig[i]
		sp.SetTraceID(traceIDs[o.copy])
		sp.SetSpanID(spanID(o.copy, o.span))
		if !o.parent.IsEmpty() {
			sp.SetParentSpanID(spanID(o.copy, o.parent))
		}
	}
}

func randomTraceID(rng *rand.Rand) pcommon.TraceID {
	var id pcommon.TraceID
	for id.IsEmpty() {
		a, b := rng.Uint64(), rng.Uint64()
		for i := range 8 {
			id[i], id[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
		}
	}
	return id
}

func randomSpanID(rng *rand.Rand) pcommon.SpanID {
	var id pcommon.SpanID
	for id.IsEmpty() {
		a := rng.Uint64()
		for i := range 8 {
			id[i] = byte(a >> (8 * i))
		}
	}
	return id
}
