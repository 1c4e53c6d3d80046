package otelbridge

import (
	"context"
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

// The waits of one batch's delivery double from InitialInterval up to MaxInterval, each
// within ±50 % (the collector's randomization factor); a longer Retry-After wins over the
// backoff and is waited in full.
func TestBackOffDoublesWithinHalfUpToMaxInterval(t *testing.T) {
	rc := RetryConfig{Enabled: true, InitialInterval: 100 * time.Millisecond, MaxInterval: 400 * time.Millisecond, MaxElapsedTime: time.Hour}
	for range 200 {
		b := &batchDelivery{ctx: context.Background(), rc: rc, exp: newExponentialBackOff(rc)}
		b.Reset()
		for k, base := range []time.Duration{100, 200, 400, 400, 400} {
			base *= time.Millisecond
			if d := b.NextBackOff(); d < base/2 || d > base*3/2+1 {
				t.Fatalf("wait %d = %v, want %v ±50 %%", k, d, base)
			}
		}
		b.after = 3 * time.Second
		if d := b.NextBackOff(); d != b.after {
			t.Fatalf("wait after a Retry-After of %v = %v", b.after, d)
		}
	}
}
