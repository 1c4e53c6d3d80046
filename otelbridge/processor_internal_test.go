package otelbridge

import (
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// procFakeView is a ReadOnlySpan with only IDs, for the ancestor filter.
type procFakeView struct {
	sdktrace.ReadOnlySpan
	trace  [16]byte
	span   [8]byte
	parent [8]byte
	genai  bool
}

func (v procFakeView) SpanContext() trace.SpanContext {
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: v.trace, SpanID: v.span})
}

func (v procFakeView) Parent() trace.SpanContext {
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: v.trace, SpanID: v.parent})
}

func TestAncestorFilterMemoryIsBounded(t *testing.T) {
	f := newAncestorFilter(4, func(s sdktrace.ReadOnlySpan) bool { return s.(procFakeView).genai })
	tr := [16]byte{1}
	sp := func(i byte) [8]byte { return [8]byte{i} }
	// Ten gen_ai leaves with distinct parents: only the last 4 parent marks are kept.
	for i := byte(1); i <= 10; i++ {
		if !f.keep(procFakeView{trace: tr, span: sp(100 + i), parent: sp(i), genai: true}) {
			t.Fatal("gen_ai span left out")
		}
	}
	if len(f.marks) != 4 {
		t.Fatalf("%d marks, want the bound 4", len(f.marks))
	}
	for i := byte(1); i <= 10; i++ {
		kept := f.keep(procFakeView{trace: tr, span: sp(i)}) // a plain parent ends
		if want := i > 6; kept != want {
			t.Errorf("parent %d kept = %v, want %v (oldest marks forgotten)", i, kept, want)
		}
	}
	if len(f.marks) != 0 {
		t.Fatalf("%d marks left after the parents ended", len(f.marks))
	}
	// Another trace's span with the same span ID is not confused with a marked one.
	f.keep(procFakeView{trace: tr, span: sp(200), parent: sp(50), genai: true})
	if f.keep(procFakeView{trace: [16]byte{2}, span: sp(50)}) {
		t.Fatal("a span of another trace matched the mark")
	}
}

func TestJitterStaysWithinHalf(t *testing.T) {
	for range 1000 {
		d := jitter(100 * time.Millisecond)
		if d < 50*time.Millisecond || d > 150*time.Millisecond {
			t.Fatalf("jitter(100ms) = %v, outside ±50 %%", d)
		}
	}
}
